"""A write may commit without waiting for the disk (``in_one_trip(durable=False)``): set
for that commit alone, in its own trip; made durable by the next commit that waits for
the disk or, failing one within a bound, by a sync of the log (``bot/db/log_sync.py``)."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import Database, log_sync
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from bot.db.engine import Engine
from bot.errors import UserError
from tests.db.trips import ThreadTrips, traced

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SETTINGS = CommunitySettings(timezone="UTC", language="en")


async def community(conn: Connection, guild_id: int = 1) -> None:
    await communities_db.upsert(conn, guild_id, SETTINGS, [60], NOW)


async def waits_for_the_disk(conn: Connection, engine: str) -> bool:
    """What the connection says of the commit under way, read inside its transaction."""
    if engine == "postgresql":
        [row] = await conn.execute_fetchall("SHOW synchronous_commit")
        return bool(row[0] != "off")
    [row] = await conn.execute_fetchall("PRAGMA synchronous")
    return bool(row[0] == 2)  # FULL; NORMAL is 1


async def test_a_write_not_waited_for_says_so_inside_its_own_transaction(
    db: Engine, engine: str
) -> None:
    async def write(conn: Connection) -> bool:
        await community(conn)
        return await waits_for_the_disk(conn, engine)

    assert await db.in_one_trip(write, durable=False) is False
    if engine == "sqlite":  # the test server never flushes: only SQLite says FULL after
        assert await db.in_one_trip(write) is True
    async with db.read() as conn:
        rows = await conn.execute_fetchall("SELECT guild_id FROM communities")
    assert [row[0] for row in rows] == [1]


@pytest.mark.sqlite_only
async def test_sqlite_sets_normal_around_that_commit_in_the_same_trip(db: Database) -> None:
    async with traced(db) as seen:
        with ThreadTrips(db) as trips:
            await db.in_one_trip(community, durable=False)
    assert seen[0] == "PRAGMA synchronous=NORMAL", seen
    assert seen[1] == "BEGIN IMMEDIATE" and seen[-2:] == ["COMMIT", "PRAGMA synchronous=FULL"]
    assert trips.count == 1
    # The connection keeps FULL: what start-up read back, what every other commit gets.
    assert (await db.pragmas())["synchronous"] == 2
    async with traced(db) as seen:
        await db.in_one_trip(community)
    assert not [s for s in seen if s.startswith("PRAGMA")], seen


@pytest.mark.sqlite_only
async def test_a_batch_holding_a_durable_write_waits_for_the_disk(db: Database) -> None:
    async def both() -> None:
        async with db.transaction() as conn:  # holds the writer: the two wait together
            await community(conn, 99)
            tasks = [
                asyncio.create_task(db.in_one_trip(community, durable=False)),
                asyncio.create_task(db.in_one_trip(lambda conn: community(conn, 2))),
            ]
            for _ in range(3):
                await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    async with traced(db) as seen:
        await both()
    assert seen.count("COMMIT") == 2 and "PRAGMA synchronous=NORMAL" not in seen, seen
    assert not db.log.unsynced


@pytest.mark.sqlite_only
async def test_the_bound_syncs_a_commit_no_durable_one_followed(db: Database) -> None:
    db.log.within = 0  # the bound's delay, injected: no real waiting
    await db.in_one_trip(community, durable=False)
    assert db.log.unsynced and db.log.syncs == 0
    pending = db.log.pending
    assert pending is not None
    await pending
    assert (db.log.unsynced, db.log.syncs) == (False, 1)


@pytest.mark.sqlite_only
async def test_a_durable_commit_after_leaves_the_bound_nothing_to_sync(db: Database) -> None:
    await db.in_one_trip(community, durable=False)
    assert db.log.unsynced and db.log.pending is not None
    await db.in_one_trip(lambda conn: community(conn, 2))  # its sync covers the log before
    assert not db.log.unsynced
    assert await db.log.make_durable() is False
    assert db.log.syncs == 0


@pytest.mark.sqlite_only
async def test_a_write_refused_leaves_nothing_to_sync(db: Database) -> None:
    async def refused(conn: Connection) -> None:
        await community(conn)
        raise UserError("no")

    with pytest.raises(UserError):
        await db.in_one_trip(refused, durable=False)
    assert not db.log.unsynced and db.log.pending is None


@pytest.mark.sqlite_only
async def test_a_clean_stop_syncs_before_closing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "plc.sqlite3")
    await db.in_one_trip(community, durable=False)
    pending = db.log.pending
    await db.close()
    assert db.log.syncs == 1 and not db.log.unsynced
    assert pending is not None and pending.cancelled()  # not left running past the close
    reopened = await Database.open(tmp_path / "plc.sqlite3")
    try:
        async with reopened.read() as conn:
            assert len(list(await conn.execute_fetchall("SELECT 1 FROM communities"))) == 1
    finally:
        await reopened.close()


async def test_make_durable_puts_a_commit_not_waited_for_on_the_disk(
    db: Engine, engine: str
) -> None:
    """What a caller shows before its commit is durable, it says is saved only after."""
    await db.in_one_trip(community, durable=False)
    if engine == "sqlite":
        assert isinstance(db, Database) and db.log.unsynced
        await db.make_durable()
        assert not db.log.unsynced and db.log.syncs == 1
        return
    position = "SELECT pg_wal_lsn_diff(pg_current_wal_{}_lsn(), '0/0')"
    async with db.read() as conn:
        [(written,)] = await conn.execute_fetchall(position.format("insert"))
    await db.make_durable()  # the test server's commits never wait: this one does
    async with db.read() as conn:
        [(flushed,)] = await conn.execute_fetchall(position.format("flush"))
    assert flushed >= written


@pytest.mark.sqlite_only
async def test_a_caller_waits_for_a_sync_that_covers_its_own_commit(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Callers at the same moment share one sync; a commit made while it runs is left to
    the next one, which its caller waits for. (A caller used to return at once while
    another's sync was still under way.)"""
    db.log.within = 60  # no bound's sync in the middle
    started, release = threading.Event(), threading.Event()
    sync = log_sync._fdatasync

    def held(path: Path) -> None:
        started.set()
        release.wait(10)
        sync(path)

    monkeypatch.setattr(log_sync, "_fdatasync", held)
    await db.in_one_trip(community, durable=False)
    first = asyncio.ensure_future(db.make_durable())
    second = asyncio.ensure_future(db.make_durable())
    assert await asyncio.to_thread(started.wait, 10)  # the sync is under way
    await db.in_one_trip(lambda conn: community(conn, 2), durable=False)
    third = asyncio.ensure_future(db.make_durable())
    await asyncio.sleep(0.01)
    assert not (first.done() or second.done() or third.done())
    release.set()
    await asyncio.gather(first, second, third)
    assert db.log.syncs == 2 and not db.log.unsynced
