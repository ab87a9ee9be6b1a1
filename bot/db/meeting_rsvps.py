"""Members' answers to a meeting date (SQL only; the rules live in the service)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from bot.db.codec import Table, fetch_in, instant_to_db, placeholders
from bot.db.connection import Connection
from bot.db.erasure import delete_rows
from bot.frozen import Frozen

Answer = Literal["going", "maybe", "cant"]
ANSWERS: tuple[Answer, ...] = get_args(Answer)


class RsvpCounts(Frozen):
    going: int = 0
    maybe: int = 0
    cant: int = 0


class Rsvp(Frozen):
    occurrence_id: int
    user_id: int
    answer: Answer
    answered_at: datetime


_MEETING_RSVPS = Table("meeting_rsvps", Rsvp)


async def get_rsvp(conn: Connection, occurrence_id: int, user_id: int) -> Rsvp | None:
    return await _MEETING_RSVPS.one(
        conn, "occurrence_id = ? AND user_id = ?", occurrence_id, user_id
    )


async def put_rsvp(
    conn: Connection,
    guild_id: int,
    occurrence_id: int,
    user_id: int,
    answer: Answer,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO meeting_rsvps (guild_id, occurrence_id, user_id, answer, answered_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (occurrence_id, user_id) DO UPDATE SET
            answer = excluded.answer, answered_at = excluded.answered_at
        """,
        (guild_id, occurrence_id, user_id, answer, instant_to_db(now)),
    )


async def delete_rsvp(conn: Connection, occurrence_id: int, user_id: int) -> None:
    await conn.execute(
        "DELETE FROM meeting_rsvps WHERE occurrence_id = ? AND user_id = ?",
        (occurrence_id, user_id),
    )


async def rsvp_counts(conn: Connection, occurrence_ids: list[int]) -> dict[int, RsvpCounts]:
    """Counts per occurrence (occurrences nobody answered get zeros)."""
    sql = """
        SELECT occurrence_id, answer, COUNT(*) FROM meeting_rsvps
        WHERE occurrence_id IN ({values}) GROUP BY occurrence_id, answer
    """
    tallies: dict[int, dict[str, int]] = {oid: {} for oid in occurrence_ids}
    for occurrence_id, answer, count in await fetch_in(conn, sql, occurrence_ids):
        tallies[occurrence_id][answer] = count
    return {oid: RsvpCounts(**tally) for oid, tally in tallies.items()}


async def rsvps_for(
    conn: Connection, occurrence_id: int, answers: tuple[Answer, ...] = ANSWERS
) -> list[Rsvp]:
    marks = placeholders(answers)
    return await _MEETING_RSVPS.all(
        conn,
        f"""
        occurrence_id = ? AND answer IN ({marks})
        ORDER BY answered_at, user_id
        """,
        occurrence_id,
        *answers,
    )


async def member_rsvps(conn: Connection, guild_id: int, user_id: int) -> list[Rsvp]:
    return await _MEETING_RSVPS.all(
        conn, "guild_id = ? AND user_id = ? ORDER BY answered_at", guild_id, user_id
    )


async def delete_member_rsvps(conn: Connection, guild_id: int, user_id: int) -> None:
    await delete_rows(conn, "meeting_rsvps", guild_id, user_id)
