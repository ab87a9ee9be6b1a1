"""The rotation's reads for what is only shown (``/rotation show``, ``/plc status``):
plain tuples of the columns shown, never validated models (SQL only)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from bot.db.codec import fetch_in, fetch_rows
from bot.db.connection import Connection
from bot.db.facilitation.rotation import LINE_ORDER, AssignmentStatus


class Holder(NamedTuple):
    """Who holds a date and how far its offer went: a row read only to be shown or
    counted, so a plain tuple (a validated model costs several times more)."""

    user_id: int | None
    status: AssignmentStatus


class ShownVolunteer(NamedTuple):
    """A volunteer as ``/rotation show`` lists them: what is shown and what makes them
    unavailable, read as a plain tuple (only shown, never written back)."""

    user_id: int
    times_assigned: int
    first_in_line: bool
    next_up: bool
    left: bool
    """They left the server."""
    away_until: date | None
    facilitated: int = 0
    """How many of the dates they were given took place."""


async def line_shown(conn: Connection, guild_id: int) -> list[ShownVolunteer]:
    """:func:`line` as shown, with each volunteer's departure and away date, in one read,
    and how many of their dates were held, counted in their own assignments' index (a
    date is marked held when its meeting took place, by
    :func:`~bot.db.facilitation.rotation.mark_held`)."""
    rows = await fetch_rows(
        conn,
        f"""
        SELECT v.user_id, v.times_assigned, v.first_in_line, v.next_up,
            m.left_at IS NOT NULL, m.away_until,
            (SELECT COUNT(*) FROM facilitator_assignments a
                WHERE a.guild_id = v.guild_id AND a.user_id = v.user_id AND a.held = 1)
        FROM rotation_volunteers v
            LEFT JOIN members m ON m.guild_id = v.guild_id AND m.user_id = v.user_id
        WHERE v.guild_id = ? AND v.active = 1 {LINE_ORDER}
        """,  # noqa: S608 - the order is a constant
        (guild_id,),
    )
    return [
        ShownVolunteer(
            row[0],
            row[1],
            bool(row[2]),
            bool(row[3]),
            bool(row[4]),
            date.fromisoformat(row[5]) if row[5] else None,
            row[6],
        )
        for row in rows
    ]


async def holders_of(conn: Connection, occurrence_ids: list[int]) -> dict[int, Holder]:
    """Who holds each of these dates, by date (dates never assigned are left out)."""
    sql = """
        SELECT occurrence_id, user_id, status FROM facilitator_assignments
        WHERE occurrence_id IN ({values})
    """
    return {row[0]: Holder(row[1], row[2]) for row in await fetch_in(conn, sql, occurrence_ids)}
