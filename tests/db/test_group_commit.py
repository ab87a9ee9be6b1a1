"""Writes waiting for the writer at the same moment share one transaction and its commit
(``bot/db/group_commit.py``), each caller answered once that commit returned, each write
kept or refused on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.db import Database
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from bot.errors import UserError
from tests.db.trips import ThreadTrips, traced

pytestmark = pytest.mark.sqlite_only  # SQLite's one writer and aiosqlite's thread

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SETTINGS = CommunitySettings(timezone="UTC", language="en")
Write = Callable[[Connection], Awaitable[object]]


async def guilds(db: Database) -> list[int]:
    async with db.read() as conn:
        return [row[0] for row in await conn.execute_fetchall("SELECT guild_id FROM communities")]


def community(guild_id: int) -> Write:
    async def write(conn: Connection) -> int:
        await communities_db.upsert(conn, guild_id, SETTINGS, [60], NOW)
        return guild_id

    return write


async def all_at_once(db: Database, writes: list[Write]) -> list[object]:
    """Each write from its own task, all waiting while another transaction holds the
    writer; what each caller got (a result or the error it raised)."""

    async def caller(write: Write) -> object:
        return await db.in_one_trip(write)

    async with db.transaction() as conn:
        await communities_db.upsert(conn, 99, SETTINGS, [60], NOW)
        tasks = [asyncio.create_task(caller(write)) for write in writes]
        for _ in range(3):
            await asyncio.sleep(0)  # every one is waiting for the writer
    return await asyncio.gather(*tasks, return_exceptions=True)


async def test_writes_waiting_together_share_one_commit_and_one_trip(db: Database) -> None:
    seen_saved: dict[int, list[int]] = {}

    async def caller(guild_id: int) -> None:
        await db.in_one_trip(community(guild_id))
        seen_saved[guild_id] = await guilds(db)  # what it was told saved is committed

    async with traced(db) as seen:
        with ThreadTrips(db) as trips:
            async with db.transaction() as conn:
                await communities_db.upsert(conn, 99, SETTINGS, [60], NOW)
                tasks = [asyncio.create_task(caller(g)) for g in range(1, 6)]
                for _ in range(3):
                    await asyncio.sleep(0)
            await asyncio.gather(*tasks)
    # The holding transaction's commit, then one for the five (five before).
    assert seen.count("COMMIT") == 2, seen
    assert trips.count == 4  # the holding one: BEGIN, its upsert, COMMIT; the five: one
    for guild_id, visible in seen_saved.items():
        assert guild_id in visible
    assert await guilds(db) == [1, 2, 3, 4, 5, 99]


async def test_a_write_alone_takes_no_savepoint(db: Database) -> None:
    async with traced(db) as seen:
        await db.in_one_trip(community(1))
    assert seen[0] == "BEGIN IMMEDIATE" and seen[-1] == "COMMIT"
    assert not [s for s in seen if "SAVEPOINT" in s], seen


async def test_a_write_alone_is_awaited_in_its_callers_task(db: Database) -> None:
    # A task of its own for the trip cost the lone write (every member's setting) the loop
    # turns of its result coming back through it.
    loop = asyncio.get_running_loop()
    created: list[object] = []
    default = loop.get_task_factory()

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> Any:
        created.append(coro)
        if default is not None:
            return default(loop, coro, **kwargs)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(counting)
    try:
        assert await db.in_one_trip(community(1)) == 1
        with pytest.raises(UserError):
            await db.in_one_trip(refused_alone)
    finally:
        loop.set_task_factory(default)
    assert created == []
    assert await guilds(db) == [1]


async def refused_alone(conn: Connection) -> None:
    await communities_db.upsert(conn, 2, SETTINGS, [60], NOW)
    raise UserError("checkins.errors.closed")


async def test_a_refused_write_among_them_is_rolled_back_alone(db: Database) -> None:
    async def refused(conn: Connection) -> None:
        await communities_db.upsert(conn, 3, SETTINGS, [60], NOW)
        raise UserError("checkins.errors.closed")

    async def failing(conn: Connection) -> None:
        await communities_db.upsert(conn, 4, SETTINGS, [60], NOW)
        await conn.execute("INSERT INTO no_such_table VALUES (1)")

    got = await all_at_once(db, [community(1), refused, community(2), failing, community(5)])
    assert got[0] == 1 and got[2] == 2 and got[4] == 5
    assert isinstance(got[1], UserError)
    assert "no_such_table" in str(got[3])
    assert await guilds(db) == [1, 2, 5, 99]


async def test_an_error_that_ends_the_transaction_fails_every_write_of_it(db: Database) -> None:
    async def ends_it(conn: Connection) -> None:
        # The first write's row again: OR ROLLBACK ends the whole transaction.
        await conn.execute("INSERT OR ROLLBACK INTO communities SELECT * FROM communities")

    got = await all_at_once(db, [community(1), ends_it, community(2)])
    assert all(isinstance(outcome, Exception) for outcome in got), got
    assert await guilds(db) == [99]
    await db.in_one_trip(community(3))  # nothing was left open
    assert await guilds(db) == [3, 99]


async def test_a_caller_cancelled_while_waiting_is_never_run(db: Database) -> None:
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 99, SETTINGS, [60], NOW)
        cancelled = asyncio.create_task(db.in_one_trip(community(1)))
        kept = asyncio.create_task(db.in_one_trip(community(2)))
        await asyncio.sleep(0)
        cancelled.cancel()
    assert await kept == 2
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert await guilds(db) == [2, 99]


async def test_a_lingering_write_rides_with_a_write_queued_in_the_same_turn(db: Database) -> None:
    """Bookkeeping nobody waits for (a post's close) waits a turn of the loop: the write
    queued meanwhile (the member's next answer) takes it into its own transaction, in
    the order they came; one commit for both (two before)."""
    async with traced(db) as seen:
        with ThreadTrips(db) as trips:
            behind = asyncio.ensure_future(db.in_one_trip(community(1), linger=True))
            await asyncio.sleep(0)  # it is queued, waiting its turn
            assert await db.in_one_trip(community(2)) == 2
            assert await behind == 1
    assert seen.count("COMMIT") == 1 and trips.count == 1, seen
    assert seen.index("SAVEPOINT one_write") < seen.index("RELEASE one_write")
    inserts = [s for s in seen if "INSERT INTO communities" in s]
    assert len(inserts) == 2 and "VALUES (1" in inserts[0].replace("\n", " "), inserts
    assert await guilds(db) == [1, 2]


async def test_a_lingering_write_alone_runs_after_its_turn(db: Database) -> None:
    async with traced(db) as seen:
        assert await db.in_one_trip(community(1), durable=False, linger=True) == 1
    assert seen.count("COMMIT") == 1 and not [s for s in seen if "SAVEPOINT" in s], seen
    assert await guilds(db) == [1]


async def test_a_lingering_write_cancelled_in_its_turn_is_never_run(db: Database) -> None:
    behind = asyncio.ensure_future(db.in_one_trip(community(1), linger=True))
    await asyncio.sleep(0)
    behind.cancel()
    with pytest.raises(asyncio.CancelledError):
        await behind
    assert await db.in_one_trip(community(2)) == 2
    assert await guilds(db) == [2]
