"""What running a timer costs the database: one read before its handler, one write after.

Each trip to the database thread costs ~0.1 ms on a shared machine and each write a
``synchronous=FULL`` commit; the post that follows a member's action (the next turn's
prompt, an answer in the thread) is waited for, so it reads and writes no more than it
needs. And work the member's own request runs at once never wakes the bulk lane.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from bot.alarm import WAKE_JOB_ID
from bot.clock import ControlledClock
from bot.db import Database
from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.db.timers import Timer
from bot.firing import AfterClose
from bot.missed import WhenMissed
from bot.scheduler import Firing, RetryLater, Scheduler, TimerKind
from tests.conftest import START
from tests.db.trips import traced
from tests.test_scheduler import GUILD, SETTINGS, _community

DROP = WhenMissed.drop(said="admin.status.missed")


class OnePost:
    """A handler that sends one message and records it, as the outbox does."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.recorded: list[str] = []
        self.after: list[str] = []
        self.fail = False
        self.crash_in_close = False

    async def handle(self, timer: Timer, firing: Firing) -> None:
        firing.record_at_close()
        if firing.already_delivered("channel"):
            return
        if self.fail:
            raise RetryLater("Discord 503")
        self.sent.append(firing.nonce("channel"))
        await firing.delivered("channel", "sent", 99)
        firing.at_close(self.record)
        if self.crash_in_close:
            self.crash_in_close = False
            firing.at_close(self.crash)

    @staticmethod
    async def crash(conn: Connection) -> None:
        raise RuntimeError("killed before the close")

    async def record(self, conn: Connection) -> AfterClose:
        await conn.execute("UPDATE bot_state SET value = 'posted' WHERE key = 'k'")
        self.recorded.append("in the close")

        async def after() -> None:
            self.after.append("after the commit")

        return after


def _scheduler(db: Database, clock: ControlledClock, post: OnePost) -> Scheduler:
    scheduler = Scheduler(db, clock, SETTINGS)
    scheduler.register(TimerKind("post", post.handle, on_missed=DROP))
    return scheduler


async def _plan(scheduler: Scheduler, db: Database, *, wake: bool = True) -> None:
    async with db.transaction() as conn:
        await scheduler.schedule(conn, GUILD, "post", "p:1", START, {}, wake=wake)


async def settled(scheduler: Scheduler) -> None:
    """Until the alarm's start-up re-arm is over (its reads wait for the database thread,
    which a loaded machine may not run within a thousand turns of the loop)."""
    for _ in range(1000):
        if not scheduler.alarm.rearming:
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the alarm kept re-arming")


@asynccontextmanager
async def started(db: Database, clock: ControlledClock, post: OnePost) -> AsyncIterator[Scheduler]:
    """A scheduler for ``post`` with APScheduler started and its start-up re-arm over."""
    await _community(db)
    scheduler = _scheduler(db, clock, post)
    scheduler.start()
    try:
        await settled(scheduler)
        yield scheduler
    finally:
        await scheduler.stop()


async def planned(db: Database, clock: ControlledClock, post: OnePost) -> Scheduler:
    """The scheduler of a set-up community, ``post`` planned for now (key ``p:1``)."""
    await _community(db)
    scheduler = _scheduler(db, clock, post)
    await _plan(scheduler, db)
    return scheduler


async def test_a_post_run_at_once_reads_once_and_writes_once(
    db: Database, clock: ControlledClock
) -> None:
    post = OnePost()
    scheduler = await planned(db, clock, post)
    async with traced(db) as statements:
        assert await scheduler.run_now("post", "p:1")
    reads = [s for s in statements if s.lstrip().startswith("SELECT")]
    assert len(reads) == 1, statements  # the timer and what it already reached
    assert statements.count("BEGIN IMMEDIATE") == 1, statements
    close = statements[statements.index("BEGIN IMMEDIATE") :]
    assert [s.split()[0] for s in close] == [
        *["BEGIN", "INSERT", "UPDATE", "UPDATE", "COMMIT"],
        "PRAGMA",  # FULL again: the close alone committed without waiting for the disk
    ]
    before = statements[statements.index("BEGIN IMMEDIATE") - 1]
    assert before == "PRAGMA synchronous=NORMAL", statements
    assert post.recorded == ["in the close"] and post.after == ["after the commit"]
    async with db.read() as conn:
        timer = await timers_db.find(conn, "post", "p:1")
        assert timer is not None and timer.status == "done"
        assert await timers_db.deliveries(conn, timer.id) == {"channel": ("sent", 99)}


async def test_a_post_whose_close_was_lost_is_sent_again_with_the_same_nonce(
    db: Database, clock: ControlledClock
) -> None:
    """Recorded at the close, the delivery is lost with it (a crash in between): the
    re-run sends again, with the same nonce, which the platform answers with the first
    message."""
    post = OnePost()
    scheduler = await planned(db, clock, post)
    post.crash_in_close = True
    assert not await scheduler.run_now("post", "p:1")
    async with db.read() as conn:
        timer = await timers_db.find(conn, "post", "p:1")
        assert timer is not None and timer.status == "pending"
        assert await timers_db.deliveries(conn, timer.id) == {}
    await clock.advance(timedelta(minutes=1))  # past the first retry's backoff
    await scheduler.run_due()
    assert len(post.sent) == 2 and post.sent[0] == post.sent[1]
    assert post.recorded == ["in the close", "in the close"] and post.after == ["after the commit"]


async def test_work_run_at_once_wakes_no_bulk_run(db: Database, clock: ControlledClock) -> None:
    async with started(db, clock, OnePost()) as scheduler:
        await _plan(scheduler, db, wake=False)
        assert not scheduler.alarm.rearming  # the caller runs it itself
        assert await scheduler.run_now("post", "p:1")
        assert not scheduler.alarm.rearming  # closed: the next wake-up did not move


async def test_work_run_at_once_that_must_be_retried_rearms_the_alarm(
    db: Database, clock: ControlledClock
) -> None:
    post = OnePost()
    post.fail = True
    async with started(db, clock, post) as scheduler:
        await _plan(scheduler, db, wake=False)
        assert not await scheduler.run_now("post", "p:1")
        assert scheduler.alarm.rearming  # the retry needs its wake-up


async def test_a_post_planned_beside_a_later_timer_wakes_no_bulk_run_for_it(
    db: Database, clock: ControlledClock
) -> None:
    """The write also plans a timer for later (a session step's "time is nearly up"): its
    re-arm finds the post due now, but the post's writer is running it, so the bulk lane
    is not woken for it; the wake-up is owed, and set for the later timer after."""
    post = OnePost()
    async with started(db, clock, post) as scheduler:
        async with db.transaction() as conn:
            await scheduler.schedule(conn, GUILD, "post", "p:1", START, {}, wake=False)
            await scheduler.schedule(conn, GUILD, "post", "later", START + timedelta(hours=1))
        assert await scheduler.run_now("post", "p:1")
        await settled(scheduler)
        assert scheduler.alarm.aps is not None
        wake = scheduler.alarm.aps.get_job(WAKE_JOB_ID)
        assert wake is not None and wake.next_run_time > datetime.now(UTC) + timedelta(minutes=59)
        assert len(post.sent) == 1
