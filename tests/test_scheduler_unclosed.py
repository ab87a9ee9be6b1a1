"""A timer run at once whose caller is answered as soon as its handler returned (a
member's answer, shown in the thread): the close is written behind the caller, the
timer held meanwhile, and nothing of it is lost or run twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ControlledClock
from bot.db import Database
from bot.db import timers as timers_db
from bot.db.timers import Timer
from bot.firing import Firing, HandedBack
from bot.missed import MissedResult, WhenMissed
from bot.scheduler import Scheduler, TimerKind
from tests.conftest import START
from tests.test_scheduler import GUILD, SETTINGS, _community

pytestmark = pytest.mark.sqlite_only  # the close's turn in SQLite's writer queue


class Poster:
    """A handler that 'posts' once and hands back the message it made."""

    def __init__(self) -> None:
        self.posted: list[str] = []
        self.fail = False

    async def handle(self, timer: Timer, firing: Firing) -> None:
        if self.fail:
            raise RuntimeError("the platform is down")
        self.posted.append(timer.key)
        firing.hand_back(f"message of {timer.key}")

    async def missed(self, timer: Timer) -> MissedResult:
        return "done"


def _scheduler(db: Database, clock: ControlledClock, poster: Poster) -> Scheduler:
    scheduler = Scheduler(db, clock, SETTINGS)
    missed = WhenMissed.tell(poster.missed, said="admin.status.missed")
    scheduler.register(TimerKind("post", poster.handle, on_missed=missed))
    return scheduler


async def _planned(scheduler: Scheduler, db: Database, key: str) -> None:
    async with db.transaction() as conn:
        await scheduler.schedule(conn, GUILD, "post", key, START, {}, wake=False)


async def _status(db: Database, key: str) -> tuple[str, int]:
    async with db.read() as conn:
        timer = await timers_db.find(conn, "post", key)
    assert timer is not None
    return timer.status, timer.attempts


@pytest.fixture
async def poster(db: Database) -> Poster:
    await _community(db)
    return Poster()


@pytest.fixture
async def scheduler(db: Database, clock: ControlledClock, poster: Poster) -> Scheduler:
    """A scheduler with the post ``answer`` planned, to be run at once."""
    planner = _scheduler(db, clock, poster)
    await _planned(planner, db, "answer")
    return planner


async def test_its_caller_is_answered_before_the_close_which_follows(
    db: Database, scheduler: Scheduler, poster: Poster
) -> None:
    ran = await scheduler.run_now_unclosed("post", "answer")
    assert ran == HandedBack("message of answer")
    assert await _status(db, "answer") == ("pending", 0)  # written behind the caller
    await scheduler.closes_written()
    assert await _status(db, "answer") == ("done", 0)
    assert await scheduler.run_now_unclosed("post", "answer") is None  # not pending now
    assert poster.posted == ["answer"]


async def test_a_bulk_run_meanwhile_waits_for_the_close_and_runs_nothing_twice(
    db: Database, scheduler: Scheduler, poster: Poster
) -> None:
    assert await scheduler.run_now_unclosed("post", "answer") is not None
    assert await scheduler.run_due() == 0  # it found the timer closed
    assert poster.posted == ["answer"]
    assert await _status(db, "answer") == ("done", 0)


async def test_a_stop_waits_for_the_close_written_behind(
    db: Database, scheduler: Scheduler, poster: Poster
) -> None:
    assert await scheduler.run_now_unclosed("post", "answer") is not None
    await scheduler.stop()
    assert await _status(db, "answer") == ("done", 0)


async def test_a_handler_that_fails_answers_none_and_its_timer_is_retried(
    db: Database, clock: ControlledClock, scheduler: Scheduler, poster: Poster
) -> None:
    poster.fail = True
    assert await scheduler.run_now_unclosed("post", "answer") is None
    assert await _status(db, "answer") == ("pending", 1)
    poster.fail = False
    await clock.advance(timedelta(minutes=1))
    assert await scheduler.run_due() == 1
    assert poster.posted == ["answer"]
