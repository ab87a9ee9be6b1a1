"""The page check run later than start-up, and a database that refuses every write once
it is known damaged, on real SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import Database, DatabaseError
from bot.db import bot_state as bot_state_db
from bot.db.database import DatabaseDamaged
from bot.db.pages import PageCheck
from tests.reliability.damage import SYMPTOM, Bytes, damage_pages

# SQLite's page check and a damaged file: a server keeps its own pages.
pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


async def _created(db_path: Path) -> Path:
    db = await Database.open(db_path)
    async with db.transaction() as conn:
        await bot_state_db.put(conn, "written", "before")
    await db.close()
    return db_path


async def test_a_sound_file_passes_the_page_check(db: Database) -> None:
    assert db.pages_checked  # opened the usual way: checked before use
    assert await db.check_pages() is None


async def test_the_page_check_left_for_later_finds_what_start_up_would_have(
    db_path: Path,
) -> None:
    damage_pages(await _created(db_path), keep_stamp=True)
    with pytest.raises(DatabaseError, match="damaged.*restore the latest backup"):
        await Database.open(db_path)

    db = await Database.open(db_path, check_pages=False)
    try:
        assert not db.pages_checked
        problem = await db.check_pages()
        assert problem is not None and SYMPTOM in problem
        assert "\n" not in problem and "***" not in problem  # one line, for logs and health
        assert db.damage is None  # finding it is not deciding: the caller marks it
    finally:
        await db.close()


async def test_once_marked_damaged_no_write_path_touches_the_file(db: Database) -> None:
    async with db.transaction() as conn:  # frames in the WAL, not yet in the file
        await bot_state_db.put(conn, "kept", "in the WAL")
    before = Bytes.of(db.path)
    assert before.wal

    assert await db.mark_damaged("Tree 30 page 30: broken")
    assert not await db.mark_damaged("again")  # the first finding stands
    with pytest.raises(DatabaseDamaged, match="damaged .*Tree 30 page 30.*restore the latest"):
        async with db.transaction() as conn:
            await bot_state_db.put(conn, "refused", "never")
    with pytest.raises(DatabaseDamaged):
        await db.checkpoint()
    with pytest.raises(DatabaseDamaged):
        await db.checkpoint_in_background()
    with pytest.raises(DatabaseDamaged):
        await db.migrate()
    async with db.read() as conn:  # reading goes on
        assert await bot_state_db.get(conn, "kept") == "in the WAL"
        assert await bot_state_db.get(conn, "refused") is None

    await db.close()  # closing the last connection would copy the WAL into the file
    assert Bytes.of(db.path) == before


async def test_a_write_under_way_ends_before_the_damage_is_marked(db: Database) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as conn:
            await bot_state_db.put(conn, "under way", "1")
            inside.set()
            await release.wait()

    writing = asyncio.create_task(writer())
    await inside.wait()
    marking = asyncio.create_task(db.mark_damaged("found"))
    await asyncio.sleep(0)
    assert db.damage is None  # waits for the write to end
    release.set()
    await writing
    await marking
    assert db.damage == "found"
    before = Bytes.of(db.path)
    with pytest.raises(DatabaseDamaged):
        async with db.transaction() as conn:
            await bot_state_db.put(conn, "after", "2")
    assert Bytes.of(db.path) == before
    async with db.read() as conn:
        assert await bot_state_db.get(conn, "under way") == "1"


async def test_a_cancelled_page_check_stops_and_leaves_the_database_usable(db: Database) -> None:
    checking = asyncio.create_task(db.check_pages())
    await asyncio.sleep(0)  # under way in its worker thread
    checking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await checking
    assert db.damage is None
    assert await db.check_pages() is None


def test_a_stopped_page_check_stops_without_a_verdict(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:  # enough pages for the check to take steps
        conn.execute("CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT)")
        rows = (("x" * 200,) for _ in range(5000))
        conn.executemany("INSERT INTO filler (text) VALUES (?)", rows)
    check = PageCheck(db_path)
    check.stop()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        check.run()
    assert PageCheck(db_path).run() is None
