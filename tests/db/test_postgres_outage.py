"""A PostgreSQL server lost while the bot runs: its connections cut
(``pg_terminate_backend``) or the server stopped, then back. A call during the outage
raises :class:`DatabaseUnavailable` and keeps nothing of its transaction; the same call
works once the server answers again, on the same engine (the pool reconnects by itself);
health says so; timers wait, never failed for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import core_on
from bot.clock import ControlledClock
from bot.config import SchedulerSettings, Settings
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.engine import DatabaseUnavailable, Engine, open_database
from bot.db.url import DatabaseUrl
from bot.health import Probes, check
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.timer_ends import MAX_ATTEMPTS
from tests.conftest import START
from tests.postgres_server import PostgresServer
from tests.recording_chat import RecordingChat
from tests.reminder_process import ReminderProcess

GUILD = 100
ADMIN = 7
SETTINGS = CommunitySettings(timezone="America/Toronto", language="fr")


@pytest.fixture
async def served(outage_url: DatabaseUrl) -> AsyncIterator[Engine]:
    db = await open_database(outage_url)
    yield db
    await db.close()


@pytest.fixture
def service(served: Engine, settings: Settings, clock: ControlledClock) -> CommunityService:
    core: Core = core_on(served, settings, clock, RecordingChat())
    return CommunityService(core)


async def _rows(db: Engine, table: str) -> int:
    async with db.read() as conn:
        [row] = list(await conn.execute_fetchall(f"SELECT count(*) AS n FROM {table}"))
    return int(row["n"])


async def test_a_connection_cut_mid_write_keeps_none_of_it_and_the_same_call_then_works(
    service: CommunityService,
    served: Engine,
    stoppable_postgres: PostgresServer,
    outage_url: DatabaseUrl,
) -> None:
    cut: list[int] = []

    def cut_before_the_audit_entry(sql: str) -> None:
        # The community's row is written; its audit entry, in the same transaction, is
        # next when the connection is cut.
        if "INSERT INTO audit_log" in sql and not cut:
            cut.append(stoppable_postgres.cut_now(outage_url))

    await served.trace(cut_before_the_audit_entry)
    with pytest.raises(DatabaseUnavailable, match="cannot be reached"):
        await service.setup(GUILD, ADMIN, SETTINGS)
    await served.trace(None)
    assert cut and cut[0] >= 1
    # Nothing of the half-done transaction was kept; the pool serves a new connection.
    assert (await _rows(served, "communities"), await _rows(served, "audit_log")) == (0, 0)
    community, created = await service.setup(GUILD, ADMIN, SETTINGS)
    assert created and community.language == "fr"
    assert (await _rows(served, "communities"), await _rows(served, "audit_log")) == (1, 1)


@pytest.fixture
async def probes(served: Engine, clock: ControlledClock) -> Probes:
    """What health asks a bot that only has its database; healthy before the outage."""

    async def no_timer() -> None:
        return None

    probes = Probes(
        gateway_connected=None,
        scheduler_alive=lambda: True,
        next_due=no_timer,
        database=served,
        clock=clock,
    )
    assert (await check(probes)).healthy
    return probes


async def test_a_stopped_server_is_unavailable_and_unhealthy_until_it_is_back(
    service: CommunityService,
    served: Engine,
    stoppable_postgres: PostgresServer,
    probes: Probes,
) -> None:
    stoppable_postgres.stop()
    with pytest.raises(DatabaseUnavailable):
        await service.setup(GUILD, ADMIN, SETTINGS)
    down = await check(probes)
    assert not down.healthy and not down.database_writable
    assert [p for p in down.problems if p.startswith("database unreachable: ")], down.problems
    assert down.line().startswith("unhealthy: database unreachable: ")

    stoppable_postgres.start()  # the same engine, never reopened
    assert (await check(probes)).line() == (
        "healthy: database writable, scheduler alive, no overdue timer"
    )
    community, created = await service.setup(GUILD, ADMIN, SETTINGS)
    assert created and community.timezone == "America/Toronto"
    assert await _rows(served, "communities") == 1


async def test_a_server_that_stops_answering_is_unhealthy_after_the_health_limit(
    stoppable_postgres: PostgresServer, outage_url: DatabaseUrl, probes: Probes
) -> None:
    frozen = await stoppable_postgres.freeze(outage_url)
    try:
        down = await check(probes)  # the health write waits no longer than its limit
    finally:
        stoppable_postgres.thaw(frozen)
    assert down.problems == ["database unreachable: no answer within 3 s"]
    assert (await check(probes)).healthy


@pytest.fixture
async def reminders(served: Engine, clock: ControlledClock) -> ReminderProcess:
    async with served.transaction() as conn:
        await communities_db.upsert(conn, GUILD, SETTINGS, [60], START)
    settings = SchedulerSettings(lease_seconds=30, grace_minutes={"reminder": 24 * 60})
    return ReminderProcess(served, clock, settings, guild=GUILD, records_at_close=True)


async def test_a_timer_due_while_the_server_is_down_waits_then_runs_once(
    reminders: ReminderProcess, stoppable_postgres: PostgresServer, clock: ControlledClock
) -> None:
    await reminders.plan("r1")
    stoppable_postgres.stop()
    await clock.advance(timedelta(minutes=1))
    assert await reminders.scheduler.run_due() == 0  # the run survives; nothing ran
    assert reminders.fired == []

    stoppable_postgres.start()
    await clock.advance(timedelta(minutes=1))
    assert await reminders.scheduler.run_due() == 1
    assert await reminders.scheduler.run_due() == 0
    assert reminders.fired == ["r1"]
    timer = await reminders.timer("r1")
    assert (timer.status, timer.attempts) == ("done", 0)


async def test_a_close_cut_off_is_retried_with_backoff_and_never_failed_for_it(
    reminders: ReminderProcess,
    served: Engine,
    stoppable_postgres: PostgresServer,
    outage_url: DatabaseUrl,
    clock: ControlledClock,
) -> None:
    def cut_at_the_close(sql: str) -> None:
        if "UPDATE timers SET status" in sql:
            stoppable_postgres.cut_now(outage_url)

    await reminders.plan("r1")
    await served.trace(cut_at_the_close)
    for attempt in range(1, MAX_ATTEMPTS + 2):  # past the attempts a real failure gets
        assert await reminders.scheduler.run_due() == 0
        timer = await reminders.timer("r1")
        assert (timer.status, timer.attempts) == ("pending", attempt)
        assert timer.note is not None and timer.note.startswith("DatabaseUnavailable")
        assert timer.retry_at is not None and timer.retry_at > clock.now()  # backoff
        assert await reminders.scheduler.run_due() == 0  # not before its retry
        await clock.set(timer.retry_at)
    await served.trace(None)
    assert await reminders.scheduler.run_due() == 1
    assert (await reminders.timer("r1")).status == "done"
    assert len(reminders.fired) == MAX_ATTEMPTS + 2


async def test_claims_it_could_not_renew_are_not_fired_on_as_if_still_held(
    reminders: ReminderProcess, stoppable_postgres: PostgresServer, clock: ControlledClock
) -> None:
    await reminders.plan("r1", "r2")  # one batch: both claimed at once
    reminders.hold.clear()
    run = asyncio.create_task(reminders.scheduler.run_due())
    await reminders.started.wait()  # r1 runs; r2 waits its turn, claimed
    # The server is away for longer than a lease: no renewal could be written, so
    # another process may have claimed both since. (The loop runs meanwhile, as the
    # bot's does, and sees its connections end.)
    await asyncio.to_thread(stoppable_postgres.stop)
    await clock.advance(timedelta(seconds=31))
    await asyncio.to_thread(stoppable_postgres.start)
    reminders.hold.set()
    assert await run == 1
    assert reminders.fired == ["r1"]  # r2 was not fired on a lapsed claim...
    r2 = await reminders.timer("r2")
    assert (r2.status, r2.lease_owner) == ("pending", None)  # ...but given back
    assert await reminders.scheduler.run_due() == 1  # claimed again, then fired
    assert reminders.fired == ["r1", "r2"]
