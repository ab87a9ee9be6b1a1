"""Migrations that give existing rows a kept value, on both engines, so what the bot
shows is the same before and after the upgrade:

- 0015: the numbers already reported take their week's order (the answer's check-in and
  when it opened), so the latest number of every goal is unchanged;
- 0016: the assignments of the dates already held are marked held, so each volunteer's
  facilitated count is unchanged.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from bot.db import Database
from bot.db import communities as communities_db
from bot.db.postgres import PostgresDatabase
from tests.db.test_database import NOW, SETTINGS, migrations_up_to
from tests.postgres_server import PostgresServer

# Two weeks whose ids run against time; goal 7 reported in both, by two answers.
PROGRESS_ROWS = (
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
PROGRESS_READ = (
    "SELECT answer_id, goal_id, value, checkin_id, opened_at FROM checkin_progress"
    " ORDER BY answer_id"
)
PROGRESS_MOVED = [
    (1, 7, 4.5, 3, "2026-11-23T14:00:00+00:00"),
    (2, 7, 6.0, 2, "2026-11-30T14:00:00+00:00"),
]

# Three dates of one meeting: held, cancelled, still to come; each given to a volunteer.
HELD_ROWS = (
    """INSERT INTO meetings (id, guild_id, title, duration_minutes, repeat, first_date,
        local_time, timezone, created_at, updated_at)
        VALUES (1, 1, 'CAP', 60, 'weekly', '2026-01-01', '15:30', 'UTC', 'a', 'a')""",
    """INSERT INTO meeting_occurrences (id, guild_id, meeting_id, local_date, starts_at,
        status, created_at) VALUES (1, 1, 1, '2026-01-01', 's1', 'done', 'made'),
        (2, 1, 1, '2026-01-08', 's2', 'cancelled', 'made'),
        (3, 1, 1, '2026-01-15', 's3', 'scheduled', 'made')""",
    """INSERT INTO facilitator_assignments (occurrence_id, guild_id, user_id, status, offers,
        assigned_at) VALUES (1, 1, 5, 'accepted', 1, 'then'), (2, 1, 5, 'accepted', 1, 'then'),
        (3, 1, 6, 'offered', 1, 'then')""",
)
HELD_READ = "SELECT occurrence_id, held FROM facilitator_assignments ORDER BY occurrence_id"
HELD_MARKED = [(1, 1), (2, 0), (3, 0)]

CASES = {
    15: (PROGRESS_ROWS, PROGRESS_READ, PROGRESS_MOVED),
    16: (HELD_ROWS, HELD_READ, HELD_MARKED),
}


@pytest.mark.parametrize("number", sorted(CASES))
async def test_sqlite_rows_there_get_their_kept_value(
    db_path: Path, tmp_path: Path, number: int
) -> None:
    rows, read, expected = CASES[number]
    db = await Database.open(db_path, migrate=False)
    await db.migrate(migrations_up_to(tmp_path, number - 1))
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        for row in rows:
            await conn.execute(row)
    [applied] = await db.migrate(migrations_up_to(tmp_path, number))
    async with db.read() as conn:
        found = await (await conn.execute(read)).fetchall()
    await db.close()
    assert applied.startswith(f"{number:04d}_")
    assert [tuple(row) for row in found] == expected


@pytest.mark.parametrize("number", sorted(CASES))
async def test_postgresql_rows_there_get_their_kept_value(
    tmp_path: Path, postgres_server: PostgresServer, number: int
) -> None:
    rows, read, expected = CASES[number]
    url = await postgres_server.fresh(migrated=False)
    db = await PostgresDatabase.open(url, migrate=False)
    try:
        await db.migrate(migrations_up_to(tmp_path, number - 1, "postgresql"))
        async with db.transaction() as conn:
            await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        raw = await asyncpg.connect(url.dsn)
        try:
            for row in rows:
                await raw.execute(row)
        finally:
            await raw.close()
        [applied] = await db.migrate(migrations_up_to(tmp_path, number, "postgresql"))
        async with db.read() as conn:
            found = await (await conn.execute(read)).fetchall()
    finally:
        await db.close()
    assert applied.startswith(f"{number:04d}_")
    assert [tuple(row) for row in found] == expected
