"""Durable timers under a moved clock: no sleeping, no real minutes; late, re-run after a
crash, and under a clock stepped back."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.config import SchedulerSettings
from bot.db import Database
from bot.db import communities as communities_db
from bot.db import timers as timers_db
from bot.db.communities import CommunitySettings
from bot.db.timers import Timer
from bot.missed import MISSED_TARGET, MissedResult, WhenMissed
from bot.scheduler import Firing, RetryLater, Scheduler, TimerKind, nonce_for
from tests.conftest import START

GUILD = 1
SETTINGS = SchedulerSettings(grace_minutes={"reminder": 30}, late_note_after_minutes=5)
DROP = WhenMissed.drop(said="admin.status.missed")


async def _community(db: Database) -> None:
    async with db.transaction() as conn:
        await communities_db.upsert(
            conn,
            GUILD,
            CommunitySettings(
                timezone="America/Toronto",
                language="en",
            ),
            [60],
            START,
        )


class Recorder:
    """A handler that 'sends' to two targets and remembers what it sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bool]] = []
        self.missed: list[Timer] = []
        self.crash_after_first = False

    async def handle(self, timer: Timer, firing: Firing) -> None:
        for target in ("channel", "dm:42"):
            if firing.already_delivered(target):
                continue
            self.sent.append((timer.key, firing.nonce(target), firing.late))
            if self.crash_after_first:
                self.crash_after_first = False
                raise RuntimeError("killed after Discord accepted the send")
            await firing.delivered(target)

    async def on_missed(self, timer: Timer) -> MissedResult:
        self.missed.append(timer)
        return "done"


async def _plan(scheduler: Scheduler, db: Database, key: str, due_in: timedelta) -> None:
    async with db.transaction() as conn:
        await scheduler.schedule(conn, GUILD, "reminder", key, START + due_in, {"x": 1})


def _scheduler(db: Database, clock: ControlledClock, recorder: Recorder) -> Scheduler:
    scheduler = Scheduler(db, clock, SETTINGS)
    scheduler.register(
        TimerKind(
            "reminder",
            recorder.handle,
            on_missed=WhenMissed.tell(recorder.on_missed, said="admin.status.missed"),
        )
    )
    return scheduler


class HeldRun:
    """A reminder handler that notes each key, says a held one started, and holds it
    until released: a run stuck on a slow send."""

    def __init__(self, db: Database, clock: ControlledClock, *held: str) -> None:
        self.held = set(held)
        self.ran: list[str] = []
        self.running, self.release = asyncio.Event(), asyncio.Event()
        self.scheduler = Scheduler(db, clock, SETTINGS)
        self.scheduler.register(TimerKind("reminder", self.handle, on_missed=DROP))

    async def handle(self, timer: Timer, firing: Firing) -> None:
        self.ran.append(timer.key)
        if not self.held or timer.key in self.held:
            self.running.set()
            await self.release.wait()

    async def bulk_run_holding(self, db: Database, key: str) -> asyncio.Task[int]:
        """Plan ``key`` for now and start a bulk run; return once the run is held."""
        await _plan(self.scheduler, db, key, timedelta(0))
        run = asyncio.create_task(self.scheduler.run_due())
        await self.running.wait()
        return run


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def scheduler(db: Database, clock: ControlledClock, recorder: Recorder) -> Scheduler:
    """The scheduler of a set-up community, running ``reminder`` timers with ``recorder``."""
    await _community(db)
    return _scheduler(db, clock, recorder)


async def test_runs_when_due_and_never_twice(
    db: Database, clock: ControlledClock, recorder: Recorder, scheduler: Scheduler
) -> None:
    await _plan(scheduler, db, "m1", timedelta(hours=1))
    assert await scheduler.run_due() == 0
    await clock.advance(timedelta(minutes=59))
    assert await scheduler.run_due() == 0
    await clock.advance(timedelta(minutes=1))
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0  # a second wake-up
    assert [s[0] for s in recorder.sent] == ["m1", "m1"]
    async with db.read() as conn:
        timer = await timers_db.find(conn, "reminder", "m1")
    assert timer is not None and timer.status == "done" and not timer.late


async def test_a_timer_survives_a_restart(db_path: Path, clock: ControlledClock) -> None:
    db = await Database.open(db_path)
    await _community(db)
    await _plan(_scheduler(db, clock, Recorder()), db, "m1", timedelta(minutes=10))
    await db.close()

    await clock.advance(timedelta(minutes=22))  # down when it was due: 12 min late
    db = await Database.open(db_path)
    recorder = Recorder()
    assert await _scheduler(db, clock, recorder).run_due() == 1
    assert len(recorder.sent) == 2
    assert recorder.sent[0][2] is True  # 12 min late > 5: marked late
    await db.close()


async def test_beyond_grace_it_is_recorded_missed_and_told(
    db: Database, clock: ControlledClock, recorder: Recorder, scheduler: Scheduler
) -> None:
    await _plan(scheduler, db, "m1", timedelta(minutes=10))
    await clock.advance(timedelta(minutes=10 + 31))
    assert await scheduler.run_due() == 1
    assert recorder.sent == []
    assert [t.key for t in recorder.missed] == ["m1"]
    async with db.read() as conn:
        timer = await timers_db.find(conn, "reminder", "m1")
        missed = await timers_db.recent_missed(conn, GUILD, START, MISSED_TARGET)
    assert timer is not None and timer.status == "missed" and timer.note
    assert [(t.key, outcome) for t, outcome in missed] == [("m1", "done")]
    assert await scheduler.run_due() == 0  # told once


async def test_killed_after_a_send_reruns_with_the_same_nonce_and_skips_delivered(
    db: Database, clock: ControlledClock, recorder: Recorder, scheduler: Scheduler
) -> None:
    """After a crash, the re-run sends what was not recorded, with the same nonce."""
    await _plan(scheduler, db, "m1", timedelta(0))
    recorder.crash_after_first = True
    assert await scheduler.run_due() == 0  # failed attempt, retried later
    first_nonce = recorder.sent[0][1]
    await clock.advance(timedelta(minutes=2))
    assert await scheduler.run_due() == 1
    nonces = [s[1] for s in recorder.sent]
    assert nonces == [first_nonce, first_nonce, nonce_for("reminder", "m1", "dm:42")]


async def test_delivered_targets_are_not_sent_again(
    db: Database, clock: ControlledClock, scheduler: Scheduler
) -> None:
    await _community(db)

    calls: list[str] = []

    async def half_then_fail(timer: Timer, firing: Firing) -> None:
        for target in ("a", "b"):
            if firing.already_delivered(target):
                continue
            calls.append(target)
            if target == "b" and len(calls) == 2:
                raise RetryLater("502")
            await firing.delivered(target)

    scheduler = Scheduler(db, clock, SETTINGS)
    scheduler.register(TimerKind("reminder", half_then_fail, on_missed=DROP))
    await _plan(scheduler, db, "m1", timedelta(0))
    await scheduler.run_due()
    await clock.advance(timedelta(minutes=1))
    await scheduler.run_due()
    assert calls == ["a", "b", "b"]


async def test_clock_steps_back_and_forward_duplicate_nothing(
    db: Database, clock: ControlledClock, recorder: Recorder, scheduler: Scheduler
) -> None:
    """Stepping the clock back after a firing does not fire again."""
    await _plan(scheduler, db, "m1", timedelta(minutes=5))
    await _plan(scheduler, db, "m2", timedelta(minutes=20))
    await clock.advance(timedelta(minutes=6))
    await scheduler.run_due()
    await clock.set(START)  # an NTP step back
    await scheduler.run_due()
    await clock.advance(timedelta(minutes=21))  # and a jump forward past m2
    await scheduler.run_due()
    assert [s[0] for s in recorder.sent] == ["m1", "m1", "m2", "m2"]


async def test_rescheduling_a_pending_timer_moves_it_but_a_done_one_stays_done(
    db: Database, clock: ControlledClock, scheduler: Scheduler
) -> None:
    await _plan(scheduler, db, "m1", timedelta(minutes=5))
    await _plan(scheduler, db, "m1", timedelta(minutes=50))  # edited meeting
    await clock.advance(timedelta(minutes=10))
    assert await scheduler.run_due() == 0
    await clock.advance(timedelta(minutes=40))
    assert await scheduler.run_due() == 1
    await _plan(scheduler, db, "m1", timedelta(hours=2))  # the same occurrence again
    await clock.advance(timedelta(hours=2))
    assert await scheduler.run_due() == 0


async def test_cancelled_timers_never_run(
    db: Database, clock: ControlledClock, recorder: Recorder, scheduler: Scheduler
) -> None:
    await _plan(scheduler, db, "meeting:7:a", timedelta(minutes=5))
    await _plan(scheduler, db, "meeting:7:b", timedelta(minutes=6))
    async with db.transaction() as conn:
        await scheduler.cancel_prefix(conn, "reminder", "meeting:7:")
    await clock.advance(timedelta(hours=1))
    assert await scheduler.run_due() == 0
    assert recorder.sent == []


async def test_a_cancelled_timer_revives_only_when_asked(
    db: Database, clock: ControlledClock, recorder: Recorder, scheduler: Scheduler
) -> None:
    """Planned again under its key, a cancelled timer stays cancelled (a late re-plan must
    not undo a cancel) unless the caller revives it (a date moved back to its time); a
    timer that ran is never revived."""
    await _plan(scheduler, db, "ran", timedelta(minutes=5))
    await clock.advance(timedelta(minutes=5))
    assert await scheduler.run_due() == 1
    async with db.transaction() as conn:
        for key in ("kept", "revived"):
            await scheduler.schedule(conn, GUILD, "reminder", key, START + timedelta(hours=1))
            await scheduler.cancel(conn, "reminder", key)
        await scheduler.schedule(conn, GUILD, "reminder", "kept", START + timedelta(hours=2))
        for key in ("revived", "ran"):
            due = START + timedelta(hours=2)
            await scheduler.schedule(conn, GUILD, "reminder", key, due, revive=True)
    await clock.advance(timedelta(hours=2))
    recorder.sent.clear()
    assert await scheduler.run_due() == 1
    assert {key for key, _, _ in recorder.sent} == {"revived"}


def test_nonces_are_short_deterministic_and_distinct() -> None:
    a = nonce_for("reminder", "m1", "channel")
    assert a == nonce_for("reminder", "m1", "channel")
    assert len(a) <= 25
    assert a != nonce_for("reminder", "m1", "dm:42")
    assert a != nonce_for("reminder", "m2", "channel")


async def test_apscheduler_wakes_the_bot_in_real_time(db: Database) -> None:
    """The one real-time test: APScheduler's own wiring, with a sub-second delay."""
    import asyncio

    from bot.clock import SystemClock

    await _community(db)
    fired = asyncio.Event()

    async def handler(timer: Timer, firing: Firing) -> None:
        fired.set()

    clock = SystemClock()
    scheduler = Scheduler(db, clock, SETTINGS)
    scheduler.register(TimerKind("reminder", handler, on_missed=DROP))
    scheduler.start()
    try:
        async with db.transaction() as conn:
            await scheduler.schedule(
                conn, GUILD, "reminder", "soon", clock.now() + timedelta(milliseconds=300)
            )
        await asyncio.wait_for(fired.wait(), timeout=5)
    finally:
        await scheduler.stop()


async def test_a_kind_nobody_handles_is_parked_not_spun_on(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """A feature left out of config leaves its timers pending: one warning, no busy loop."""
    import asyncio

    from bot.alarm import WAKE_JOB_ID
    from bot.clock import SystemClock

    await _community(db)
    clock = SystemClock()
    scheduler = Scheduler(db, clock, SETTINGS)
    ran: list[str] = []

    async def handler(timer: Timer, firing: Firing) -> None:
        ran.append(timer.key)

    scheduler.register(TimerKind("reminder", handler, on_missed=DROP))
    async with db.transaction() as conn:
        await scheduler.schedule(conn, GUILD, "question_post", "orphan", clock.now())
    runs = 0
    original_run_due = scheduler.run_due

    async def counting_run_due() -> int:
        nonlocal runs
        runs += 1
        return await original_run_due()

    scheduler.run_due = counting_run_due  # type: ignore[method-assign]
    caplog.set_level("WARNING", logger="bot.scheduler")
    scheduler.start()
    try:
        await asyncio.sleep(0.5)  # real time: a busy loop would run_due() thousands of times
        assert runs <= 1
        assert scheduler.alarm.aps is not None and scheduler.alarm.aps.get_job(WAKE_JOB_ID) is None
        assert await scheduler.report_unhandled() == ["question_post"]  # asked again: no repeat
        warnings = [r for r in caplog.records if "question_post" in r.getMessage()]
        assert len(warnings) == 1
        async with db.read() as conn:
            parked = await timers_db.find(conn, "question_post", "orphan")
        assert parked is not None and parked.status == "pending"
        # A kind that is handled still runs beside the parked one.
        async with db.transaction() as conn:
            await scheduler.schedule(conn, GUILD, "reminder", "live", clock.now())
        for _ in range(50):
            if ran:
                break
            await asyncio.sleep(0.05)
        assert ran == ["live"]
    finally:
        await scheduler.stop()


async def test_run_now_runs_only_the_timer_asked_for(
    db: Database, recorder: Recorder, scheduler: Scheduler
) -> None:
    await _plan(scheduler, db, "other-due", timedelta(0))
    await _plan(scheduler, db, "asked", timedelta(minutes=10))
    assert await scheduler.run_now("reminder", "asked")
    assert [key for key, _, _ in recorder.sent] == ["asked", "asked"]
    assert not await scheduler.run_now("reminder", "asked")  # closed once
    async with db.read() as conn:
        other = await timers_db.find(conn, "reminder", "other-due")
    assert other is not None and other.status == "pending"


async def test_a_run_queued_behind_the_stop_does_not_start(
    db: Database, clock: ControlledClock
) -> None:
    """A wake-up that queued while a burst ran must not start once the bot is stopping:
    the database is being closed under it (found by the fan-out benchmark)."""
    await _community(db)
    held = HeldRun(db, clock)
    scheduler = held.scheduler
    burst = await held.bulk_run_holding(db, "first")
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0)  # the stop now waits for the burst, first in line
    await _plan(scheduler, db, "second", timedelta(0))
    late_wake = asyncio.create_task(scheduler.run_due())
    await asyncio.sleep(0)
    held.release.set()
    assert await burst == 1
    await stopping
    assert await late_wake == 0
    assert held.ran == ["first"]
    assert not await scheduler.run_now("reminder", "second")


async def test_a_burst_woken_by_apscheduler_asks_for_no_second_run_and_finishes_on_stop(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """APScheduler's wiring under a burst (real time, no delay): each timer the burst
    plans for now used to re-arm the alarm, which APScheduler refused ("maximum number
    of running instances", a warning per step); and its shutdown cancelled the run
    under way, logged as a failed job (found by the fan-out benchmark)."""
    from bot.clock import SystemClock

    await _community(db)
    clock = SystemClock()
    first_started, release, second_ran = asyncio.Event(), asyncio.Event(), asyncio.Event()
    scheduler = Scheduler(db, clock, SETTINGS)

    async def handler(timer: Timer, firing: Firing) -> None:
        if timer.key == "first":
            async with db.transaction() as conn:  # the burst plans more work for now
                await scheduler.schedule(conn, GUILD, "reminder", "second", clock.now())
            first_started.set()
            await release.wait()
            await firing.delivered("channel")
        else:
            second_ran.set()

    scheduler.register(TimerKind("reminder", handler, on_missed=DROP))
    caplog.set_level("INFO")
    async with db.transaction() as conn:
        await scheduler.schedule(conn, GUILD, "reminder", "first", clock.now())
    scheduler.start()
    await asyncio.wait_for(first_started.wait(), timeout=5)
    stopping = asyncio.create_task(scheduler.stop())  # while APScheduler's run is under way
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(stopping, timeout=5)

    async with db.read() as conn:
        first = await timers_db.find(conn, "reminder", "first")
        delivered = await timers_db.delivered_targets(conn, first.id if first else 0)
    assert first is not None and first.status == "done"
    assert delivered == {"channel": "sent"}
    assert not second_ran.is_set()  # planned during the run, left for the next start
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "maximum number of running instances" in m]
    assert not [m for m in messages if "raised an exception" in m]


async def test_work_a_person_started_does_not_wait_behind_a_bulk_run(
    db: Database, clock: ControlledClock
) -> None:
    """Two lanes: a bulk run stuck on a slow send (a reminder fan-out) does not hold up
    ``run_now`` (the next turn of a live session), and no timer runs in both lanes."""
    await _community(db)
    held = HeldRun(db, clock, "bulk")
    scheduler = held.scheduler
    await _plan(scheduler, db, "bulk", timedelta(0))
    await _plan(scheduler, db, "asked", timedelta(0))  # also due: the bulk run lists it
    bulk = asyncio.create_task(scheduler.run_due())
    await held.running.wait()
    assert await asyncio.wait_for(scheduler.run_now("reminder", "asked"), timeout=5)
    assert held.ran == ["bulk", "asked"]
    held.release.set()
    assert await bulk == 1  # it found "asked" already closed by the other lane
    assert held.ran == ["bulk", "asked"]


async def test_both_lanes_asking_for_one_timer_run_it_once(
    db: Database, clock: ControlledClock
) -> None:
    await _community(db)
    held = HeldRun(db, clock)
    bulk = await held.bulk_run_holding(db, "one")
    asked = asyncio.create_task(held.scheduler.run_now("reminder", "one"))
    await asyncio.sleep(0.01)
    held.release.set()
    assert await bulk == 1
    assert not await asked  # it waited for the bulk lane's firing, then found it closed
    assert held.ran == ["one"]
