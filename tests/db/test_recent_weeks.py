"""``/checkin me``'s one read: the goal numbers of the weeks it shows, not of every week.

SQLite computes a result column for every row before it sorts and keeps the first 12, so
with the numbers read in the sorted query a year of weeks read a year of numbers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import Database
from bot.db import checkins as checkins_db
from bot.db import communities as communities_db
from bot.db.checkins import streaks as streaks_db
from bot.db.codec import instant_to_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from bot.db.loop_reads import Readers

pytestmark = pytest.mark.sqlite_only  # counts SQLite's own steps

NOW = datetime(2026, 12, 1, 17, tzinfo=UTC)
GUILD, USER, WEEKS, SHOWN = 7, 5, 30, 12


async def a_year_of_answers(conn: Connection) -> None:
    """``WEEKS`` closed weeks, each answered with a number for one goal, newest last."""
    await communities_db.upsert(
        conn, GUILD, CommunitySettings(timezone="UTC", language="en"), [60], NOW
    )
    start = NOW - timedelta(weeks=WEEKS + 1)
    await conn.execute(
        "INSERT INTO members (guild_id, user_id, created_at) VALUES (?, ?, ?)",
        (GUILD, USER, instant_to_db(start)),
    )
    await conn.execute(
        "INSERT INTO goals (id, guild_id, scope, owner_id, title, measure, baseline, target,"
        " due_on, created_at) VALUES (1, ?, 'member', ?, 'g', 'm', 0, 10, '2027-01-01', ?)",
        (GUILD, USER, instant_to_db(start)),
    )
    for n in range(1, WEEKS + 1):
        opened = start + timedelta(weeks=n)
        await conn.execute(
            "INSERT INTO checkins (id, guild_id, week, pulse, channel_id, opened_at, closes_at,"
            " status, closed_at) VALUES (?, ?, ?, 0, 1, ?, ?, 'closed', ?)",
            (
                n,
                GUILD,
                f"w{n:02d}",
                *(instant_to_db(opened + timedelta(days=d)) for d in (0, 2, 2)),
            ),
        )
        await conn.execute(
            "INSERT INTO checkin_answers (id, guild_id, checkin_id, user_id, texts, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, '[]', ?, ?)",
            (n, GUILD, n, USER, instant_to_db(opened), instant_to_db(opened)),
        )
        await checkins_db.set_goal_numbers(conn, n, {1: n})


def steps_of_recent_weeks(db: Database) -> tuple[int, list[streaks_db.RecentWeek]]:
    """SQLite's steps (its virtual machine's instructions) for the read, and its rows."""
    readers = Readers(db.path)
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    try:
        with readers.snapshot() as conn:
            raw = conn._raw  # type: ignore[attr-defined]
            raw.set_progress_handler(count, 1)
            coroutine = streaks_db.recent_weeks(conn, GUILD, USER, NOW, SHOWN)
            try:
                coroutine.send(None)
            except StopIteration as done:
                weeks: list[streaks_db.RecentWeek] = done.value
            raw.set_progress_handler(None, 0)
    finally:
        readers.close()
    return steps, weeks


async def test_the_numbers_of_weeks_not_shown_are_not_read(db: Database) -> None:
    async with db.transaction() as conn:
        await a_year_of_answers(conn)
    steps, weeks = steps_of_recent_weeks(db)
    assert [w.week for w in weeks] == [f"w{n:02d}" for n in range(WEEKS, WEEKS - SHOWN, -1)]
    assert [w.goal_numbers for w in weeks] == [((1, float(w.id)),) for w in weeks]
    async with db.transaction() as conn:  # the numbers of the weeks not shown removed
        await conn.execute("DELETE FROM checkin_progress WHERE answer_id <= ?", (WEEKS - SHOWN,))
    fewer_numbers, same = steps_of_recent_weeks(db)
    assert same == weeks
    assert fewer_numbers == steps  # they were never read


def recent_weeks_plan(db: Database) -> list[str]:
    explain = sqlite3.connect(db.path)
    try:
        params = {"guild": GUILD, "user": USER, "now": instant_to_db(NOW), "limit": SHOWN}
        return [
            row[3] for row in explain.execute(f"EXPLAIN QUERY PLAN {streaks_db._RECENT}", params)
        ]
    finally:
        explain.close()


async def test_the_weeks_come_newest_first_from_the_index(db: Database) -> None:
    """The community's weeks are walked newest first through its (guild, week) index and
    the read stops at the weeks shown: only the shown weeks' rows (with their numbers) are
    sorted, never a year of weeks to keep a dozen."""
    async with db.transaction() as conn:
        await a_year_of_answers(conn)
    plan = recent_weeks_plan(db)
    assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1, plan  # the numbers' order only
    assert "SEARCH c USING INDEX sqlite_autoindex_checkins_1 (guild_id=?)" in plan
    _, weeks = steps_of_recent_weeks(db)
    assert [w.week for w in weeks] == [f"w{n:02d}" for n in range(WEEKS, WEEKS - SHOWN, -1)]
