"""The scheduler's alarm: APScheduler waking the bot when the next timer is due.

APScheduler holds one job at the earliest pending timer (re-armed after every change),
a slow sweep that catches clock steps, and the housekeeping jobs. It waits on real
time whatever clock the bot was given (the playground's clock may run ahead), and it
only ever calls the scheduler's ``run_due``, which reads the injected clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock, SystemClock

log = logging.getLogger(__name__)

WAKE_JOB_ID = "plc-bot:wake"
SWEEP_JOB_ID = "plc-bot:sweep"
POLL_JOB_ID = "plc-bot:poll"
SWEEP_SECONDS = 60
_WALL_CLOCK = SystemClock()

Job = Callable[[], Awaitable[Any]]


class Alarm:
    """Rings ``ring`` at the time ``next_wake`` says (and every minute, to be safe);
    ``busy`` tells whether a run is under way (it re-arms when it ends, or, for work run
    at once, when :attr:`owed` says a wake-up was put off meanwhile)."""

    def __init__(
        self,
        clock: Clock,
        ring: Job,
        next_wake: Callable[[], Awaitable[datetime | None]],
        busy: Callable[[], bool],
        poll_seconds: float | None = None,
        on_poll: Callable[[], None] | None = None,
    ) -> None:
        self._clock = clock
        self._ring = ring
        self._next_wake = next_wake
        self._busy = busy
        self.poll_seconds = poll_seconds
        """How often to read the next wake-up again (None: only after this process's
        own changes): timers another process planned have their wake-up there."""
        self._on_poll = on_poll
        """Also run on each poll: it must return at once (it starts its own task)."""
        self.aps: AsyncIOScheduler | None = None
        self._rearm_task: asyncio.Task[None] | None = None
        self._rearm_wanted = False
        self.owed = False
        """A wake-up for now was put off because a run was under way."""
        self._periodic: dict[str, tuple[timedelta, Job]] = {}

    @property
    def running(self) -> bool:
        return self.aps is not None

    def start(self, *, paused: bool = False) -> None:
        self.aps = AsyncIOScheduler(timezone=UTC)
        self._add_ringing(
            IntervalTrigger(seconds=SWEEP_SECONDS, timezone=UTC), SWEEP_JOB_ID, SWEEP_SECONDS
        )
        if self.poll_seconds is not None:
            self.aps.add_job(
                self.poll,
                IntervalTrigger(seconds=self.poll_seconds, timezone=UTC),
                id=POLL_JOB_ID,
                coalesce=True,
                max_instances=1,
            )
        self.aps.start(paused=paused)
        for job_id, (interval, func) in self._periodic.items():
            self._add_periodic(job_id, interval, func)
        self.rearm_soon()

    async def stop(self) -> None:
        if self.aps is not None:
            self.aps.shutdown(wait=False)
            self.aps = None
        if self._rearm_task is not None:
            await asyncio.gather(self._rearm_task, return_exceptions=True)

    def pause(self) -> None:
        if self.aps is not None:
            self.aps.pause()

    def resume(self) -> None:
        if self.aps is not None:
            self.aps.resume()
        self.rearm_soon()

    def every(self, job_id: str, interval: timedelta, func: Job) -> None:
        self._periodic[job_id] = (interval, func)
        if self.aps is not None:
            self._add_periodic(job_id, interval, func)

    def _add_periodic(self, job_id: str, interval: timedelta, func: Job) -> None:
        assert self.aps is not None
        self.aps.add_job(
            func,
            IntervalTrigger(seconds=interval.total_seconds(), timezone=UTC),
            id=f"plc-bot:{job_id}",
            next_run_time=_WALL_CLOCK.now() + timedelta(seconds=30),
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(interval.total_seconds()),
        )

    async def poll(self) -> None:
        """The poll job: the next wake-up read again, and ``on_poll``."""
        self.rearm_soon()
        if self._on_poll is not None:
            self._on_poll()

    @property
    def rearming(self) -> bool:
        """A re-arm was asked for and has not finished yet."""
        return self._rearm_wanted or (self._rearm_task is not None and not self._rearm_task.done())

    def rearm_soon(self) -> None:
        """Re-arm the wake job once the current transaction has released the database.

        One task re-arms; a request that comes while it reads makes it read again, so
        a timer planned meanwhile is never left without its wake-up.
        """
        if self.aps is None:
            return
        self._rearm_wanted = True
        self.owed = False
        if self._rearm_task is None or self._rearm_task.done():
            self._rearm_task = asyncio.get_running_loop().create_task(self._rearm())

    async def _rearm(self) -> None:
        while self._rearm_wanted:
            self._rearm_wanted = False
            try:
                wake = await self._next_wake()
            except Exception as exc:  # the database out of reach: the sweep tries again
                log.warning("could not read when the next timer is due: %s", exc)
                return
            if self.aps is None:
                return
            if wake is None:
                if self.aps.get_job(WAKE_JOB_ID):
                    self.aps.remove_job(WAKE_JOB_ID)
                continue
            # APScheduler waits on real time; the injected clock may be ahead (playground).
            delay = max(timedelta(0), wake - self._clock.now())
            if not delay and self._busy():
                # A run under way re-arms when it ends. Waking now would only queue a
                # second run behind it (a burst's every step asked for one), or run a
                # post its writer is sending at this moment.
                self.owed = True
                continue
            # A late wake-up still runs (no misfire grace): run_due applies the grace.
            self._add_ringing(
                DateTrigger(run_date=_WALL_CLOCK.now() + delay, timezone=UTC), WAKE_JOB_ID, None
            )

    def _add_ringing(self, trigger: BaseTrigger, job_id: str, grace: int | None) -> None:
        """The APScheduler job that runs what is due: one at a time, deterministic id."""
        assert self.aps is not None
        self.aps.add_job(
            self._ring,
            trigger,
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
        )
