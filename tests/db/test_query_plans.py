"""The queries that run on every change or every command read by index, never by scan.

A year of a thousand communities leaves millions of finished timers; the scheduler's
"what is next" ran in 84 ms at a hundred communities when SQLite read them all
(found by ``python -m benchmarks``). SQLite chooses plans from the schema and the
query, not from the row count (no ANALYZE), so a small file shows the plans a big one
gets. Each statement the repository functions run is captured and explained.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.db import Database
from bot.db import checkins as checkins_db
from bot.db import communities as communities_db
from bot.db import goals as goals_db
from bot.db import meetings as meetings_db
from bot.db import timers as timers_db
from bot.db.checkins import Checkin
from bot.db.checkins import streaks as streaks_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from bot.db.facilitation import rotation as rotation_db
from bot.db.facilitation import rotation_shown

NOW = datetime(2026, 1, 12, 17, tzinfo=UTC)
GUILD = 7
KINDS = ("meeting_reminder", "checkin_open", "session_post")


# SQLite's query plans (EXPLAIN QUERY PLAN).
pytestmark = pytest.mark.sqlite_only


async def plans_of(
    path: Path, run: Callable[[Connection], Awaitable[object]]
) -> dict[str, list[str]]:
    """Each statement ``run`` executes, with its query plan."""
    statements: list[str] = []
    async with aiosqlite.connect(path) as conn:
        conn.row_factory = aiosqlite.Row
        await conn.set_trace_callback(statements.append)
        await run(conn)
        await conn.set_trace_callback(None)
        await conn.rollback()
    explain = sqlite3.connect(path)
    try:
        return {
            sql: [row[3] for row in explain.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in statements
            if sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH", "INSERT"))
        }
    finally:
        explain.close()


async def filled(db: Database) -> None:
    async with db.transaction() as conn:
        await communities_db.upsert(
            conn, GUILD, CommunitySettings(timezone="America/Toronto", language="en"), [60], NOW
        )
        for n in range(20):
            for kind in KINDS:
                due = NOW + timedelta(hours=n - 10)
                await timers_db.upsert_pending(conn, GUILD, kind, f"k:{n}", due, {}, NOW)
                if n < 10:
                    timer = await timers_db.find(conn, kind, f"k:{n}")
                    assert timer is not None
                    await timers_db.finish(conn, timer.id, "done", NOW)


def reads_only_pending(plan: list[str]) -> bool:
    return any("timers_pending_wake" in step for step in plan) and not any(
        "sqlite_autoindex_timers_1" in step or step == "SCAN timers" for step in plan
    )


def scans_no_table(plan: list[str]) -> bool:
    return not any(step.startswith("SCAN") for step in plan)


async def scheduler_queries(conn: Connection) -> None:
    await timers_db.next_wake(conn, KINDS)
    await timers_db.due(conn, NOW, KINDS)
    await timers_db.pending_kinds(conn)


async def community_queries(conn: Connection) -> None:
    await timers_db.count_pending(conn, GUILD)
    await timers_db.recent_missed(conn, GUILD, NOW - timedelta(days=7), "missed")
    await meetings_db.scheduled_occurrences(conn, GUILD)


@pytest.mark.parametrize(
    ("queries", "planned_well"),
    [
        pytest.param(scheduler_queries, reads_only_pending, id="scheduler-by-pending-index"),
        pytest.param(community_queries, scans_no_table, id="community-by-guild"),
    ],
)
async def test_timers_and_meetings_are_read_through_their_index(
    db: Database,
    db_path: Path,
    queries: Callable[[Connection], Awaitable[None]],
    planned_well: Callable[[list[str]], bool],
) -> None:
    """The scheduler reads pending timers by the pending index, never the whole table; a
    community's timers and meetings are read by guild."""
    await filled(db)
    plans = await plans_of(db_path, queries)
    assert len(plans) == 3
    for sql, plan in plans.items():
        assert planned_well(plan), (sql, plan)


async def test_the_scheduler_still_finds_what_is_due_and_next(db: Database) -> None:
    await filled(db)
    async with db.read() as conn:
        due = await timers_db.due(conn, NOW, ["meeting_reminder"])
        wake = await timers_db.next_wake(conn, ["checkin_open"])
        kinds = await timers_db.pending_kinds(conn)
    assert [t.key for t in due] == ["k:10"]  # k:0…k:9 are done; k:10 is due at NOW
    assert wake == NOW
    assert sorted(kinds) == sorted(KINDS)


async def test_cancelling_by_prefix_seeks_the_key_range(db: Database, db_path: Path) -> None:
    await filled(db)

    async def cancel(conn: Connection) -> None:
        await timers_db.cancel_prefix(conn, "session_post", "k:1", NOW)

    [(sql, plan)] = (await plans_of(db_path, cancel)).items()
    assert any("key>? AND key<?" in step for step in plan), (sql, plan)
    async with db.transaction() as conn:
        cancelled = await timers_db.cancel_prefix(conn, "session_post", "k:1", NOW)
    assert cancelled == 10  # k:10…k:19 were pending; k:1 was done


TABLES = ("checkins", "checkin_answers", "checkin_away", "checkin_streaks", "members")
ALIASES = ("c", "a", "w", "s", "m")


def reads_tables_by_index(plan: list[str]) -> bool:
    """No step scans one of the check-in tables (scans of the query's own small
    intermediate results, its CTEs, are fine)."""
    return not any(
        step.split()[:2] in (["SCAN", name] for name in (*TABLES, *ALIASES)) for step in plan
    )


async def test_check_in_counters_are_read_and_kept_by_community_and_member(
    db: Database, db_path: Path
) -> None:
    """``/checkin me`` and the close read one community's weeks and one member's rows, never
    every community's (their whole history is what the counters replace)."""
    week = Checkin(
        id=1,
        guild_id=GUILD,
        schedule_id=None,
        week="2026-W03",
        questions=None,
        pulse=False,
        channel_id=1,
        message_id=None,
        thread_id=None,
        opened_at=NOW,
        closes_at=NOW + timedelta(days=2),
        status="closed",
        closed_at=NOW + timedelta(days=2),
    )

    async def counters(conn: Connection) -> None:
        await streaks_db.recent_weeks(conn, GUILD, 5, NOW, 12)
        await streaks_db.week_closed(conn, week)
        await streaks_db.recompute(conn, [GUILD])

    plans = await plans_of(db_path, counters)
    assert len(plans) == 6  # the recent weeks, the close's three, the recomputation's two
    for sql, plan in plans.items():
        assert reads_tables_by_index(plan), (sql, plan)


JOINED = (
    "rotation_volunteers",
    "facilitator_assignments",
    "goals",
    "checkin_schedules",
    "checkin_progress",
)


async def joined_reads(conn: Connection) -> None:
    await rotation_db.line_with_members(conn, GUILD)
    await rotation_shown.line_shown(conn, GUILD)
    await rotation_db.assignments_of(conn, [1, 2])
    await rotation_shown.holders_of(conn, [1, 2])
    await goals_db.listed(conn, GUILD, 5)
    await checkins_db.outlook(conn, GUILD, "2026-W03")


async def test_reads_that_bring_several_tables_seek_each_one(db: Database, db_path: Path) -> None:
    """A command's read that brings several tables in one statement (the rotation's line
    with its members, the dates' assignments, both lists of goals, the open check-in with
    the schedule and the weeks taken) seeks each table by its key, never scans it."""
    await filled(db)
    plans = await plans_of(db_path, joined_reads)
    assert len(plans) == 6
    names = (*TABLES, *ALIASES, *JOINED, "v", "p")
    for sql, plan in plans.items():
        assert not any(step.split()[:2] in (["SCAN", name] for name in names) for step in plan), (
            sql,
            plan,
        )


async def test_deleting_a_goal_finds_the_answers_naming_it_by_an_index_no_answer_fills(
    db: Database, db_path: Path
) -> None:
    """Answers no longer name a goal (their numbers are in ``checkin_progress``): the goal
    index holds only those that do, so a new answer writes no entry in it, and a goal's
    deletion (its foreign key sets the answers' goal to NULL, with this statement) still
    seeks them instead of reading every answer."""
    conn = sqlite3.connect(db_path)
    try:
        partial = {
            name: bool(p) for _, name, _, _, p in conn.execute("PRAGMA index_list(checkin_answers)")
        }
        plan = [
            row[3]
            for row in conn.execute(
                "EXPLAIN QUERY PLAN UPDATE checkin_answers SET goal_id = NULL WHERE goal_id = ?",
                (1,),
            )
        ]
    finally:
        conn.close()
    assert partial["checkin_answers_goal"]
    assert any("USING INDEX checkin_answers_goal" in step for step in plan), plan
