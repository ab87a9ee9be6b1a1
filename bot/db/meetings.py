"""Meetings, their occurrences and RSVPs (SQL only; the rules live in the service)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from bot.db.codec import (
    instant_from_db,
    instant_to_db,
    json_from_db,
    json_to_db,
    optional_instant,
)
from bot.db.connection import Connection, Row

Repeat = Literal["none", "weekly", "biweekly", "monthly"]
REPEATS: tuple[Repeat, ...] = get_args(Repeat)
OccurrenceStatus = Literal["scheduled", "cancelled", "done"]
Answer = Literal["going", "maybe", "cant"]
ANSWERS: tuple[Answer, ...] = get_args(Answer)


class Meeting(BaseModel):
    """A series (or a one-off): what, where, and the rule that dates it."""

    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    title: str
    duration_minutes: int
    repeat: Repeat
    first_date: date
    local_time: time
    timezone: str
    channel_id: int | None
    link: str | None
    agenda: str
    protocol_id: str | None
    reminder_offsets: tuple[int, ...] | None
    event_id: int | None
    event_occurrence_id: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None


class Occurrence(BaseModel):
    """One date of a meeting that was announced."""

    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    meeting_id: int
    local_date: date
    starts_at: datetime
    status: OccurrenceStatus
    facilitator_id: int | None
    session_id: int | None
    announcement_channel_id: int | None
    announcement_message_id: int | None
    created_at: datetime


class RsvpCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    going: int = 0
    maybe: int = 0
    cant: int = 0


class Rsvp(BaseModel):
    model_config = ConfigDict(frozen=True)

    occurrence_id: int
    user_id: int
    answer: Answer
    answered_at: datetime


class NewMeeting(BaseModel):
    """What a confirmed ``/meeting schedule`` writes."""

    model_config = ConfigDict(frozen=True)

    guild_id: int
    title: str
    duration_minutes: int
    repeat: Repeat
    first_date: date
    local_time: time
    timezone: str
    channel_id: int | None
    link: str | None
    agenda: str
    created_by: int
    reminder_offsets: tuple[int, ...] | None = None


# A meeting needs event work while it has a next occurrence or still points to an event.
_EVENT_WORK = """
    (m.event_id IS NOT NULL OR (m.cancelled_at IS NULL AND EXISTS (
        SELECT 1 FROM meeting_occurrences o WHERE o.meeting_id = m.id AND o.status = 'scheduled'
    )))
"""


def _meeting(row: Row) -> Meeting:
    offsets = row["reminder_offsets"]
    return Meeting(
        id=row["id"],
        guild_id=row["guild_id"],
        title=row["title"],
        duration_minutes=row["duration_minutes"],
        repeat=row["repeat"],
        first_date=date.fromisoformat(row["first_date"]),
        local_time=time.fromisoformat(row["local_time"]),
        timezone=row["timezone"],
        channel_id=row["channel_id"],
        link=row["link"],
        agenda=row["agenda"],
        protocol_id=row["protocol_id"],
        reminder_offsets=tuple(json_from_db(offsets)) if offsets is not None else None,
        event_id=row["event_id"],
        event_occurrence_id=row["event_occurrence_id"],
        created_by=row["created_by"],
        created_at=instant_from_db(row["created_at"]),
        updated_at=instant_from_db(row["updated_at"]),
        cancelled_at=optional_instant(row["cancelled_at"]),
    )


def _occurrence(row: Row) -> Occurrence:
    return Occurrence(
        id=row["id"],
        guild_id=row["guild_id"],
        meeting_id=row["meeting_id"],
        local_date=date.fromisoformat(row["local_date"]),
        starts_at=instant_from_db(row["starts_at"]),
        status=row["status"],
        facilitator_id=row["facilitator_id"],
        session_id=row["session_id"],
        announcement_channel_id=row["announcement_channel_id"],
        announcement_message_id=row["announcement_message_id"],
        created_at=instant_from_db(row["created_at"]),
    )


def _rsvp(row: Row) -> Rsvp:
    return Rsvp(
        occurrence_id=row["occurrence_id"],
        user_id=row["user_id"],
        answer=row["answer"],
        answered_at=instant_from_db(row["answered_at"]),
    )


# -- meetings ------------------------------------------------------------------------


async def insert_meeting(conn: Connection, new: NewMeeting, now: datetime) -> int:
    cursor = await conn.execute(
        """
        INSERT INTO meetings (guild_id, title, duration_minutes, repeat, first_date, local_time,
            timezone, channel_id, link, agenda, created_by, created_at, updated_at,
            reminder_offsets)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            new.guild_id,
            new.title,
            new.duration_minutes,
            new.repeat,
            new.first_date.isoformat(),
            new.local_time.strftime("%H:%M"),
            new.timezone,
            new.channel_id,
            new.link,
            new.agenda,
            new.created_by,
            instant_to_db(now),
            instant_to_db(now),
            json_to_db(list(new.reminder_offsets)) if new.reminder_offsets else None,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def get_meeting(conn: Connection, meeting_id: int) -> Meeting | None:
    cursor = await conn.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
    row = await cursor.fetchone()
    return _meeting(row) if row else None


async def meetings_with_events(conn: Connection, guild_id: int) -> list[Meeting]:
    """Meetings whose Discord event may need work: a next occurrence, or an event to remove."""
    cursor = await conn.execute(
        f"SELECT * FROM meetings m WHERE guild_id = ? AND {_EVENT_WORK} ORDER BY id",  # noqa: S608
        (guild_id,),
    )
    return [_meeting(row) for row in await cursor.fetchall()]


async def update_meeting(
    conn: Connection, meeting_id: int, changes: dict[str, Any], now: datetime
) -> None:
    """Write the given columns (names come from the service, never from users)."""
    values = dict(changes)
    for name, value in values.items():
        if isinstance(value, time):
            values[name] = value.strftime("%H:%M")
        elif isinstance(value, date):
            values[name] = value.isoformat()
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    await conn.execute(
        f"UPDATE meetings SET {assignments}, updated_at = :now WHERE id = :id",  # noqa: S608
        {**values, "now": instant_to_db(now), "id": meeting_id},
    )


async def cancel_meeting(conn: Connection, meeting_id: int, now: datetime) -> None:
    await conn.execute(
        """
        UPDATE meetings SET cancelled_at = :now, updated_at = :now
        WHERE id = :id AND cancelled_at IS NULL
        """,
        {"now": instant_to_db(now), "id": meeting_id},
    )


async def delete_meeting(conn: Connection, meeting_id: int) -> None:
    await conn.execute("DELETE FROM meetings WHERE id = ?", (meeting_id,))


async def set_event(
    conn: Connection,
    meeting_id: int,
    event_id: int | None,
    occurrence_id: int | None,
    now: datetime,
) -> None:
    await conn.execute(
        """
        UPDATE meetings SET event_id = ?, event_occurrence_id = ?, updated_at = ?
        WHERE id = ?
        """,
        (event_id, occurrence_id, instant_to_db(now), meeting_id),
    )


async def known_event_ids(conn: Connection, guild_id: int) -> set[int]:
    cursor = await conn.execute(
        "SELECT event_id FROM meetings WHERE guild_id = ? AND event_id IS NOT NULL", (guild_id,)
    )
    return {row[0] for row in await cursor.fetchall()}


async def meetings_created_by(conn: Connection, guild_id: int, user_id: int) -> list[Meeting]:
    cursor = await conn.execute(
        "SELECT * FROM meetings WHERE guild_id = ? AND created_by = ? ORDER BY id",
        (guild_id, user_id),
    )
    return [_meeting(row) for row in await cursor.fetchall()]


async def forget_creator(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        "UPDATE meetings SET created_by = NULL WHERE guild_id = ? AND created_by = ?",
        (guild_id, user_id),
    )


async def guilds_with_meetings(conn: Connection) -> list[int]:
    """Communities (still with the bot) that have meeting events to reconcile."""
    cursor = await conn.execute(
        f"""
        SELECT DISTINCT m.guild_id FROM meetings m
        JOIN communities c ON c.guild_id = m.guild_id
        WHERE c.left_at IS NULL AND {_EVENT_WORK}
        """  # noqa: S608 - a constant fragment, no user input
    )
    return [row[0] for row in await cursor.fetchall()]


# -- occurrences ---------------------------------------------------------------------


async def insert_occurrence(
    conn: Connection,
    guild_id: int,
    meeting_id: int,
    local_date: date,
    starts_at: datetime,
    now: datetime,
) -> int:
    cursor = await conn.execute(
        """
        INSERT INTO meeting_occurrences (guild_id, meeting_id, local_date, starts_at, created_at)
        VALUES (?, ?, ?, ?, ?)
        """,
        (
            guild_id,
            meeting_id,
            local_date.isoformat(),
            instant_to_db(starts_at),
            instant_to_db(now),
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def get_occurrence(conn: Connection, occurrence_id: int) -> Occurrence | None:
    cursor = await conn.execute("SELECT * FROM meeting_occurrences WHERE id = ?", (occurrence_id,))
    row = await cursor.fetchone()
    return _occurrence(row) if row else None


async def scheduled_occurrence(conn: Connection, meeting_id: int) -> Occurrence | None:
    """The one occurrence of the series still to come (or under way), if any."""
    cursor = await conn.execute(
        "SELECT * FROM meeting_occurrences WHERE meeting_id = ? AND status = 'scheduled'",
        (meeting_id,),
    )
    row = await cursor.fetchone()
    return _occurrence(row) if row else None


async def scheduled_occurrences(conn: Connection, guild_id: int) -> list[Occurrence]:
    cursor = await conn.execute(
        """
        SELECT o.* FROM meeting_occurrences o JOIN meetings m ON m.id = o.meeting_id
        WHERE o.guild_id = ? AND o.status = 'scheduled' AND m.cancelled_at IS NULL
        ORDER BY o.starts_at, o.id
        """,
        (guild_id,),
    )
    return [_occurrence(row) for row in await cursor.fetchall()]


async def move_occurrence(
    conn: Connection, occurrence_id: int, local_date: date, starts_at: datetime
) -> None:
    await conn.execute(
        "UPDATE meeting_occurrences SET local_date = ?, starts_at = ? WHERE id = ?",
        (local_date.isoformat(), instant_to_db(starts_at), occurrence_id),
    )


async def finish_occurrence(conn: Connection, occurrence_id: int, status: OccurrenceStatus) -> bool:
    """Close a scheduled occurrence; False if it was already closed."""
    cursor = await conn.execute(
        """
        UPDATE meeting_occurrences SET status = ?
        WHERE id = ? AND status = 'scheduled'
        """,
        (status, occurrence_id),
    )
    return cursor.rowcount > 0


async def set_announcement(
    conn: Connection, occurrence_id: int, channel_id: int, message_id: int
) -> None:
    await conn.execute(
        """
        UPDATE meeting_occurrences SET announcement_channel_id = ?, announcement_message_id = ?
        WHERE id = ?
        """,
        (channel_id, message_id, occurrence_id),
    )


async def facilitated_by(conn: Connection, guild_id: int, user_id: int) -> list[Occurrence]:
    cursor = await conn.execute(
        """
        SELECT * FROM meeting_occurrences WHERE guild_id = ? AND facilitator_id = ?
        ORDER BY starts_at
        """,
        (guild_id, user_id),
    )
    return [_occurrence(row) for row in await cursor.fetchall()]


async def forget_facilitator(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        """
        UPDATE meeting_occurrences SET facilitator_id = NULL
        WHERE guild_id = ? AND facilitator_id = ?
        """,
        (guild_id, user_id),
    )


# -- RSVPs ---------------------------------------------------------------------------


async def get_rsvp(conn: Connection, occurrence_id: int, user_id: int) -> Rsvp | None:
    cursor = await conn.execute(
        "SELECT * FROM meeting_rsvps WHERE occurrence_id = ? AND user_id = ?",
        (occurrence_id, user_id),
    )
    row = await cursor.fetchone()
    return _rsvp(row) if row else None


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
    if not occurrence_ids:
        return {}
    marks = ",".join("?" * len(occurrence_ids))
    cursor = await conn.execute(
        f"""
        SELECT occurrence_id, answer, COUNT(*) FROM meeting_rsvps
        WHERE occurrence_id IN ({marks}) GROUP BY occurrence_id, answer
        """,  # noqa: S608 - only placeholders are interpolated
        occurrence_ids,
    )
    tallies: dict[int, dict[str, int]] = {oid: {} for oid in occurrence_ids}
    for occurrence_id, answer, count in await cursor.fetchall():
        tallies[occurrence_id][answer] = count
    return {oid: RsvpCounts(**tally) for oid, tally in tallies.items()}


async def rsvps_for(
    conn: Connection, occurrence_id: int, answers: tuple[Answer, ...] = ANSWERS
) -> list[Rsvp]:
    marks = ",".join("?" * len(answers))
    cursor = await conn.execute(
        f"""
        SELECT * FROM meeting_rsvps WHERE occurrence_id = ? AND answer IN ({marks})
        ORDER BY answered_at, user_id
        """,  # noqa: S608 - only placeholders are interpolated
        (occurrence_id, *answers),
    )
    return [_rsvp(row) for row in await cursor.fetchall()]


async def member_rsvps(conn: Connection, guild_id: int, user_id: int) -> list[Rsvp]:
    cursor = await conn.execute(
        "SELECT * FROM meeting_rsvps WHERE guild_id = ? AND user_id = ? ORDER BY answered_at",
        (guild_id, user_id),
    )
    return [_rsvp(row) for row in await cursor.fetchall()]


async def delete_member_rsvps(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        "DELETE FROM meeting_rsvps WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
