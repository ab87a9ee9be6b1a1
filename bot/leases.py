"""This process's claims on the timers it fires, on a database several processes share.

A process claims due timers in small batches (:meth:`Leases.claim_due`) and renews
every claim it still holds while it works, a third of a lease at a time, so a long run
keeps them; a process that died stops renewing, and its timers are claimed by another
once their lease ends: by that process's own poll (``taken_over``), whatever its bulk
run is waiting for. The owner names the host and the process, for the log.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.db import timer_leases as leases_db
from bot.db.engine import Engine

log = logging.getLogger(__name__)

#: How many due timers a process claims at once: small, so a burst is shared between
#: the processes and a process that dies strands few.
CLAIM_BATCH = 2


#: Fires claimed timers (the scheduler's): how many it closed.
Fire = Callable[[list[leases_db.Claimed], datetime], Awaitable[int]]


class Leases:
    """``fire`` and ``halted``: the scheduler's, for the timers this process takes over
    from a process that stopped renewing its claims (:meth:`take_over_soon`)."""

    def __init__(
        self,
        db: Engine,
        clock: Clock,
        seconds: float,
        fire: Fire | None = None,
        halted: Callable[[], bool] = lambda: False,
    ) -> None:
        self._db = db
        self._clock = clock
        self.length = timedelta(seconds=seconds)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._holders = 0
        self._renewing: asyncio.Task[None] | None = None
        self._fire = fire
        self._halted = halted
        self._taking_over: asyncio.Task[None] | None = None
        self._confirmed_until: datetime | None = None
        """Until when the claims this process holds are surely its own: the end its last
        renewal wrote, or its earliest claim since. Past it, another process may have
        taken them over."""

    @property
    def lapsed(self) -> bool:
        """This process could not renew its claims in time (the database was out of
        reach): it must not go on firing them as if it held them."""
        return self._confirmed_until is not None and self._clock.now() >= self._confirmed_until

    def _held_until(self, until: datetime) -> None:
        if self._confirmed_until is None or until < self._confirmed_until:
            self._confirmed_until = until

    def _until(self) -> datetime:
        return self._clock.now() + self.length

    async def claim_due(
        self, due_by: datetime, kinds: Collection[str], *, taken_over: bool = False
    ) -> list[leases_db.Claimed]:
        """A batch of due timers, free or freed; ``taken_over``: only those whose claim by
        another process ended."""
        until = self._until()
        async with self._db.transaction() as conn:
            claimed = await leases_db.claim_due(
                conn,
                self.owner,
                due_by,
                self._clock.now(),
                until,
                kinds,
                CLAIM_BATCH,
                taken_over=taken_over,
            )
        if claimed:
            self._held_until(until)
        if taken_over and claimed:
            log.info("took over timers %s: their claim by another process ended", claimed)
        return claimed

    async def fire_due(
        self,
        now: datetime,
        kinds: Collection[str],
        fire: Fire,
        halted: Callable[[], bool],
        *,
        taken_over: bool = False,
    ) -> int:
        """Claim timers due by ``now`` a batch at a time and ``fire`` them, until none is
        left free (or ``halted``); how many were closed. ``taken_over``: only timers
        whose claim by another process ended."""
        closed = 0
        seen: set[int] = set()
        async with self.renewing():
            while not halted() and not self.lapsed:
                claimed = await self.claim_due(now, kinds, taken_over=taken_over)
                ids = [timer_id for timer_id, _, _ in claimed]
                if not set(ids) - seen:
                    break  # nothing new: a timer this run could not close
                seen.update(ids)
                closed += await fire(claimed, now)
                # Those still pending (halted, or another took them over): free again.
                await self.release(ids)
        return closed

    def take_over_soon(self, kinds: Collection[str]) -> None:
        """Fire the timers whose claim by another process ended, beside this process's
        bulk run (unless a takeover is under way): that run may wait seconds on a
        channel's limit, and a dead process's timers must not wait for it."""
        if self._fire is None or (self._taking_over and not self._taking_over.done()):
            return
        self._taking_over = asyncio.get_running_loop().create_task(
            self._take_over(kinds, self._fire), name="plc-bot:take-over"
        )

    async def _take_over(self, kinds: Collection[str], fire: Fire) -> None:
        async def apart(claimed: list[leases_db.Claimed], now: datetime) -> int:
            # Each on its own: one waiting on a channel's limit holds none of the others.
            return sum(await asyncio.gather(*(fire([one], now) for one in claimed)))

        try:
            await self.fire_due(self._clock.now(), kinds, apart, self._halted, taken_over=True)
        except Exception:  # the next poll tries again
            log.exception("could not take over the timers of a process that stopped")

    async def stop_taking_over(self) -> None:
        """Once the takeover under way (halted) finished its bookkeeping."""
        if self._taking_over is not None:
            await asyncio.gather(self._taking_over, return_exceptions=True)

    async def claim(self, kind: str, key: str) -> bool:
        until = self._until()
        async with self._db.transaction() as conn:
            ours = await leases_db.claim(conn, self.owner, kind, key, self._clock.now(), until)
        if ours:
            self._held_until(until)
        return ours

    def for_new_timer(self) -> tuple[str, datetime]:
        """The claim a timer this process writes and runs at once is created with, so no
        other process's bulk run takes it in between."""
        return self.owner, self._until()

    async def renew(self) -> int:
        until = self._until()
        async with self._db.transaction() as conn:
            renewed = await leases_db.renew(conn, self.owner, until)
        self._confirmed_until = until
        return renewed

    async def release(self, timer_ids: Sequence[int]) -> None:
        async with self._db.transaction() as conn:
            await leases_db.release(conn, self.owner, timer_ids)

    async def next_wake(self, kinds: Collection[str]) -> datetime | None:
        """Once the timers planned in a write under way in this process are committed."""
        async with self._db.read(after_writes=True) as conn:
            return await leases_db.next_wake(conn, self._clock.now(), kinds)

    @asynccontextmanager
    async def holding(self, kind: str, key: str) -> AsyncIterator[bool]:
        """Claim one timer while inside, renewed; False when another process is firing it
        (which runs it then). Given back on leaving if it is still pending."""
        async with self.renewing():
            ours = await self.claim(kind, key)
            try:
                yield ours
            finally:
                if ours:
                    async with self._db.transaction() as conn:
                        await leases_db.release_key(conn, self.owner, kind, key)

    @asynccontextmanager
    async def renewing(self) -> AsyncIterator[None]:
        """Renew this process's claims while anyone is inside (both lanes may be)."""
        self._holders += 1
        if self._renewing is None:
            self._renewing = asyncio.create_task(self._renew_forever(), name="plc-bot:leases")
        try:
            yield
        finally:
            self._holders -= 1
            if not self._holders and self._renewing is not None:
                task, self._renewing = self._renewing, None
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
                self._confirmed_until = None  # nothing held any more

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.length.total_seconds() / 3)
            try:
                await self.renew()
            except Exception as exc:  # the next turn tries again; the lease is 3 turns long
                level = logging.ERROR if self.lapsed else logging.WARNING
                log.log(level, "could not renew this process's timer claims: %s", exc)


@asynccontextmanager
async def holding(leases: Leases | None, kind: str, key: str) -> AsyncIterator[bool]:
    """The interactive lane's claim (:meth:`Leases.holding`); always granted without
    claims (SQLite)."""
    if leases is None:
        yield True
        return
    async with leases.holding(kind, key) as ours:
        yield ours
