"""A timer planned to be run at once by its planner (a session's next post): run without
being read back, yet never run twice, whichever lane gets to it first."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ControlledClock
from bot.db import Database
from bot.firing import Handed
from bot.scheduler import Scheduler
from tests.conftest import START
from tests.db.trips import traced
from tests.test_scheduler import GUILD, Recorder, _community, _plan, _scheduler

READ_BACK = "FROM timers t LEFT JOIN timer_deliveries"


async def _handed(
    scheduler: Scheduler, db: Database, key: str, due_in: timedelta = timedelta(0)
) -> Handed:
    async with db.transaction() as conn:
        handed = await scheduler.schedule(
            conn, GUILD, "reminder", key, START + due_in, {"x": 1}, wake=False
        )
    assert handed is not None
    return handed


async def test_a_handed_timer_runs_unread_once(db: Database, clock: ControlledClock) -> None:
    await _community(db)
    recorder = Recorder()
    scheduler = _scheduler(db, clock, recorder)
    handed = await _handed(scheduler, db, "asked")
    async with traced(db) as statements:
        assert await scheduler.run_now("reminder", "asked", handed)
    assert not [s for s in statements if READ_BACK in s], statements
    assert [key for key, _, _ in recorder.sent] == ["asked", "asked"]
    # Handed again: read back this time, found closed.
    async with traced(db) as statements:
        assert not await scheduler.run_now("reminder", "asked", handed)
    assert [s for s in statements if READ_BACK in s]
    assert len(recorder.sent) == 2


async def test_a_handed_timer_the_bulk_lane_ran_first_is_not_run_again(
    db: Database, clock: ControlledClock
) -> None:
    await _community(db)
    recorder = Recorder()
    scheduler = _scheduler(db, clock, recorder)
    handed = await _handed(scheduler, db, "asked")
    await _plan(scheduler, db, "other", timedelta(minutes=5))
    assert await scheduler.run_due() == 1  # the bulk lane took it between commit and run
    assert len(recorder.sent) == 2
    assert not await scheduler.run_now("reminder", "asked", handed)
    assert len(recorder.sent) == 2
    # A bulk run that took another timer is enough to read it back.
    again = await _handed(scheduler, db, "again", timedelta(minutes=10))
    await clock.advance(timedelta(minutes=5))
    assert await scheduler.run_due() == 1
    async with traced(db) as statements:
        assert await scheduler.run_now("reminder", "again", again)
    assert [s for s in statements if READ_BACK in s]
