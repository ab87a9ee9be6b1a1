"""The rotation of facilitators: volunteers and one assignment per meeting date (SQL only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from bot.db.codec import (
    Table,
    aliased_columns,
    exists,
    fetch_column,
    fetch_in,
    fetch_rows,
    from_row,
    instant_to_db,
    placeholders,
    prefixed,
)
from bot.db.connection import Connection
from bot.db.erasure import delete_rows
from bot.db.members import Member
from bot.frozen import Frozen

AssignmentStatus = Literal["offered", "accepted", "declined", "unanswered", "none"]
ASSIGNMENT_STATUSES: tuple[AssignmentStatus, ...] = get_args(AssignmentStatus)


class Volunteer(Frozen):
    guild_id: int
    user_id: int
    position: int
    active: bool
    joined_at: datetime
    left_at: datetime | None
    times_assigned: int
    last_turn: int | None
    last_assigned_at: datetime | None
    first_in_line: bool
    next_up: bool


class Assignment(Frozen):
    """Who facilitates one meeting date, and how far the offer went."""

    occurrence_id: int
    guild_id: int
    user_id: int | None
    status: AssignmentStatus
    offers: int
    assigned_at: datetime
    answered_at: datetime | None


# The line: set-next first, then whoever declined last time, then the least recently
# assigned (never assigned first), then join order.
LINE_ORDER = """
    ORDER BY next_up DESC, first_in_line DESC,
             last_turn IS NOT NULL, last_turn, position
"""


# -- volunteers -------------------------------------------------------------------------


_ROTATION_VOLUNTEERS = Table("rotation_volunteers", Volunteer)


async def get_volunteer(conn: Connection, guild_id: int, user_id: int) -> Volunteer | None:
    return await _ROTATION_VOLUNTEERS.one(conn, "guild_id = ? AND user_id = ?", guild_id, user_id)


async def line(conn: Connection, guild_id: int) -> list[Volunteer]:
    """Active volunteers in the order they would be assigned."""
    return await _ROTATION_VOLUNTEERS.all(
        conn, f"guild_id = ? AND active = 1 {LINE_ORDER}", guild_id
    )


_MEMBER_COLUMNS = aliased_columns(Member, "m", "m__")


async def line_with_members(
    conn: Connection, guild_id: int
) -> tuple[list[Volunteer], dict[int, Member]]:
    """:func:`line` and the member rows of those volunteers that have one, in one read."""
    rows = await fetch_rows(
        conn,
        f"""
        SELECT v.*, {_MEMBER_COLUMNS} FROM rotation_volunteers v
            LEFT JOIN members m ON m.guild_id = v.guild_id AND m.user_id = v.user_id
        WHERE v.guild_id = ? AND v.active = 1 {LINE_ORDER}
        """,  # noqa: S608 - the columns are the model's field names
        (guild_id,),
    )
    volunteers = [from_row(Volunteer, row) for row in rows]
    members = [
        from_row(Member, prefixed(row, "m__")) for row in rows if row["m__user_id"] is not None
    ]
    return volunteers, {member.user_id: member for member in members}


async def has_volunteered(conn: Connection, guild_id: int) -> bool:
    """Whether the community uses the rotation (anyone ever joined, still in or not)."""
    return await exists(
        conn, "SELECT 1 FROM rotation_volunteers WHERE guild_id = ? LIMIT 1", (guild_id,)
    )


async def join(conn: Connection, guild_id: int, user_id: int, now: datetime) -> bool:
    """Add or re-activate a volunteer (at the end of the join order); False if already in."""
    existing = await get_volunteer(conn, guild_id, user_id)
    if existing is not None and existing.active:
        return False
    cursor = await conn.execute(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM rotation_volunteers WHERE guild_id = ?",
        (guild_id,),
    )
    row = await cursor.fetchone()
    position = int(row[0]) if row else 1
    await conn.execute(
        """
        INSERT INTO rotation_volunteers (guild_id, user_id, position, joined_at)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET
            active = 1, left_at = NULL, position = excluded.position,
            joined_at = excluded.joined_at, first_in_line = 0, next_up = 0
        """,
        (guild_id, user_id, position, instant_to_db(now)),
    )
    return True


async def leave(conn: Connection, guild_id: int, user_id: int, now: datetime) -> bool:
    cursor = await conn.execute(
        """
        UPDATE rotation_volunteers SET active = 0, left_at = ?, first_in_line = 0, next_up = 0
        WHERE guild_id = ? AND user_id = ? AND active = 1
        """,
        (instant_to_db(now), guild_id, user_id),
    )
    return cursor.rowcount > 0


async def _next_turn(conn: Connection, guild_id: int) -> int:
    cursor = await conn.execute(
        "SELECT COALESCE(MAX(last_turn), 0) + 1 FROM rotation_volunteers WHERE guild_id = ?",
        (guild_id,),
    )
    row = await cursor.fetchone()
    return int(row[0]) if row else 1


async def record_assigned(conn: Connection, guild_id: int, user_id: int, now: datetime) -> None:
    """The member took a turn: counted, to the back of the line, flags cleared."""
    turn = await _next_turn(conn, guild_id)
    await conn.execute(
        """
        UPDATE rotation_volunteers
        SET times_assigned = times_assigned + 1, last_turn = ?, last_assigned_at = ?,
            first_in_line = 0, next_up = 0
        WHERE guild_id = ? AND user_id = ?
        """,
        (turn, instant_to_db(now), guild_id, user_id),
    )


async def record_declined(conn: Connection, guild_id: int, user_id: int) -> None:
    """A turn given back: not counted, and first in line for the following date."""
    await conn.execute(
        """
        UPDATE rotation_volunteers
        SET times_assigned = CASE WHEN times_assigned > 0 THEN times_assigned - 1 ELSE 0 END,
            first_in_line = 1
        WHERE guild_id = ? AND user_id = ?
        """,
        (guild_id, user_id),
    )


async def skip(conn: Connection, guild_id: int, user_id: int) -> None:
    """Send a volunteer to the back of the line without counting a turn."""
    turn = await _next_turn(conn, guild_id)
    await conn.execute(
        """
        UPDATE rotation_volunteers SET last_turn = ?, first_in_line = 0, next_up = 0
        WHERE guild_id = ? AND user_id = ?
        """,
        (turn, guild_id, user_id),
    )


async def set_next_up(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        "UPDATE rotation_volunteers SET next_up = 0 WHERE guild_id = ? AND next_up = 1",
        (guild_id,),
    )
    await conn.execute(
        "UPDATE rotation_volunteers SET next_up = 1 WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )


async def delete_volunteer(conn: Connection, guild_id: int, user_id: int) -> None:
    await delete_rows(conn, "rotation_volunteers", guild_id, user_id)


# -- assignments ------------------------------------------------------------------------


_FACILITATOR_ASSIGNMENTS = Table("facilitator_assignments", Assignment)


async def get_assignment(conn: Connection, occurrence_id: int) -> Assignment | None:
    return await _FACILITATOR_ASSIGNMENTS.one(conn, "occurrence_id = ?", occurrence_id)


async def assignments_of(conn: Connection, occurrence_ids: list[int]) -> dict[int, Assignment]:
    """The assignment of each of these dates, by date, in one read (dates never assigned
    are left out)."""
    sql = "SELECT * FROM facilitator_assignments WHERE occurrence_id IN ({values})"
    found = await fetch_in(conn, sql, occurrence_ids)
    return {row["occurrence_id"]: from_row(Assignment, row) for row in found}


async def facilitators(conn: Connection, occurrence_ids: list[int]) -> dict[int, int]:
    """Who holds each of these dates (asked, or said yes); dates nobody holds are left out."""
    sql = """
        SELECT occurrence_id, user_id FROM facilitator_assignments
        WHERE user_id IS NOT NULL AND occurrence_id IN ({values})
    """
    return {row[0]: row[1] for row in await fetch_in(conn, sql, occurrence_ids)}


async def insert_assignment(
    conn: Connection,
    guild_id: int,
    occurrence_id: int,
    user_id: int | None,
    status: AssignmentStatus,
    now: datetime,
) -> bool:
    """Write the date's assignment once; False if it already exists."""
    cursor = await conn.execute(
        """
        INSERT INTO facilitator_assignments
            (occurrence_id, guild_id, user_id, status, offers, assigned_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (occurrence_id) DO NOTHING
        """,
        (occurrence_id, guild_id, user_id, status, int(user_id is not None), instant_to_db(now)),
    )
    return cursor.rowcount > 0


async def mark_held(conn: Connection, occurrence_id: int) -> None:
    """The date took place: it counts as facilitated by whoever holds it (no-op for a
    date never assigned)."""
    await conn.execute(
        "UPDATE facilitator_assignments SET held = 1 WHERE occurrence_id = ?", (occurrence_id,)
    )


async def reassign(
    conn: Connection,
    occurrence_id: int,
    expected_user_id: int,
    user_id: int | None,
    status: AssignmentStatus,
    now: datetime,
    *,
    from_statuses: tuple[AssignmentStatus, ...] = ("offered", "unanswered"),
) -> bool:
    """Move an offer on from ``expected_user_id`` (a conditional update: once only)."""
    marks = placeholders(from_statuses)
    cursor = await conn.execute(
        f"""
        UPDATE facilitator_assignments
        SET user_id = ?, status = ?, offers = offers + ?, assigned_at = ?, answered_at = NULL
        WHERE occurrence_id = ? AND user_id = ? AND status IN ({marks})
        """,  # noqa: S608 - only placeholders are interpolated
        (
            user_id,
            status,
            int(user_id is not None),
            instant_to_db(now),
            occurrence_id,
            expected_user_id,
            *from_statuses,
        ),
    )
    return cursor.rowcount > 0


async def fill_vacancy(conn: Connection, occurrence_id: int, user_id: int, now: datetime) -> bool:
    """Offer a date nobody holds to ``user_id`` (a conditional update: once only)."""
    cursor = await conn.execute(
        """
        UPDATE facilitator_assignments
        SET user_id = ?, status = 'offered', offers = offers + 1, assigned_at = ?,
            answered_at = NULL
        WHERE occurrence_id = ? AND user_id IS NULL
        """,
        (user_id, instant_to_db(now), occurrence_id),
    )
    return cursor.rowcount > 0


async def set_assignment_status(
    conn: Connection,
    occurrence_id: int,
    user_id: int,
    status: AssignmentStatus,
    from_statuses: tuple[AssignmentStatus, ...],
    now: datetime,
) -> bool:
    marks = placeholders(from_statuses)
    cursor = await conn.execute(
        f"""
        UPDATE facilitator_assignments SET status = ?, answered_at = ?
        WHERE occurrence_id = ? AND user_id = ? AND status IN ({marks})
        """,  # noqa: S608 - only placeholders are interpolated
        (status, instant_to_db(now), occurrence_id, user_id, *from_statuses),
    )
    return cursor.rowcount > 0


async def add_decline(
    conn: Connection, guild_id: int, occurrence_id: int, user_id: int, now: datetime
) -> None:
    await conn.execute(
        """
        INSERT INTO facilitator_declines (occurrence_id, guild_id, user_id, declined_at)
        VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
        """,
        (occurrence_id, guild_id, user_id, instant_to_db(now)),
    )


async def decliners(conn: Connection, occurrence_id: int) -> set[int]:
    sql = "SELECT user_id FROM facilitator_declines WHERE occurrence_id = ?"
    return set(await fetch_column(conn, sql, (occurrence_id,)))


async def member_assignments(conn: Connection, guild_id: int, user_id: int) -> list[Assignment]:
    return await _FACILITATOR_ASSIGNMENTS.all(
        conn,
        """
        guild_id = ? AND user_id = ?
        ORDER BY assigned_at
        """,
        guild_id,
        user_id,
    )


async def member_declines(conn: Connection, guild_id: int, user_id: int) -> list[tuple[int, str]]:
    cursor = await conn.execute(
        """
        SELECT occurrence_id, declined_at FROM facilitator_declines
        WHERE guild_id = ? AND user_id = ? ORDER BY declined_at
        """,
        (guild_id, user_id),
    )
    return [(row[0], row[1]) for row in await cursor.fetchall()]


async def forget_member(conn: Connection, guild_id: int, user_id: int) -> None:
    """Erase a member from the rotation: their slot, their declines, their assignments."""
    await delete_volunteer(conn, guild_id, user_id)
    await delete_rows(conn, "facilitator_declines", guild_id, user_id)
    await conn.execute(
        """
        UPDATE facilitator_assignments SET user_id = NULL, status = 'none', answered_at = NULL
        WHERE guild_id = ? AND user_id = ?
        """,
        (guild_id, user_id),
    )
