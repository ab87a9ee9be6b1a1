"""Timers on a PostgreSQL database several processes share: each process claims the due
timers it fires, for a lease it renews; a claim not renewed is taken over when its lease
ends; a timer a process writes and runs at once stays its own. Two schedulers on two
connection pools of one real server stand for two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import ControlledClock
from bot.config import SchedulerSettings
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.engine import open_database
from tests.conftest import START
from tests.postgres_server import PostgresServer
from tests.reminder_process import ReminderProcess

GUILD = 1
LEASE = 30
SETTINGS = SchedulerSettings(lease_seconds=LEASE, grace_minutes={"reminder": 60})


@pytest.fixture
async def two(
    postgres_server: PostgresServer, clock: ControlledClock
) -> AsyncIterator[tuple[ReminderProcess, ReminderProcess]]:
    url = await postgres_server.fresh()
    first, second = await open_database(url), await open_database(url)
    async with first.transaction() as conn:
        await communities_db.upsert(
            conn, GUILD, CommunitySettings(timezone="UTC", language="en"), [60], START
        )
    yield (
        ReminderProcess(first, clock, SETTINGS, guild=GUILD),
        ReminderProcess(second, clock, SETTINGS, guild=GUILD),
    )
    await first.close()
    await second.close()
    await postgres_server.drop(url)


async def _claimed_then_dies(
    process: ReminderProcess, clock: ControlledClock, *keys: str
) -> list[str]:
    """``keys`` planned and claimed by ``process``, which then dies (it never fires nor
    renews them); the keys it claimed."""
    await process.plan(*keys)
    assert process.scheduler._leases is not None
    claimed = await process.scheduler._leases.claim_due(clock.now(), {"reminder"})
    return [key for _, _, key in claimed]


async def test_two_processes_running_together_fire_each_timer_once(
    two: tuple[ReminderProcess, ReminderProcess],
) -> None:
    a, b = two
    keys = [f"r{i:03d}" for i in range(60)]
    await a.plan(*keys)
    closed = await asyncio.gather(a.scheduler.run_due(), b.scheduler.run_due())
    assert sum(closed) == 60
    assert sorted(a.fired + b.fired) == keys  # each once, whichever process fired it
    done = await a.timer(keys[0])
    assert done.status == "done" and done.lease_owner is None and done.lease_until is None


async def test_a_claim_not_renewed_is_taken_over_when_its_lease_ends(
    two: tuple[ReminderProcess, ReminderProcess], clock: ControlledClock
) -> None:
    a, b = two
    assert await _claimed_then_dies(a, clock, "r1", "r2") == ["r1", "r2"]
    assert await b.scheduler.run_due() == 0
    assert await b.scheduler.next_due() == clock.now() + timedelta(seconds=LEASE)
    await clock.advance(timedelta(seconds=LEASE - 1))
    assert await b.scheduler.run_due() == 0
    await clock.advance(timedelta(seconds=1))
    assert await b.scheduler.run_due() == 2
    assert b.fired == ["r1", "r2"] and a.fired == []


async def _fired(process: ReminderProcess, key: str) -> None:
    """Until ``process`` fired ``key`` (a guard against a hang, not a measure of time)."""
    await asyncio.wait_for(process.done[key].wait(), 30)


async def test_a_claim_ended_is_taken_over_on_the_next_poll_while_a_batch_is_stuck(
    two: tuple[ReminderProcess, ReminderProcess], clock: ControlledClock
) -> None:
    a, b = two
    assert await _claimed_then_dies(a, clock, "r1") == ["r1"]
    # b's own batch waits on a channel's limit (seconds, in a burst).
    stuck = b.holds["slow"] = asyncio.Event()
    await b.plan("slow")
    run = asyncio.create_task(b.scheduler.run_due())
    await b.started.wait()
    await clock.advance(timedelta(seconds=LEASE))
    assert b.scheduler._leases is not None
    await b.scheduler._leases.renew()  # what b's renewing task did meanwhile; a is dead
    await b.scheduler.alarm.poll()
    await _fired(b, "r1")  # while "slow" still waits
    assert b.fired == ["r1"] and a.fired == []
    stuck.set()
    assert await run == 1
    await b.scheduler.stop()  # the takeover's bookkeeping finished
    assert (await b.timer("r1")).status == "done"
    assert sorted(b.fired) == ["r1", "slow"]


async def test_timers_taken_over_together_do_not_wait_behind_one_another(
    two: tuple[ReminderProcess, ReminderProcess], clock: ControlledClock
) -> None:
    a, b = two
    assert await _claimed_then_dies(a, clock, "r1", "r2") == ["r1", "r2"]
    await clock.advance(timedelta(seconds=LEASE))
    stuck = b.holds["r1"] = asyncio.Event()
    await b.scheduler.alarm.poll()
    await _fired(b, "r2")  # while r1 still waits on its channel
    stuck.set()
    await _fired(b, "r1")
    await b.scheduler.stop()
    assert sorted(b.fired) == ["r1", "r2"] and a.fired == []
    assert {(await b.timer(key)).status for key in ("r1", "r2")} == {"done"}


async def test_a_long_run_renews_its_claims_so_no_other_process_takes_them(
    two: tuple[ReminderProcess, ReminderProcess], clock: ControlledClock
) -> None:
    a, b = two
    await a.plan("slow")
    a.hold.clear()
    run = asyncio.create_task(a.scheduler.run_due())
    await a.started.wait()
    await clock.advance(timedelta(seconds=LEASE - 1))
    assert a.scheduler._leases is not None
    assert await a.scheduler._leases.renew() == 1  # what its renewing task does
    await clock.advance(timedelta(seconds=LEASE - 1))
    assert await b.scheduler.run_due() == 0  # past the first lease end, still a's
    a.hold.set()
    assert await run == 1
    assert a.fired == ["slow"] and b.fired == []


async def test_a_process_that_lost_its_claim_does_not_fire_the_timer(
    two: tuple[ReminderProcess, ReminderProcess], clock: ControlledClock
) -> None:
    a, b = two
    await a.plan("r1")
    assert a.scheduler._leases is not None and b.scheduler._leases is not None
    claimed = await a.scheduler._leases.claim_due(clock.now(), {"reminder"})
    await clock.advance(timedelta(seconds=LEASE))  # a stalled past its lease
    assert await b.scheduler._leases.claim_due(clock.now(), {"reminder"}) == claimed
    assert await a.scheduler._fire_each(claimed, clock.now()) == 0
    assert a.fired == []


async def test_a_timer_a_process_writes_and_runs_at_once_stays_its_own(
    two: tuple[ReminderProcess, ReminderProcess],
) -> None:
    a, b = two
    await a.plan("now", wake=False)
    assert (await a.timer("now")).lease_owner is not None
    assert await b.scheduler.run_due() == 0  # another process's bulk run leaves it
    assert await a.scheduler.run_now("reminder", "now") is True
    assert a.fired == ["now"] and b.fired == []
    # A timer another process is firing is not run twice by this one's interactive lane.
    await a.plan("held", wake=False)
    assert await b.scheduler.run_now("reminder", "held") is False
    assert await a.scheduler.run_now("reminder", "held") is True
    assert b.fired == []


async def test_a_timer_another_process_planned_is_found_by_the_poll(
    two: tuple[ReminderProcess, ReminderProcess], clock: ControlledClock
) -> None:
    a, b = two
    await a.plan("later")
    assert await b.scheduler.next_due() == START
    assert b.scheduler.alarm.poll_seconds == SETTINGS.poll_seconds
