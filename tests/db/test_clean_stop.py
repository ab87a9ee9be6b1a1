"""The clean-stop record beside the database, and the page check each start asks for:
every page before start-up after a crash, a kill or a changed file; otherwise later,
in the background."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.db import DatabaseError
from bot.instance import CleanStop, owned_database
from tests.reliability.damage import clean_stop_record, damage_pages


async def _stopped_cleanly(db_path: Path) -> None:
    async with owned_database(db_path) as db:
        assert db.pages_checked  # a first start: no record
    assert clean_stop_record(db_path).exists()


async def test_a_clean_close_lets_the_next_start_check_later(db_path: Path) -> None:
    await _stopped_cleanly(db_path)
    async with owned_database(db_path) as db:
        assert not db.pages_checked
        # Taken as the start began: a kill from here on leaves no record behind.
        assert not clean_stop_record(db_path).exists()
    assert clean_stop_record(db_path).exists()


async def test_without_a_record_every_page_is_checked_first(db_path: Path) -> None:
    """What a kill or a crash leaves: the record was taken at start and never written."""
    await _stopped_cleanly(db_path)
    clean_stop_record(db_path).unlink()
    damage_pages(db_path, keep_stamp=True)
    with pytest.raises(DatabaseError, match="damaged"):
        async with owned_database(db_path):
            pass


@pytest.mark.parametrize("change", ["modified", "replaced", "grown"])
async def test_a_file_changed_since_the_clean_stop_is_checked_first(
    db_path: Path, change: str
) -> None:
    await _stopped_cleanly(db_path)
    if change == "modified":
        damage_pages(db_path, keep_stamp=False)
    else:
        damage_pages(db_path, keep_stamp=True)
        stamp = db_path.stat()
        if change == "replaced":  # a copy put in its place: same size and time, new inode
            copy = db_path.with_name("copy")
            shutil.copy2(db_path, copy)
            copy.replace(db_path)
        else:
            with db_path.open("ab") as f:
                f.write(b"\0" * 4096)
        os.utime(db_path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    with pytest.raises(DatabaseError, match="damaged"):
        async with owned_database(db_path):
            pass
    assert not clean_stop_record(db_path).exists()  # and the next start checks again


async def test_an_unreadable_record_vouches_for_nothing(db_path: Path) -> None:
    await _stopped_cleanly(db_path)
    clean_stop_record(db_path).write_text("{not json")
    assert CleanStop(db_path).take() == "the clean-stop record is unreadable"
    assert CleanStop(db_path).take() is not None  # and it is gone


async def test_a_database_found_damaged_records_no_clean_stop(db_path: Path) -> None:
    await _stopped_cleanly(db_path)
    async with owned_database(db_path) as db:
        await db.mark_damaged("found while running")
    assert not clean_stop_record(db_path).exists()


async def test_an_error_while_running_is_still_a_clean_close(db_path: Path) -> None:
    """The process closed the database itself: the file is as SQLite left it."""
    await _stopped_cleanly(db_path)
    with pytest.raises(RuntimeError):
        async with owned_database(db_path):
            raise RuntimeError("Discord refused the login")
    assert clean_stop_record(db_path).exists()


def test_plc_bot_migrate_checks_every_page_and_records_a_clean_stop(
    tmp_path: Path, db_path: Path
) -> None:
    asyncio.run(_stopped_cleanly(db_path))
    damage_pages(db_path, keep_stamp=True)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{db_path}"\n')
    assert main(["--config", str(config), "migrate"]) == 2  # checked though unchanged

    fresh = tmp_path / "fresh.sqlite3"
    config.write_text(f'[database]\npath = "{fresh}"\n')
    assert main(["--config", str(config), "migrate"]) == 0
    assert CleanStop(fresh).take() is None  # the next run need not check first
