"""Reads served on the event loop's thread (``Database.read``): no trip to the database
thread, every committed write seen, one snapshot per read, never a write to the file."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import Database
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from tests.db.trips import ThreadTrips, traced

pytestmark = pytest.mark.sqlite_only  # the loop's read-only SQLite connections

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SETTINGS = CommunitySettings(timezone="UTC", language="en")


async def guilds(conn: Connection) -> list[int]:
    rows = await conn.execute_fetchall("SELECT guild_id FROM communities ORDER BY guild_id")
    return [row[0] for row in rows]


async def add(db: Database, guild_id: int) -> None:
    async with db.transaction() as conn:
        await communities_db.upsert(conn, guild_id, SETTINGS, [60], NOW)


async def test_a_read_makes_no_trip_to_the_database_thread(db: Database) -> None:
    await add(db, 1)
    with ThreadTrips(db) as trips:
        async with db.read() as conn:
            community = await communities_db.get(conn, 1)
    assert community is not None and community.guild_id == 1
    assert trips.count == 0


async def test_a_read_after_a_write_sees_it(db: Database) -> None:
    for guild_id in (1, 2, 3):
        await add(db, guild_id)
        async with db.read() as conn:
            assert (await guilds(conn))[-1] == guild_id
    await db.in_one_trip(lambda conn: communities_db.upsert(conn, 4, SETTINGS, [60], NOW))
    async with db.read() as conn:
        assert await guilds(conn) == [1, 2, 3, 4]


async def test_a_read_sees_one_moment_however_many_statements(db: Database) -> None:
    """A write committed while a read is under way is not half seen by it."""
    await add(db, 1)
    async with db.read() as conn:
        before = await guilds(conn)
        await add(db, 2)  # commits on the database thread meanwhile
        assert await guilds(conn) == before == [1]
    async with db.read() as conn:
        assert await guilds(conn) == [1, 2]


async def test_reads_that_overlap_each_get_a_connection(db: Database) -> None:
    await add(db, 1)
    inside = asyncio.Event()
    go_on = asyncio.Event()

    async def slow() -> list[int]:
        async with db.read() as conn:
            assert await guilds(conn) == [1]  # the snapshot is taken at the first statement
            inside.set()
            await go_on.wait()  # suspended with its snapshot open
            return await guilds(conn)

    waiting = asyncio.create_task(slow())
    await inside.wait()
    await add(db, 2)
    async with db.read() as conn:
        assert await guilds(conn) == [1, 2]
    go_on.set()
    assert await waiting == [1]


async def test_a_read_cannot_write(db: Database) -> None:
    async with db.read() as conn:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
    async with db.read() as conn:  # the refusal left the connection usable
        assert await guilds(conn) == []


async def test_a_failed_read_leaves_the_next_one_whole(db: Database) -> None:
    await add(db, 1)
    with pytest.raises(sqlite3.OperationalError):
        async with db.read() as conn:
            await conn.execute_fetchall("SELECT nothing FROM nowhere")
    with pytest.raises(LookupError):
        async with db.read() as conn:
            await guilds(conn)
            raise LookupError
    await add(db, 2)
    async with db.read() as conn:
        assert await guilds(conn) == [1, 2]


async def test_a_read_in_thread_goes_to_the_database_thread(db: Database) -> None:
    await add(db, 1)
    with ThreadTrips(db) as trips:
        async with db.read_in_thread() as conn:
            assert await guilds(conn) == [1]
    assert trips.count == 1


async def test_reads_are_traced_without_their_snapshot(db: Database) -> None:
    async with traced(db) as seen, db.read() as conn:
        await guilds(conn)
    async with db.read() as conn:
        await guilds(conn)
    assert seen == ["SELECT guild_id FROM communities ORDER BY guild_id"]


async def test_reads_go_on_once_the_file_is_damaged_and_write_nothing(db: Database) -> None:
    await add(db, 1)
    await db.mark_damaged("test")
    size = db.size_on_disk()
    async with db.read() as conn:
        assert await guilds(conn) == [1]
    assert db.size_on_disk() == size


async def test_a_closed_database_refuses_reads(db_path: Path) -> None:
    db = await Database.open(db_path)
    async with db.read() as conn:
        await guilds(conn)
    await db.close()
    with pytest.raises(sqlite3.ProgrammingError):
        async with db.read():
            pass


async def test_a_read_after_writes_waits_for_the_write_under_way(db: Database) -> None:
    """What re-arms the scheduler's alarm reads once the transaction that planned a timer
    (and asked for the re-arm) has committed."""
    seen: list[list[int]] = []

    async def after() -> None:
        async with db.read(after_writes=True) as conn:
            seen.append(await guilds(conn))

    async with db.transaction() as conn:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        reading = asyncio.create_task(after())
        async with db.read() as plain:  # a plain read does not wait: not committed yet
            assert await guilds(plain) == []
        await asyncio.sleep(0)
    await reading
    assert seen == [[1]]
