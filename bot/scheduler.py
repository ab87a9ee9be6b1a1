"""Durable timers: the database is the truth, APScheduler the alarm.

Every future action is a row of ``timers``. The alarm (:mod:`bot.alarm`, APScheduler)
wakes the bot at the earliest pending row, and a slow sweep catches clock steps; both
call :meth:`Scheduler.run_due`, which runs what is due *by the injected clock*.
Firing is idempotent: a row is closed once, a handler skips targets it already
reached (``timer_deliveries``) and sends with a nonce derived from the timer and
the target, so a crash between Discord accepting a message and the row being
closed cannot produce a visible duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot import timer_ends
from bot.alarm import Alarm
from bot.clock import Clock
from bot.config import SchedulerSettings
from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.db.engine import DatabaseUnavailable, Engine
from bot.db.timers import Timer
from bot.firing import (
    INTERACTIVE,
    NONCE_LENGTH,
    AfterClose,
    Firing,
    FiringLocks,
    Handed,
    HandedBack,
    Handler,
    InteractiveRuns,
    RetryLater,
    TimerKind,
    nonce_for,
    pending,
)
from bot.leases import Leases, holding
from bot.missed import WhenMissed

__all__ = [
    "INTERACTIVE",
    "NONCE_LENGTH",
    "Firing",
    "Handler",
    "RetryLater",
    "Scheduler",
    "TimerKind",
    "nonce_for",
]

log = logging.getLogger(__name__)


class Scheduler:
    """Runs timers; one per process. On a database several processes share, each
    claims the timers it fires (:class:`~bot.leases.Leases`)."""

    def __init__(self, db: Engine, clock: Clock, settings: SchedulerSettings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._handlers: dict[str, Handler] = {}
        self._when_missed: dict[str, WhenMissed] = {}
        self._run_lock = asyncio.Lock()
        """One bulk run (:meth:`run_due`) at a time."""
        self._firing = FiringLocks()
        self._interactive = InteractiveRuns()
        lease, fire, halted = settings.lease_seconds, self._fire_each, self._halted
        self._leases = Leases(db, clock, lease, fire, halted) if db.shared else None
        # Another process's timers have no wake-up here: a short poll finds those due, and
        # those a dead process claimed once their lease ended, whatever the bulk run does.
        poll, ring = settings.poll_seconds if db.shared else None, self._alarm_rings
        self.alarm = Alarm(clock, ring, self.next_due, self._busy, poll, self._take_over)
        self._reported_unhandled: set[str] = set()
        self._stopped = False
        self._paused = False

    # -- wiring -------------------------------------------------------------------

    def register(self, *kinds: TimerKind) -> None:
        """Say what runs each timer kind. A kind is registered once, in one place."""
        for declared in kinds:
            if declared.kind in self._handlers:
                raise RuntimeError(f"timer kind {declared.kind!r} registered twice")
            self._handlers[declared.kind] = declared.handler
            self._when_missed[declared.kind] = declared.on_missed
        self.rearm_soon()

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def when_missed(self, kind: str) -> WhenMissed | None:
        """What ``kind`` declared for its missed timers (None: not registered here)."""
        return self._when_missed.get(kind)

    async def report_unhandled(self) -> list[str]:
        """Log, once per kind, pending timers nobody handles (a feature left out of config).

        They are parked: left pending, never picked up, so they cost nothing and run
        as soon as a handler is registered again.
        """
        async with self._db.read() as conn:
            stored = await timers_db.pending_kinds(conn)
        unhandled = sorted(set(stored) - self._handlers.keys())
        for kind in unhandled:
            if kind not in self._reported_unhandled:
                self._reported_unhandled.add(kind)
                log.warning("pending timers of kind %r have no handler; parked", kind)
        return unhandled

    def start(self) -> None:
        """Start the alarm (once, however often the gateway reconnects)."""
        if self.alarm.running:
            return
        self._stopped = False
        self.alarm.start(paused=self._paused)
        asyncio.get_running_loop().create_task(self.report_unhandled())

    def every(self, job_id: str, interval: timedelta, func: Callable[[], Awaitable[Any]]) -> None:
        """A housekeeping job (retention purge): idempotent, so it needs no timer row. It
        also runs shortly after start-up, so a bot restarted daily still purges."""
        self.alarm.every(job_id, interval, func)

    def rearm_soon(self) -> None:
        """Re-arm the wake-up once the current transaction has released the database."""
        self.alarm.rearm_soon()

    async def stop(self) -> None:
        # A run that queued for the lock behind this stop must not start while the
        # database closes (it was cancelled mid-query: a traceback on a clean stop).
        self._stopped = True
        await self.alarm.stop()
        async with self._run_lock:  # let a run in progress finish its bookkeeping
            pass
        if self._leases is not None:
            await self._leases.stop_taking_over()
        await self._interactive.idle()  # and the work people started, closes included

    @property
    def running(self) -> bool:
        return self.alarm.running

    def pause(self) -> None:
        """Run nothing until :meth:`resume` (the database can no longer be written):
        timers stay pending, none is closed as failed or missed, housekeeping waits."""
        self._paused = True
        self.alarm.pause()

    def resume(self) -> None:
        self._paused = False
        self.alarm.resume()

    @property
    def paused(self) -> bool:
        return self._paused

    # -- planning -----------------------------------------------------------------

    async def schedule(
        self,
        conn: Connection,
        guild_id: int,
        kind: str,
        key: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        wake: bool = True,
        revive: bool = False,
    ) -> Handed | None:
        """Plan a timer inside the caller's transaction; the alarm is re-armed after it.
        ``revive``: a cancelled timer under this key is planned again (a moved date back).

        ``wake=False``: the caller runs it itself once committed (:meth:`run_now`, which
        re-arms if it could not), so the bulk lane is not woken for it meanwhile; given
        what it returns, :meth:`run_now` does not read back a timer whose key is new."""
        lease = self._leases.for_new_timer() if self._leases and not wake else None
        payload = payload or {}
        timer_id = await timers_db.upsert_pending(
            conn, guild_id, kind, key, due_at, payload, self._clock.now(), lease, revive=revive
        )
        if wake:
            self.rearm_soon()
        elif timer_id is not None:
            where = {"guild_id": guild_id, "kind": kind, "key": key}
            return Handed.written(timer_id, where, due_at, payload, lease, self._firing.bulk_takes)
        return None

    async def cancel(self, conn: Connection, kind: str, key: str) -> None:
        await timers_db.cancel(conn, kind, key, self._clock.now())
        self.rearm_soon()

    async def cancel_prefix(self, conn: Connection, kind: str, key_prefix: str) -> None:
        await timers_db.cancel_prefix(conn, kind, key_prefix, self._clock.now())
        self.rearm_soon()

    async def next_due(self) -> datetime | None:
        """When the earliest pending timer is due (or retried), if any, once the timers
        planned in a transaction under way (which asked for the re-arm) are committed; with
        claims, the earliest one no other process holds, or the end of another's claim."""
        if self._leases is not None:
            return await self._leases.next_wake(self.kinds)
        async with self._db.read(after_writes=True) as conn:
            return await timers_db.next_wake(conn, self.kinds)

    # -- firing -------------------------------------------------------------------

    async def _alarm_rings(self) -> None:
        """What the alarm runs. Its shutdown cancels the jobs under way: the run goes on
        shielded (stop() waits for it to finish its bookkeeping), quietly."""
        run = asyncio.ensure_future(self.run_due())
        try:
            await asyncio.shield(run)
        except asyncio.CancelledError:
            if not self._stopped:
                raise

    async def run_due(self) -> int:
        """Run every timer due by the injected clock; returns how many were closed.

        The bulk lane: one run at a time, timer after timer. Work a person started
        (:meth:`run_now`) does not wait for it.
        """
        async with self._run_lock:
            if self._stopped or self._paused:
                return 0
            # The closes of what people ran at once first (a trip or two): a timer they
            # ran is then seen done, and the run starts from what is written.
            await self.closes_written()
            try:
                closed = await self._run_due(self._clock.now())
            except DatabaseUnavailable as exc:
                # The timers stay due as they were: the sweep (or the poll) runs them later.
                log.warning("timers wait for the database: %s", exc)
                closed = 0
        self.rearm_soon()
        return closed

    async def _run_due(self, now: datetime) -> int:
        if self._leases is None:
            # A burst's timers can number thousands: read off the loop.
            async with self._db.read_in_thread() as conn:
                due = await timers_db.due(conn, now, self.kinds)
            return await self._fire_each([(t.id, t.kind, t.key) for t in due], now)
        return await self._leases.fire_due(now, self.kinds, self._fire_each, self._halted)

    def _halted(self) -> bool:
        return self._paused or self._stopped

    def _take_over(self) -> None:
        if self._leases is not None and not self._halted():
            self._leases.take_over_soon(self.kinds)

    async def _fire_each(self, timers: list[tuple[int, str, str]], now: datetime) -> int:
        closed = 0
        for timer_id, kind, key in timers:
            if self._paused or (self._leases is not None and self._leases.lapsed):
                break
            async with self._firing.holding(kind, key):
                self._firing.bulk_takes += 1
                # The other lane may have run it meanwhile.
                async with self._db.read() as conn:
                    current = await timers_db.pending_with_deliveries(conn, timer_id=timer_id)
                # With claims, only while this process holds it: another takes over a
                # claim this one failed to renew.
                if current is not None and (
                    self._leases is None or current[0].lease_owner == self._leases.owner
                ):
                    closed += await self._fire(*current, now)
        return closed

    async def run_now(self, kind: str, key: str, handed: Handed | None = None) -> bool:
        """Run one pending timer at once ("open it now", the next turn's post).

        The interactive lane: request paths call this, never :meth:`run_due`. It waits
        for no bulk run, only for the timer itself if a bulk run is firing it, and its
        platform requests go before bulk ones (:data:`INTERACTIVE`). False if the timer
        is not pending (already run). ``handed``: as :meth:`schedule` returned it.
        """
        self._interactive.begins()
        return await self._run_now(kind, key, handed, None)

    async def run_now_unclosed(
        self, kind: str, key: str, handed: Handed | None = None
    ) -> HandedBack | None:
        """:meth:`run_now`, answered as soon as the handler returned, with what it handed
        back (:meth:`Firing.hand_back`); None if it did not run to its end (not pending,
        or failed: retried later). The timer's close is then written behind the caller,
        which goes on meanwhile: the close may share the trip of the caller's next write.
        Until it is written the timer stays held (no other lane runs it) and
        :meth:`stop` waits for it."""
        ran: asyncio.Future[HandedBack | None] = asyncio.get_running_loop().create_future()
        self._interactive.begins()  # from now: the alarm waits, not from the run's start
        self._interactive.behind(asyncio.ensure_future(self._run_now(kind, key, handed, ran)), ran)
        # Not shielded: a caller cancelled meanwhile cancels its answer, not the run.
        return await ran

    async def closes_written(self) -> None:
        """Once the closes :meth:`run_now_unclosed` left behind are written (for what
        measures or checks all a request wrote)."""
        await self._interactive.closes_written()

    async def _run_now(
        self,
        kind: str,
        key: str,
        handed: Handed | None,
        ran: asyncio.Future[HandedBack | None] | None,
    ) -> bool:
        """What both ways of running at once do, once the run was counted as begun."""
        token = INTERACTIVE.set(True)
        closed = 0
        try:
            if self._stopped or self._paused:
                return False
            async with self._firing.holding(kind, key), holding(self._leases, kind, key) as ours:
                found = await pending(self._db, self._firing, kind, key, handed)
                if not ours or found is None or self._stopped or self._paused:
                    return False
                timer, delivered = found
                now = min(self._clock.now(), timer.due_at)
                closed = await self._fire(timer, delivered, now, ran)
        finally:
            INTERACTIVE.reset(token)
            self._interactive.ends()
        # To be retried: the alarm must know when. Or a wake-up was put off while it ran.
        if not closed or (self.alarm.owed and not self._interactive.busy):
            self.rearm_soon()
        return closed > 0

    def _busy(self) -> bool:
        """A run under way, which re-arms when it ends: a bulk run, or work run at once
        (a member's post), whose timers are due now but already being run."""
        return self._run_lock.locked() or self._interactive.busy

    async def _fire(
        self,
        timer: Timer,
        delivered: timers_db.Deliveries,
        now: datetime,
        ran: asyncio.Future[HandedBack | None] | None = None,
    ) -> int:
        handler = self._handlers[timer.kind]
        lateness = now - timer.due_at
        grace = timedelta(minutes=self._settings.grace_for(timer.kind))
        if lateness > grace and self._when_missed[timer.kind].policy != "run_late":
            return await timer_ends.missed(self._db, self._when_missed[timer.kind], timer, now)
        firing = Firing(
            timer=timer,
            now=now,
            lateness=lateness,
            late=lateness > timedelta(minutes=self._settings.late_note_after_minutes),
            _db=self._db,
            _delivered={target: outcome for target, (outcome, _) in delivered.items()},
            _messages={target: m for target, (_, m) in delivered.items() if m is not None},
        )
        try:
            await handler(timer, firing)
            if self._paused:
                return 0
            if ran is not None and not ran.done():
                ran.set_result(firing.handed_back)  # its caller goes on; the close follows
            # One write: what the handler left for the close (its post's bookkeeping), and
            # the close itself. If it fails, nothing of it was kept: the timer runs again.
            after, done = await self._close(firing, now, linger=ran is not None)
        except Exception as exc:
            if self._paused:  # paused while it ran: the refusal is not the timer's fault
                return 0
            return await timer_ends.failed_attempt(
                self._db, self._when_missed[timer.kind], timer, now, exc
            )
        if firing.late:
            log.info("timer %s (%s) ran %s late", timer.id, timer.kind, lateness)
        for then in after:
            try:
                await then()
            except Exception:
                log.exception("timer %s (%s): what follows its close failed", timer.id, timer.kind)
        return int(done)

    async def _close(
        self, firing: Firing, now: datetime, *, linger: bool = False
    ) -> tuple[list[AfterClose], bool]:
        """Close the timer with what its handler left for the close, in one trip; not waited
        for on the disk (synced within a second; a re-run's sends reuse their nonces).
        ``linger``: nobody waits for it, so it may ride with the next write."""

        async def close(conn: Connection) -> tuple[list[AfterClose], bool]:
            after = await firing.close_writes(conn)
            timer = firing.timer
            return after, await timers_db.finish(conn, timer.id, "done", now, late=firing.late)

        return await self._db.in_one_trip(close, durable=False, linger=linger)
