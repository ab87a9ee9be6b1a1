"""``/goal list``'s one read: the member's goals and the community's open ones, each with
its latest number, sought by index (the goals listed, not every goal of the community;
the newest answer from the progress index, not every number reported for the goal)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import checkins as checkins_db
from bot.db import goals as goals_db
from bot.db.codec import instant_to_db
from bot.db.communities import CommunitySettings, upsert
from bot.db.connection import Connection
from bot.db.engine import Engine
from tests.db.trips import traced

NOW = datetime(2026, 12, 1, 17, tzinfo=UTC)
GUILD, OTHER_GUILD, USER, OTHER = 7, 8, 5, 6

# (id, guild, owner (None: the community's), status); created in this order, a day apart.
GOALS = (
    (1, GUILD, USER, "open"),
    (2, GUILD, USER, "closed"),
    (3, GUILD, OTHER, "open"),
    (4, GUILD, None, "open"),
    (5, GUILD, None, "closed"),
    (6, OTHER_GUILD, USER, "open"),
    (7, OTHER_GUILD, None, "open"),
)


async def goals_with_numbers(conn: Connection) -> None:
    """The goals above; two weeks whose ids run against time (the newer week has the
    smaller id), the member's goal reported in both, the community's twice in the newer
    week (the later answer: another member's)."""
    for guild in (GUILD, OTHER_GUILD):
        await upsert(conn, guild, CommunitySettings(timezone="UTC", language="en"), [60], NOW)
    for n, (goal_id, guild, owner, status) in enumerate(GOALS):
        await conn.execute(
            "INSERT INTO goals (id, guild_id, scope, owner_id, title, measure, baseline,"
            " target, due_on, status, created_at) VALUES (?, ?, ?, ?, ?, 'm', 0, 100,"
            " '2027-01-01', ?, ?)",
            (
                goal_id,
                guild,
                "member" if owner else "community",
                owner,
                f"goal {goal_id}",
                status,
                instant_to_db(NOW + timedelta(days=n)),
            ),
        )
    for checkin_id, weeks_ago in ((1, 1), (2, 2)):
        opened = NOW - timedelta(weeks=weeks_ago)
        await conn.execute(
            "INSERT INTO checkins (id, guild_id, week, pulse, channel_id, opened_at, closes_at,"
            " status, closed_at) VALUES (?, ?, ?, 0, 1, ?, ?, 'closed', ?)",
            (
                checkin_id,
                GUILD,
                f"w{checkin_id}",
                *(instant_to_db(opened + timedelta(days=d)) for d in (0, 2, 2)),
            ),
        )
    # (answer, week, member, {goal: number})
    for answer_id, checkin_id, user_id, numbers in (
        (1, 1, USER, {1: 30.0, 4: 5.0}),
        (2, 2, USER, {1: 20.0}),
        (3, 1, OTHER, {4: 7.0}),
    ):
        await conn.execute(
            "INSERT INTO checkin_answers (id, guild_id, checkin_id, user_id, texts, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, '[]', ?, ?)",
            (answer_id, GUILD, checkin_id, user_id, instant_to_db(NOW), instant_to_db(NOW)),
        )
        await checkins_db.set_goal_numbers(conn, answer_id, numbers)


async def test_the_list_holds_the_members_goals_and_the_communitys_open_ones(
    db: Engine,
) -> None:
    async with db.transaction() as conn:
        await goals_with_numbers(conn)
    async with db.read() as conn:
        mine, shared = await goals_db.listed(conn, GUILD, USER)
    # Newest first; the newest week's number, whatever the ids' order; of two answers of
    # one week, the later one's.
    assert [(goal.id, latest) for goal, latest in mine] == [(2, None), (1, 30.0)]
    assert [(goal.id, latest) for goal, latest in shared] == [(4, 7.0)]
    assert mine[1][0].status == "open" and mine[0][0].status == "closed"


@pytest.mark.sqlite_only  # SQLite's query plan
async def test_the_list_seeks_the_goals_it_shows_and_one_number_each(
    db: Engine, db_path: Path
) -> None:
    """Before: every goal of the community was read to find the member's and the open
    community ones, and every number reported for a goal was read to sort them."""
    async with db.transaction() as conn:
        await goals_with_numbers(conn)
    async with traced(db) as statements, db.read() as conn:
        await goals_db.listed(conn, GUILD, USER)
    [sql] = statements
    explain = sqlite3.connect(db_path)
    try:
        plan = [row[3] for row in explain.execute(f"EXPLAIN QUERY PLAN {sql}")]
    finally:
        explain.close()
    goal_steps = [step for step in plan if "goals_owner" in step]
    assert goal_steps and all("owner_id=?" in step for step in goal_steps), plan
    progress_steps = [step for step in plan if "checkin_progress_goal" in step]
    assert progress_steps and all("COVERING INDEX" in step for step in progress_steps), plan
    # The latest number is the index's last entry: no answer and no check-in is read to
    # sort the goal's numbers by week (before: each of them, then sorted).
    assert not any(" a " in f"{step} " or " c " in f"{step} " for step in plan), plan
    assert sum("TEMP B-TREE" in step for step in plan) == 1, plan  # the goals' own order
