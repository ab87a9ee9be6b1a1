"""A write transaction run whole on the database thread (``Database.in_one_trip``): one
trip there and back, and every guarantee of :meth:`Database.transaction`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.db import Database
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from bot.db.database import DatabaseDamaged
from bot.db.one_trip import BodySuspended
from bot.errors import UserError
from tests.db.trips import ThreadTrips
from tests.db.writers import beside_a_failing_writer

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SETTINGS = CommunitySettings(timezone="UTC", language="en")


async def guilds(db: Database) -> list[int]:
    async with db.read() as conn:
        return [row[0] for row in await conn.execute_fetchall("SELECT guild_id FROM communities")]


@pytest.mark.sqlite_only  # aiosqlite's thread and the file's damage
async def test_a_body_of_reads_and_writes_is_one_trip_and_commits(db: Database) -> None:
    async def body(conn: Connection) -> int:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        await communities_db.upsert(conn, 2, SETTINGS, [60], NOW)
        cursor = await conn.execute("SELECT COUNT(*) FROM communities")
        row = await cursor.fetchone()
        return int(row[0])

    with ThreadTrips(db) as trips:
        assert await db.in_one_trip(body) == 2
    assert trips.count == 1
    assert await guilds(db) == [1, 2]


async def test_a_refused_body_leaves_nothing(db: Database) -> None:
    async def body(conn: Connection) -> None:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        raise UserError("checkins.errors.closed")

    with pytest.raises(UserError):
        await db.in_one_trip(body)
    assert await guilds(db) == []
    async with db.transaction() as conn:  # nothing was left open
        await communities_db.upsert(conn, 3, SETTINGS, [60], NOW)
    assert await guilds(db) == [3]


@pytest.mark.sqlite_only  # aiosqlite's thread and the file's damage
async def test_a_body_that_waits_for_anything_else_is_refused_and_leaves_nothing(
    db: Database,
) -> None:
    async def body(conn: Connection) -> None:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        await asyncio.sleep(0)

    with pytest.raises(BodySuspended):
        await db.in_one_trip(body)
    assert await guilds(db) == []


async def test_a_failing_statement_rolls_the_whole_body_back(db: Database) -> None:
    async def body(conn: Connection) -> None:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        await conn.execute("INSERT INTO no_such_table VALUES (1)")

    with pytest.raises(Exception, match="no_such_table"):
        await db.in_one_trip(body)
    assert await guilds(db) == []


async def test_it_waits_for_a_transaction_under_way_and_never_commits_its_work(
    db: Database,
) -> None:
    async def body(conn: Connection) -> None:
        await communities_db.upsert(conn, 2, SETTINGS, [60], NOW)

    await beside_a_failing_writer(db, lambda: db.in_one_trip(body))
    assert await guilds(db) == [2]


@pytest.mark.sqlite_only  # aiosqlite's thread and the file's damage
async def test_refused_once_the_file_is_known_damaged(db: Database) -> None:
    async def body(conn: Connection) -> None:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)

    await db.mark_damaged("Tree 30 page 30: broken")
    with pytest.raises(DatabaseDamaged):
        await db.in_one_trip(body)


async def test_a_caller_cancelled_meanwhile_leaves_all_or_nothing(db: Database) -> None:
    """Cancelling the caller does not stop the database thread: the transaction commits or
    rolls back whole, and the next one waits for it in the thread's queue."""

    async def body(conn: Connection) -> None:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        await communities_db.upsert(conn, 2, SETTINGS, [60], NOW)

    running = asyncio.create_task(db.in_one_trip(body))
    await asyncio.sleep(0)  # queued on the database thread
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 3, SETTINGS, [60], NOW)
    assert await guilds(db) in ([3], [1, 2, 3])
