"""A member's check-in counters over the closed weeks (``checkin_streaks``), and the
member's recent weeks, read in one go for ``/checkin me``.

The counters are kept when a week closes (folded in, or the community's recomputed when
an older week closes after a newer one), recomputed for the communities whose old weeks
the retention purge removed, and dropped with a member's data. A week still open is
never in them: it is read as it is, with the recent weeks.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from bot.db.checkins.models import Checkin
from bot.db.codec import (
    exists,
    fetch_one,
    fetch_rows,
    instant_from_db,
    instant_to_db,
    placeholders,
)
from bot.db.connection import Connection, Row
from bot.frozen import Frozen


class Standing(Frozen):
    """The counters over the closed weeks (no row: all 0)."""

    streak: int = 0
    """Answered weeks since the last missed one."""
    best_streak: int = 0
    answered: int = 0


class RecentWeek(NamedTuple):
    """One of the member's recent weeks, as ``/checkin me`` lists it, with the counters and
    how many weeks are open (the same on every row). Only shown, never changed: a plain
    tuple, which costs a fraction of a validated model."""

    id: int
    week: str
    opened_at: datetime
    closes_at: datetime
    status: str
    answer_id: int | None
    progress: float | None
    away: bool
    streak: int
    best_streak: int
    answered: int
    open_weeks: int
    """The community's open weeks that are the member's (listed or not)."""
    goal_numbers: tuple[tuple[int, float], ...] = ()
    """(goal id, number) the week's answer reported, read in the same statement."""

    @property
    def standing(self) -> Standing:
        return Standing(streak=self.streak, best_streak=self.best_streak, answered=self.answered)


# Which check-ins are a member's: answered, away, open now, or closing after they took part.
_THEIRS = """(a.id IS NOT NULL OR w.user_id IS NOT NULL OR c.closes_at > me.joined
    OR (c.status = 'open' AND c.closes_at > :now))"""

# Newest first by week: a community has one check-in a week and ISO week names sort as
# time does, so the (guild, week) unique index hands the weeks over in order and the read
# stops at the limit, instead of sorting a year of weeks to keep a dozen; the check-ins
# table leads the join (CROSS JOIN keeps SQLite from reordering it) so its index gives
# the order.
_RECENT = f"""
    WITH me AS (
        SELECT COALESCE(
            (SELECT created_at FROM members WHERE guild_id = :guild AND user_id = :user), :now
        ) AS joined
    ),
    live AS (
        SELECT COUNT(*) AS open_weeks FROM me, checkins c
            LEFT JOIN checkin_answers a ON a.checkin_id = c.id AND a.user_id = :user
            LEFT JOIN checkin_away w ON w.checkin_id = c.id AND w.user_id = :user
        WHERE c.guild_id = :guild AND c.status = 'open' AND {_THEIRS}
    ),
    recent AS (
        SELECT c.id, c.week, c.opened_at, c.closes_at, c.status, a.id AS answer_id,
            a.progress, CASE WHEN w.user_id IS NULL THEN 0 ELSE 1 END AS away,
            COALESCE(s.streak, 0) AS streak, COALESCE(s.best_streak, 0) AS best_streak,
            COALESCE(s.answered, 0) AS answered, live.open_weeks
        FROM checkins c CROSS JOIN me CROSS JOIN live
            LEFT JOIN checkin_answers a ON a.checkin_id = c.id AND a.user_id = :user
            LEFT JOIN checkin_away w ON w.checkin_id = c.id AND w.user_id = :user
            LEFT JOIN checkin_streaks s ON s.guild_id = :guild AND s.user_id = :user
        WHERE c.guild_id = :guild AND {_THEIRS}
        ORDER BY c.week DESC
        LIMIT :limit
    )
    SELECT recent.*, p.goal_id, p.value FROM recent
        LEFT JOIN checkin_progress p ON p.answer_id = recent.answer_id
    ORDER BY recent.week DESC, p.goal_id
"""  # noqa: S608 - fixed SQL


async def recent_weeks(
    conn: Connection, guild_id: int, user_id: int, now: datetime, limit: int
) -> list[RecentWeek]:
    """The member's newest ``limit`` weeks, newest first, each with the counters."""
    params = {"guild": guild_id, "user": user_id, "now": instant_to_db(now), "limit": limit}
    # One row per goal number the week's answer reported (a week without any: one row),
    # folded here: no JSON aggregate is written the same on both engines. Columns by
    # position, in _RECENT's order: the week's twelve, then the goal and its number.
    weeks: dict[int, Row] = {}
    numbers: dict[int, list[tuple[int, float]]] = {}
    for row in await fetch_rows(conn, _RECENT, params):
        week_id = row[0]
        weeks.setdefault(week_id, row)
        if row[12] is not None:
            numbers.setdefault(week_id, []).append((row[12], float(row[13])))
    return [
        RecentWeek(
            row[0],
            row[1],
            instant_from_db(row[2]),
            instant_from_db(row[3]),
            row[4],
            row[5],
            None if row[6] is None else float(row[6]),
            bool(row[7]),
            row[8],
            row[9],
            row[10],
            row[11],
            tuple(numbers.get(week_id, ())),
        )
        for week_id, row in weeks.items()
    ]


async def standing(conn: Connection, guild_id: int, user_id: int) -> Standing:
    found = await fetch_one(
        conn,
        Standing,
        "SELECT * FROM checkin_streaks WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return found or Standing()


# The counters from the whole history of some communities (the migration that created
# the table ran the same computation over every community). A run is the answered weeks
# after a miss; away weeks and weeks closed before the member took part are left out.
_RECOMPUTE = """
    INSERT INTO checkin_streaks (guild_id, user_id, streak, best_streak, answered)
    WITH weeks AS (
        SELECT m.guild_id, m.user_id, c.opened_at, c.id AS checkin_id,
            CASE
                WHEN a.id IS NOT NULL THEN 1
                WHEN w.user_id IS NOT NULL THEN NULL
                WHEN c.closes_at <= m.created_at THEN NULL
                ELSE 0
            END AS answered
        FROM members m
        JOIN checkins c ON c.guild_id = m.guild_id AND c.status = 'closed'
        LEFT JOIN checkin_answers a ON a.checkin_id = c.id AND a.user_id = m.user_id
        LEFT JOIN checkin_away w ON w.checkin_id = c.id AND w.user_id = m.user_id
        WHERE m.guild_id IN ({values})
    ),
    runs AS (
        SELECT guild_id, user_id, answered,
            SUM(1 - answered) OVER (
                PARTITION BY guild_id, user_id ORDER BY opened_at, checkin_id
            ) AS run
        FROM weeks WHERE answered IS NOT NULL
    ),
    lengths AS (
        SELECT guild_id, user_id, run, SUM(answered) AS length
        FROM runs GROUP BY guild_id, user_id, run
    )
    SELECT guild_id, user_id,
        (SELECT last.length FROM lengths last
            WHERE last.guild_id = l.guild_id AND last.user_id = l.user_id
            ORDER BY last.run DESC LIMIT 1),
        MAX(length), SUM(length)
    FROM lengths l GROUP BY guild_id, user_id HAVING SUM(length) > 0
"""


async def recompute(conn: Connection, guild_ids: Collection[int]) -> None:
    """The counters of these communities, from their whole history."""
    if not guild_ids:
        return
    ids = sorted(set(guild_ids))
    marks = placeholders(ids)
    await conn.execute(f"DELETE FROM checkin_streaks WHERE guild_id IN ({marks})", ids)  # noqa: S608
    await conn.execute(_RECOMPUTE.format(values=marks), ids)


async def week_closed(conn: Connection, checkin: Checkin) -> None:
    """Fold a week that just closed into its community's counters (after its away weeks
    were recorded): one more answered week for those who answered, a broken streak for
    those who missed it. A week that closes after a newer one (its close ran late)
    cannot be folded in at the end: the community's counters are recomputed."""
    newer = await exists(
        conn,
        """
        SELECT 1 FROM checkins WHERE guild_id = ? AND status = 'closed'
            AND (opened_at, id) > (?, ?) LIMIT 1
        """,
        (checkin.guild_id, instant_to_db(checkin.opened_at), checkin.id),
    )
    if newer:
        await recompute(conn, [checkin.guild_id])
        return
    await conn.execute(
        """
        INSERT INTO checkin_streaks (guild_id, user_id, streak, best_streak, answered)
        SELECT a.guild_id, a.user_id, 1, 1, 1 FROM checkin_answers a
            JOIN members m ON m.guild_id = a.guild_id AND m.user_id = a.user_id
            WHERE a.checkin_id = ?
        ON CONFLICT (guild_id, user_id) DO UPDATE SET
            streak = checkin_streaks.streak + 1,
            best_streak = CASE WHEN checkin_streaks.best_streak > checkin_streaks.streak
                THEN checkin_streaks.best_streak ELSE checkin_streaks.streak + 1 END,
            answered = checkin_streaks.answered + 1
        """,
        (checkin.id,),
    )
    await conn.execute(
        """
        UPDATE checkin_streaks SET streak = 0
        WHERE guild_id = :guild AND streak > 0
            AND NOT EXISTS (SELECT 1 FROM checkin_answers a
                WHERE a.checkin_id = :checkin AND a.user_id = checkin_streaks.user_id)
            AND NOT EXISTS (SELECT 1 FROM checkin_away w
                WHERE w.checkin_id = :checkin AND w.user_id = checkin_streaks.user_id)
            AND EXISTS (SELECT 1 FROM members m
                WHERE m.guild_id = :guild AND m.user_id = checkin_streaks.user_id
                    AND m.created_at < :closes_at)
        """,
        {
            "guild": checkin.guild_id,
            "checkin": checkin.id,
            "closes_at": instant_to_db(checkin.closes_at),
        },
    )


async def forget_member(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        "DELETE FROM checkin_streaks WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
