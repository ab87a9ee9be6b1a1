"""Migrations and catalogs come from the package; a missing one is an error, not "up to date"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.db import Database, DatabaseError
from bot.db import database as database_module
from bot.db.database import available_migrations
from bot.i18n import CatalogError, load_catalog

ROOT = Path(__file__).resolve().parents[2]


def test_the_packaged_migrations_are_the_repositorys_migrations_folder() -> None:
    packaged = [file.name for _, file in available_migrations()]
    assert packaged == sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))


async def test_no_migrations_found_is_an_error_and_leaves_the_database_empty(
    db_path: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    db = await Database.open(db_path, migrate=False)
    try:
        with pytest.raises(DatabaseError, match="no migrations found in the installed package"):
            await db.migrate(empty)
        assert await db.schema_version() == 0
    finally:
        await db.close()


def test_plc_bot_migrate_without_packaged_migrations_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(database_module, "MIGRATIONS_PACKAGE", "bot.not_installed")
    config = tmp_path / "config.toml"
    database = tmp_path / "x.sqlite3"
    config.write_text(f'[database]\npath = "{database}"\n')
    assert main(["migrate", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert "no migrations found in the installed package" in captured.err
    assert "up to date" not in captured.out
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)


def test_an_empty_catalog_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no message catalogs found"):
        load_catalog(tmp_path)


@pytest.mark.sqlite_only  # the WAL is SQLite's
async def test_checkpoint_empties_the_wal(db: Database, db_path: Path) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('canary', 'x')")
    wal = Path(f"{db_path}-wal")
    assert wal.stat().st_size > 0
    assert await db.checkpoint() is True
    assert wal.stat().st_size == 0
    async with db.read() as conn:
        cursor = await conn.execute("SELECT value FROM bot_state WHERE key = 'canary'")
        row = await cursor.fetchone()
    assert row is not None and row[0] == "x"
