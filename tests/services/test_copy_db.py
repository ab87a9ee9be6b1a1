"""``plc-bot copy-db``: an SQLite database filled through the real services, copied into
an empty PostgreSQL database whole, every table then equal row by row."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.cli import main
from bot.db import Database
from bot.db.communities import CommunitySettings
from bot.db.copy import copy_into
from bot.db.postgres import PostgresDatabase
from bot.services.checkins import GoalService
from bot.services.community import CommunityService
from bot.services.questions import QuestionService
from tests.postgres_server import PostgresServer
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ADMIN, ALICE, BOB, CAROL, GUILD, ROOM

pytestmark = pytest.mark.sqlite_only  # the source is an SQLite file; the target a server


async def fill(world: World) -> None:
    """A meeting, the rotation, a live session with its turns, a question and a goal."""
    await world.schedule(when="2026-12-03 15:30", repeat="weekly")
    for who in (ALICE, BOB, CAROL):
        await world.rotation.join(member(who))
    started = await world.start_session("codev", client_id=BOB)
    await world.sessions.join(member(CAROL), started.session.id)
    await world.sessions.next_step(facilitator(ALICE), started.session.id, expected_step=-1)
    await world.sessions.next_step(facilitator(ALICE), started.session.id, expected_step=0)
    community = world.services.get(CommunityService)
    current = await community.get(GUILD)
    assert current is not None
    fields = CommunitySettings.model_fields
    settings = CommunitySettings(**{k: v for k, v in current.model_dump().items() if k in fields})
    await community.setup(GUILD, ADMIN, settings.model_copy(update={"questions_channel_id": ROOM}))
    questions = world.services.get(QuestionService)
    await questions.submissions.ask(member(CAROL), "How do we share rubrics?", None)
    goals = world.services.get(GoalService)
    await goals.create_goal(
        member(BOB),
        scope="mine",
        title="Reading fluency",
        measure="% at level 3",
        baseline="40,5",
        target="75",
        due="2027-06-15",
    )
    await world.advance(timedelta(days=3))


def sqlite_rows(path: Path, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        names = ", ".join(columns)
        return sorted(conn.execute(f"SELECT {names} FROM {table}").fetchall(), key=repr)


async def postgres_tables(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, with their columns in order (first row: the column names)."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'plc_bot_schema'"
        )
        found = {}
        for (table,) in tables:
            columns = [
                r[0]
                for r in await conn.fetch(
                    "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass "
                    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                    table,
                )
            ]
            rows = await conn.fetch(f"SELECT {', '.join(columns)} FROM {table}")
            found[table] = [tuple(columns), *sorted((tuple(r) for r in rows), key=repr)]
        return found
    finally:
        await conn.close()


async def test_copy_db_copies_every_row_and_refuses_a_filled_target(
    world: World,
    db_path: Path,
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await fill(world)
    target = await postgres_server.fresh(migrated=False)  # copy-db migrates it first
    argv = ["copy-db", "--from", f"sqlite:///{db_path}", "--to", target.dsn or ""]

    assert await asyncio.to_thread(main, argv) == 0
    assert "rows in" in capsys.readouterr().out

    copied = await postgres_tables(target.dsn or "")
    filled = [table for table, rows in copied.items() if len(rows) > 1]
    assert len(filled) >= 14, filled  # the services wrote to many tables
    assert {"questions", "goals", "sessions", "meetings", "rotation_volunteers"} <= set(filled)
    for table, (columns, *rows) in copied.items():
        assert rows == sqlite_rows(db_path, table, list(columns)), table

    # The ids go on after the copied ones.
    served = await PostgresDatabase.open(target)
    try:
        async with served.transaction() as conn:
            [row] = list(
                await conn.execute_fetchall(
                    "INSERT INTO audit_log (guild_id, action, at) "
                    "SELECT guild_id, 'copied', '2027-01-01T00:00:00.000000Z' FROM communities "
                    "RETURNING id"
                )
            )
        assert row[0] > max(r[0] for r in copied["audit_log"][1:])
    finally:
        await served.close()

    # A second copy into the now filled database is refused, and nothing is added.
    assert await asyncio.to_thread(main, argv) == 2
    assert "is not empty (rows in" in capsys.readouterr().err
    again = await postgres_tables(target.dsn or "")
    assert len(again["audit_log"]) == len(copied["audit_log"]) + 1


def test_copy_db_says_which_way_it_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["copy-db", "--from", "postgresql://h/a", "--to", f"sqlite:///{tmp_path}/b.sqlite3"]
    assert main(argv) == 2
    assert "copies an SQLite database" in capsys.readouterr().err
    assert main(["copy-db", "--from", "plc.sqlite3", "--to", "postgresql://h/a"]) == 2
    assert "copy-db: must be sqlite:///" in capsys.readouterr().err


async def test_a_copy_that_fails_midway_leaves_the_target_empty(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """One transaction: the communities are copied before the members, then a member's
    value PostgreSQL cannot take (SQLite kept text in an integer column) stops the copy."""
    source = tmp_path / "plc.sqlite3"
    await (await Database.open(source)).close()  # migrated, as a bot leaves it
    with sqlite3.connect(source) as conn:
        conn.execute(
            "INSERT INTO communities (guild_id, timezone, language, created_at, updated_at) "
            "VALUES (1, 'America/Toronto', 'fr', 'x', 'x')"
        )
        conn.execute(
            "INSERT INTO members (guild_id, user_id, created_at, dm_channel_id) "
            "VALUES (1, 2, 'x', 'not a number')"
        )
    target = await postgres_server.fresh()
    argv = ["copy-db", "--from", f"sqlite:///{source}", "--to", target.dsn or ""]
    assert await asyncio.to_thread(main, argv) == 2
    err = capsys.readouterr().err
    assert "copy-db stopped at table members" in err and "nothing was copied" in err
    tables = await postgres_tables(target.dsn or "")
    assert all(len(rows) == 1 for rows in tables.values())  # the column names only


async def test_a_large_table_is_copied_a_few_hundred_rows_per_statement(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    """One statement per row made a year of history take ~20 minutes; 1,200 audit rows
    go in three INSERTs, every row and value there."""
    source = tmp_path / "plc.sqlite3"
    await (await Database.open(source)).close()
    with sqlite3.connect(source) as conn:
        conn.execute(
            "INSERT INTO communities (guild_id, timezone, language, created_at, updated_at) "
            "VALUES (1, 'America/Toronto', 'fr', 'x', 'x')"
        )
        conn.executemany(
            "INSERT INTO audit_log (guild_id, action, at) VALUES (1, ?, 'x')",
            [(f"action {n}",) for n in range(1200)],
        )
    target = await postgres_server.fresh()
    sqlite = await Database.open(source, migrate=False)
    server = await PostgresDatabase.open(target)
    statements: list[str] = []
    try:
        await server.trace(statements.append)
        copied = await copy_into(sqlite, server, target)
    finally:
        await server.close()
        await sqlite.close()

    assert copied["audit_log"] == 1200
    assert len([s for s in statements if s.startswith("INSERT INTO audit_log")]) == 3
    tables = await postgres_tables(target.dsn or "")
    assert tables["audit_log"][1:] == sqlite_rows(source, "audit_log", list(tables["audit_log"][0]))
