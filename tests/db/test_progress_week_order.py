"""Migration 0015: the numbers already reported take their week's order (the answer's
check-in and when it opened), on both engines, so the latest number of every goal is
the same before and after the upgrade."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from bot.db import Database
from bot.db import communities as communities_db
from bot.db.database import available_migrations, migrations_directory
from bot.db.postgres import MIGRATIONS_FOLDER, PostgresDatabase
from tests.db.test_database import NOW, SETTINGS, migrations_up_to
from tests.postgres_server import PostgresServer

# Two weeks whose ids run against time; goal 7 reported in both, by two answers.
ROWS = (
    """INSERT INTO goals (id, guild_id, scope, owner_id, title, measure, baseline, target,
        due_on, created_at) VALUES (7, 1, 'member', 5, 'Reading', 'n', 0, 10, '2027-01-01',
        'now')""",
    """INSERT INTO checkins (id, guild_id, week, pulse, channel_id, opened_at, closes_at)
        VALUES (3, 1, '2026-W48', 0, 9, '2026-11-23T14:00:00+00:00', 'b'),
        (2, 1, '2026-W49', 0, 9, '2026-11-30T14:00:00+00:00', 'b')""",
    """INSERT INTO checkin_answers (id, guild_id, checkin_id, user_id, texts, created_at,
        updated_at) VALUES (1, 1, 3, 5, '[]', 'now', 'now'), (2, 1, 2, 5, '[]', 'now', 'now')""",
    "INSERT INTO checkin_progress (answer_id, goal_id, value) VALUES (1, 7, 4.5), (2, 7, 6.0)",
)
MOVED = [
    (1, 7, 4.5, 3, "2026-11-23T14:00:00+00:00"),
    (2, 7, 6.0, 2, "2026-11-30T14:00:00+00:00"),
]
READ = "SELECT answer_id, goal_id, value, checkin_id, opened_at FROM checkin_progress"


async def test_sqlite_numbers_take_their_weeks_order(db_path: Path, tmp_path: Path) -> None:
    db = await Database.open(db_path, migrate=False)
    await db.migrate(migrations_up_to(tmp_path, 14))
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        for row in ROWS:
            await conn.execute(row)
    assert await db.migrate() == ["0015_progress_week_order.sql"]
    async with db.read() as conn:
        moved = await (await conn.execute(f"{READ} ORDER BY answer_id")).fetchall()
    await db.close()
    assert [tuple(row) for row in moved] == MOVED


async def test_postgresql_numbers_take_their_weeks_order(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    folder = tmp_path / "postgresql-14"
    folder.mkdir()
    for number, file in available_migrations(migrations_directory() / MIGRATIONS_FOLDER):
        if number <= 14:
            (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    url = await postgres_server.fresh(migrated=False)
    db = await PostgresDatabase.open(url, migrate=False)
    try:
        await db.migrate(folder)
        async with db.transaction() as conn:
            await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        raw = await asyncpg.connect(url.dsn)
        try:
            for row in ROWS:
                await raw.execute(row)
        finally:
            await raw.close()
        assert await db.migrate() == ["0015_progress_week_order.sql"]
        async with db.read() as conn:
            moved = await (await conn.execute(f"{READ} ORDER BY answer_id")).fetchall()
    finally:
        await db.close()
    assert [tuple(row) for row in moved] == MOVED
