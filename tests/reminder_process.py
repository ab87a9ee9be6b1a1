"""One bot process's scheduler with a single ``reminder`` timer kind that notes the keys it
fired: the timer tests' stand-in for a feature, on any engine."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from bot.clock import ControlledClock
from bot.config import SchedulerSettings
from bot.db import timers as timers_db
from bot.db.engine import Engine
from bot.db.timers import Timer
from bot.missed import WhenMissed
from bot.scheduler import Firing, Scheduler, TimerKind
from tests.conftest import START


class ReminderProcess:
    """A scheduler on ``db`` whose ``reminder`` timers, all due at ``START`` in ``guild``,
    note their key in ``fired``. ``records_at_close``: each firing's delivery is written
    by the transaction that closes its timer, as a handler that sends one message does."""

    def __init__(
        self,
        db: Engine,
        clock: ControlledClock,
        settings: SchedulerSettings,
        *,
        guild: int,
        records_at_close: bool = False,
    ) -> None:
        self.db = db
        self.guild = guild
        self.fired: list[str] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.holds: dict[str, asyncio.Event] = {}
        """Timers held by their own event (a post waiting on its channel's limit)."""
        self.started = asyncio.Event()
        self.done: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._records_at_close = records_at_close
        self.scheduler = Scheduler(db, clock, settings)
        self.scheduler.register(
            TimerKind("reminder", self.handle, on_missed=WhenMissed.drop(said="x"))
        )

    async def handle(self, timer: Timer, firing: Firing) -> None:
        self.started.set()
        await self.holds.get(timer.key, self.hold).wait()
        self.fired.append(timer.key)
        if self._records_at_close:
            firing.record_at_close()
        await firing.delivered("channel")
        self.done[timer.key].set()

    async def plan(self, *keys: str, wake: bool = True) -> None:
        async with self.db.transaction() as conn:
            for key in keys:
                await self.scheduler.schedule(conn, self.guild, "reminder", key, START, wake=wake)

    async def timer(self, key: str) -> Timer:
        async with self.db.read() as conn:
            found = await timers_db.find(conn, "reminder", key)
        assert found is not None
        return found
