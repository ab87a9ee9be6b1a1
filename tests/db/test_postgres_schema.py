"""PostgreSQL's migrations: the same schema as SQLite's after every migration, and the
version recorded on both engines."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.cli import main
from bot.db import Database, DatabaseError
from bot.db.database import available_migrations, migrations_directory
from bot.db.postgres import MIGRATIONS_FOLDER, PostgresDatabase
from bot.db.url import DatabaseUrl
from tests.conftest import config_file
from tests.postgres_server import PostgresServer

Shape = dict[str, Any]


def sqlite_shape(path: Path) -> Shape:
    """Tables with their columns, primary keys, unique column sets and named indexes."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        shape: Shape = {}
        for table in tables:
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            columns = [row[1] for row in info]
            key = tuple(row[1] for row in sorted(info, key=lambda r: r[5]) if row[5])
            unique, indexes = set(), {}
            for _, name, is_unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
                cols = tuple(
                    col if col is not None else "<expression>"
                    for _, _, col in conn.execute(f"PRAGMA index_info({name})")
                )
                if origin == "u":
                    unique.add(cols)
                elif origin == "c":
                    indexes[name] = (cols, bool(is_unique), bool(partial))
            shape[table] = {"columns": columns, "key": key, "unique": unique, "indexes": indexes}
        return shape
    finally:
        conn.close()


async def postgres_shape(url: DatabaseUrl) -> Shape:
    conn = await asyncpg.connect(url.dsn)
    try:
        tables = [
            r["relname"]
            for r in await conn.fetch(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'plc_bot_schema' "
                "ORDER BY c.relname"
            )
        ]
        shape: Shape = {}
        for table in tables:
            columns = [
                r["attname"]
                for r in await conn.fetch(
                    "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass "
                    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                    table,
                )
            ]
            key: tuple[str, ...] = ()
            unique, indexes = set(), {}
            for r in await conn.fetch(
                """
                SELECT i.relname AS name, x.indisunique, x.indisprimary,
                    x.indpred IS NOT NULL AS partial,
                    EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
                        AS constraint_index,
                    ARRAY(SELECT COALESCE(a.attname, '<expression>')
                        FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                        LEFT JOIN pg_attribute a
                            ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                        ORDER BY k.n) AS columns
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = $1::regclass
                """,
                table,
            ):
                cols = tuple(r["columns"])
                if r["indisprimary"]:
                    key = cols
                elif r["constraint_index"]:
                    unique.add(cols)
                else:
                    indexes[r["name"]] = (cols, r["indisunique"], r["partial"])
            shape[table] = {"columns": columns, "key": key, "unique": unique, "indexes": indexes}
        return shape
    finally:
        await conn.close()


async def test_the_postgresql_schema_equals_sqlites(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    """Same tables, columns (in order), primary keys, unique constraints and indexes."""
    sqlite_db = await Database.open(tmp_path / "plc.sqlite3")
    await sqlite_db.close()
    url = await postgres_server.fresh(migrated=False)
    served = await PostgresDatabase.open(url)
    await served.close()
    expected, found = sqlite_shape(tmp_path / "plc.sqlite3"), await postgres_shape(url)
    assert sorted(found) == sorted(expected)
    for table in expected:
        assert found[table] == expected[table], table


def test_postgresql_migrations_reach_sqlites_latest() -> None:
    """A new SQLite migration needs its PostgreSQL counterpart."""
    sqlite = available_migrations()
    postgres = available_migrations(migrations_directory() / MIGRATIONS_FOLDER)
    assert postgres[-1][0] == sqlite[-1][0]


async def test_the_version_is_recorded_and_nothing_is_applied_twice(
    postgres_server: PostgresServer,
) -> None:
    url = await postgres_server.fresh(migrated=False)
    first = await PostgresDatabase.open(url, migrate=False)
    try:
        assert await first.schema_version() == 0
        assert await first.migrate() == [
            "0011_schema.sql",
            "0012_timer_leases.sql",
            "0013_member_language.sql",
            "0014_answers_goal_index_partial.sql",
            "0015_progress_week_order.sql",
            "0016_assignments_held.sql",
        ]
        assert await first.schema_version() == 16
        assert await first.migrate() == []
    finally:
        await first.close()
    # A database newer than this plc-bot is refused, as on SQLite.
    conn = await asyncpg.connect(url.dsn)
    await conn.execute("UPDATE plc_bot_schema SET version = 99")
    await conn.close()
    with pytest.raises(DatabaseError, match="at schema 99, newer than this plc-bot"):
        await PostgresDatabase.open(url)


def test_plc_bot_migrate_applies_the_postgresql_schema(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    url = asyncio.run(postgres_server.fresh(migrated=False))
    path = config_file(tmp_path, f'[database]\nurl = "{url.dsn}"\n')
    assert main(["--config", str(path), "migrate"]) == 0
    applied = (
        "applied 6 migration(s): 0011_schema.sql, 0012_timer_leases.sql, "
        "0013_member_language.sql, 0014_answers_goal_index_partial.sql, "
        "0015_progress_week_order.sql, 0016_assignments_held.sql"
    )
    assert applied in capsys.readouterr().out
    assert main(["--config", str(path), "migrate"]) == 0
    assert "database is up to date" in capsys.readouterr().out


async def test_a_role_that_may_not_create_tables_is_told_in_one_line(
    postgres_server: PostgresServer,
) -> None:
    url = await postgres_server.fresh(migrated=False)
    owner = await asyncpg.connect(url.dsn)
    await owner.execute("CREATE ROLE reader LOGIN")
    await owner.close()
    reader = DatabaseUrl("postgresql", dsn=(url.dsn or "").replace("user=postgres", "user=reader"))
    with pytest.raises(DatabaseError, match="permission denied for schema public"):
        await PostgresDatabase.open(reader)
