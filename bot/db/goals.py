"""Goals of members and of the community, and the values reported against them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, NamedTuple

from bot.db.codec import (
    Table,
    fetch_all,
    fetch_in,
    fetch_rows,
    insert_returning_id,
    instant_to_db,
    placeholders,
)
from bot.db.connection import Connection
from bot.frozen import Frozen

GoalScope = Literal["member", "community"]
GoalStatus = Literal["open", "closed"]


class Goal(Frozen):
    id: int
    guild_id: int
    scope: GoalScope
    owner_id: int | None
    title: str
    measure: str
    baseline: float
    target: float
    due_on: date
    status: GoalStatus
    created_at: datetime
    closed_at: datetime | None


class GoalValue(Frozen):
    """One reported value: a check-in answer's number for this goal."""

    goal_id: int
    checkin_id: int
    week: str
    opened_at: datetime
    value: float


_GOALS = Table("goals", Goal)


async def insert(
    conn: Connection,
    guild_id: int,
    *,
    scope: GoalScope,
    owner_id: int | None,
    title: str,
    measure: str,
    baseline: float,
    target: float,
    due_on: date,
    now: datetime,
) -> Goal:
    goal_id = await insert_returning_id(
        conn,
        """
        INSERT INTO goals (guild_id, scope, owner_id, title, measure, baseline, target, due_on,
            created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            guild_id,
            scope,
            owner_id,
            title,
            measure,
            baseline,
            target,
            due_on.isoformat(),
            instant_to_db(now),
        ),
    )
    return await _GOALS.get(conn, goal_id)


async def get(conn: Connection, guild_id: int, goal_id: int) -> Goal | None:
    return await _GOALS.one(conn, "guild_id = ? AND id = ?", guild_id, goal_id)


async def get_many(conn: Connection, guild_id: int, goal_ids: list[int]) -> list[Goal]:
    """These goals of the community (in no particular order; unknown ids are left out)."""
    if not goal_ids:
        return []
    marks = placeholders(goal_ids)
    return await _GOALS.all(conn, f"guild_id = ? AND id IN ({marks})", guild_id, *goal_ids)


async def of_member(
    conn: Connection, guild_id: int, owner_id: int, *, open_only: bool = False
) -> list[Goal]:
    """A member's goals, newest first."""
    return await _GOALS.all(
        conn,
        """
        guild_id = ? AND owner_id = ?
            AND (? = 0 OR status = 'open')
        ORDER BY created_at DESC, id DESC
        """,
        guild_id,
        owner_id,
        int(open_only),
    )


async def of_community(conn: Connection, guild_id: int, *, open_only: bool = False) -> list[Goal]:
    return await _GOALS.all(
        conn,
        """
        guild_id = ? AND scope = 'community'
            AND (? = 0 OR status = 'open')
        ORDER BY created_at DESC, id DESC
        """,
        guild_id,
        int(open_only),
    )


class ListedGoal(NamedTuple):
    """A goal as ``/goal list`` shows it: only shown, so a plain tuple, a fraction of the
    cost of a validated :class:`Goal`."""

    id: int
    scope: GoalScope
    owner_id: int | None
    title: str
    measure: str
    baseline: float
    target: float
    due_on: date
    status: GoalStatus


# Each goal's latest number (the newest week's; two answers of one week to a community
# goal: the later answer's) in the same statement: the last entry of the goal's index,
# which holds the number (a number carries its week's order, migration 0015). The
# community's goals are those without an owner (the table checks it), so both lists
# are sought in the owner index, not every goal of the community read.
_LISTED = """
    SELECT g.id, g.scope, g.owner_id, g.title, g.measure, g.baseline, g.target, g.due_on,
        g.status,
        (SELECT p.value FROM checkin_progress p WHERE p.goal_id = g.id
            ORDER BY p.opened_at DESC, p.checkin_id DESC, p.answer_id DESC LIMIT 1) AS latest
    FROM goals g
    WHERE g.id IN (
        SELECT id FROM goals WHERE guild_id = ? AND owner_id = ?
        UNION ALL
        SELECT id FROM goals WHERE guild_id = ? AND owner_id IS NULL AND status = 'open')
    ORDER BY g.created_at DESC, g.id DESC
"""


ListedWithLatest = tuple[ListedGoal, float | None]


async def listed(
    conn: Connection, guild_id: int, owner_id: int
) -> tuple[list[ListedWithLatest], list[ListedWithLatest]]:
    """``/goal list`` in one statement: a member's goals and the community's open ones,
    each newest first, each with the latest value reported for it (None: none yet)."""
    mine: list[ListedWithLatest] = []
    shared: list[ListedWithLatest] = []
    for row in await fetch_rows(conn, _LISTED, (guild_id, owner_id, guild_id)):
        goal = ListedGoal(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            float(row[5]),
            float(row[6]),
            date.fromisoformat(row[7]),
            row[8],
        )
        (mine if goal.scope == "member" else shared).append(
            (goal, None if row[9] is None else float(row[9]))
        )
    return mine, shared


async def open_member_goals(conn: Connection, guild_id: int) -> list[Goal]:
    """Every member's open goals (for the digest), oldest first."""
    return await _GOALS.all(
        conn,
        """
        guild_id = ? AND scope = 'member' AND status = 'open'
        ORDER BY created_at, id
        """,
        guild_id,
    )


async def close(conn: Connection, guild_id: int, goal_id: int, now: datetime) -> bool:
    """Close an open goal; False if it was already closed (a double click)."""
    cursor = await conn.execute(
        """
        UPDATE goals SET status = 'closed', closed_at = ?
        WHERE guild_id = ? AND id = ? AND status = 'open'
        """,
        (instant_to_db(now), guild_id, goal_id),
    )
    return cursor.rowcount > 0


async def values(conn: Connection, goal_id: int) -> list[GoalValue]:
    """The numbers reported for a goal in check-in answers, in week order."""
    return await fetch_all(
        conn,
        GoalValue,
        """
        SELECT p.goal_id, p.checkin_id, c.week, p.opened_at, p.value
        FROM checkin_progress p JOIN checkins c ON c.id = p.checkin_id
        WHERE p.goal_id = ?
        ORDER BY p.opened_at, p.checkin_id, p.answer_id
        """,
        (goal_id,),
    )


async def latest_values(conn: Connection, goal_ids: list[int]) -> dict[int, float]:
    """The most recent reported value of each goal that has one."""
    sql = """
        SELECT p.goal_id, p.value FROM checkin_progress p
        WHERE p.goal_id IN ({values})
        ORDER BY p.opened_at, p.checkin_id, p.answer_id
    """
    rows = await fetch_in(conn, sql, goal_ids)
    return {goal_id: value for goal_id, value in rows}  # oldest first: the latest value wins


async def delete_of_member(conn: Connection, guild_id: int, owner_id: int) -> None:
    await conn.execute(
        "DELETE FROM goals WHERE guild_id = ? AND owner_id = ?", (guild_id, owner_id)
    )
