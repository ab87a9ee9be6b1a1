"""Meetings and their occurrences (SQL only; the rules live in the service).

RSVPs are in :mod:`bot.db.meeting_rsvps`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal, NamedTuple, get_args

from bot.db.codec import (
    Table,
    aliased_columns,
    fetch_all,
    fetch_column,
    fetch_rows,
    from_row,
    insert_returning_id,
    instant_from_db,
    instant_to_db,
    json_to_db,
    prefixed,
)
from bot.db.connection import Connection
from bot.db.erasure import unsign
from bot.db.meeting_rsvps import ANSWERS, RsvpCounts
from bot.frozen import Frozen

Repeat = Literal["none", "weekly", "biweekly", "monthly"]
REPEATS: tuple[Repeat, ...] = get_args(Repeat)
OccurrenceStatus = Literal["scheduled", "cancelled", "done"]


class MeetingFields(Frozen):
    """What a facilitator gives a meeting: what, where, and the rule that dates it."""

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
    reminder_offsets: tuple[int, ...] | None = None
    protocol_id: str | None = None


class Meeting(MeetingFields):
    """A series (or a one-off), as stored."""

    id: int
    event_id: int | None
    event_occurrence_id: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None


class Occurrence(Frozen):
    """One date of a meeting that was announced."""

    id: int
    guild_id: int
    meeting_id: int
    local_date: date
    starts_at: datetime
    status: OccurrenceStatus
    announcement_channel_id: int | None
    announcement_message_id: int | None
    created_at: datetime


class NewMeeting(MeetingFields):
    """What a confirmed ``/meeting schedule`` writes."""

    created_by: int


# A meeting needs event work while it has a next occurrence or still points to an event.
_EVENT_WORK = """
    (m.event_id IS NOT NULL OR (m.cancelled_at IS NULL AND EXISTS (
        SELECT 1 FROM meeting_occurrences o WHERE o.meeting_id = m.id AND o.status = 'scheduled'
    )))
"""


# -- meetings ------------------------------------------------------------------------


async def insert_meeting(conn: Connection, new: NewMeeting, now: datetime) -> int:
    return await insert_returning_id(
        conn,
        """
        INSERT INTO meetings (guild_id, title, duration_minutes, repeat, first_date, local_time,
            timezone, channel_id, link, agenda, created_by, created_at, updated_at,
            reminder_offsets, protocol_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            new.protocol_id,
        ),
    )


_MEETINGS = Table("meetings", Meeting)


async def get_meeting(conn: Connection, meeting_id: int) -> Meeting | None:
    return await _MEETINGS.one(conn, "id = ?", meeting_id)


async def meetings_with_events(conn: Connection, guild_id: int) -> list[Meeting]:
    """Meetings whose Discord event may need work: a next occurrence, or an event to remove."""
    return await fetch_all(
        conn,
        Meeting,
        f"SELECT * FROM meetings m WHERE guild_id = ? AND {_EVENT_WORK} ORDER BY id",  # noqa: S608
        (guild_id,),
    )


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
    sql = "SELECT event_id FROM meetings WHERE guild_id = ? AND event_id IS NOT NULL"
    return set(await fetch_column(conn, sql, (guild_id,)))


async def meetings_created_by(conn: Connection, guild_id: int, user_id: int) -> list[Meeting]:
    return await _MEETINGS.all(
        conn, "guild_id = ? AND created_by = ? ORDER BY id", guild_id, user_id
    )


async def forget_creator(conn: Connection, guild_id: int, user_id: int) -> None:
    await unsign(conn, "meetings", "created_by", guild_id, user_id)


async def guilds_with_meetings(conn: Connection) -> list[int]:
    """Communities (still with the bot) that have meeting events to reconcile."""
    return await fetch_column(
        conn,
        f"""
        SELECT DISTINCT m.guild_id FROM meetings m
        JOIN communities c ON c.guild_id = m.guild_id
        WHERE c.left_at IS NULL AND {_EVENT_WORK}
        """,  # noqa: S608 - a constant fragment, no user input
    )


# -- occurrences ---------------------------------------------------------------------


async def insert_occurrence(
    conn: Connection,
    guild_id: int,
    meeting_id: int,
    local_date: date,
    starts_at: datetime,
    now: datetime,
) -> int:
    return await insert_returning_id(
        conn,
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


_MEETING_OCCURRENCES = Table("meeting_occurrences", Occurrence)


async def get_occurrence(conn: Connection, occurrence_id: int) -> Occurrence | None:
    return await _MEETING_OCCURRENCES.one(conn, "id = ?", occurrence_id)


async def scheduled_occurrence(conn: Connection, meeting_id: int) -> Occurrence | None:
    """The one occurrence of the series still to come (or under way), if any."""
    return await _MEETING_OCCURRENCES.one(
        conn, "meeting_id = ? AND status = 'scheduled'", meeting_id
    )


_MEETING_COLUMNS = aliased_columns(Meeting, "m", "m__")
# The answers so far, one column per kind of answer (the kinds are constants).
_COUNTS = ", ".join(
    f"(SELECT COUNT(*) FROM meeting_rsvps r WHERE r.occurrence_id = o.id"  # noqa: S608
    f" AND r.answer = '{answer}') AS r__{answer}"
    for answer in ANSWERS
)


# Each active meeting's scheduled date (one under way included), soonest first.
_SCHEDULED = """
    FROM meeting_occurrences o JOIN meetings m ON m.id = o.meeting_id
    WHERE o.guild_id = ? AND o.status = 'scheduled' AND m.cancelled_at IS NULL
    ORDER BY o.starts_at, o.id
"""


class ComingDate(NamedTuple):
    """A coming date as another feature shows it (``/plc status``, ``/rotation show``),
    with its series' rule (what dates the next one): a plain tuple, as it is only shown."""

    occurrence_id: int
    title: str
    starts_at: datetime
    meeting_id: int
    local_date: date
    repeat: Repeat
    first_date: date
    local_time: time
    timezone: str


async def coming_dates(conn: Connection, guild_id: int) -> list[ComingDate]:
    """:func:`scheduled_occurrences` with only what is shown of each and its series' rule."""
    columns = "o.id, m.title, o.starts_at, m.id, o.local_date, m.repeat, m.first_date"
    rows = await fetch_rows(
        conn, f"SELECT {columns}, m.local_time, m.timezone {_SCHEDULED}", (guild_id,)
    )
    return [
        ComingDate(
            row[0],
            row[1],
            instant_from_db(row[2]),
            row[3],
            date.fromisoformat(row[4]),
            row[5],
            date.fromisoformat(row[6]),
            time.fromisoformat(row[7]),
            row[8],
        )
        for row in rows
    ]


class ListedDate(NamedTuple):
    """A coming date as ``/meeting list`` shows it, with the answers so far: only shown,
    so a plain tuple rather than an occurrence, a meeting and their counts validated."""

    occurrence_id: int
    title: str
    repeat: Repeat
    first_date: date
    channel_id: int | None
    link: str | None
    starts_at: datetime
    going: int
    maybe: int
    cant: int


async def listed_dates(conn: Connection, guild_id: int) -> list[ListedDate]:
    """:func:`scheduled_occurrences` with only what ``/meeting list`` shows of each."""
    rows = await fetch_rows(
        conn,
        "SELECT o.id, m.title, m.repeat, m.first_date, m.channel_id, m.link, o.starts_at,"
        f" {_COUNTS} {_SCHEDULED}",
        (guild_id,),
    )
    return [
        ListedDate(
            row[0],
            row[1],
            row[2],
            date.fromisoformat(row[3]),
            row[4],
            row[5],
            instant_from_db(row[6]),
            row[7],
            row[8],
            row[9],
        )
        for row in rows
    ]


async def scheduled_occurrences(
    conn: Connection, guild_id: int
) -> list[tuple[Occurrence, Meeting, RsvpCounts]]:
    """Each active meeting's scheduled date with its meeting and the answers so far,
    soonest first, in one read (every command that shows what is coming starts here)."""
    rows = await fetch_rows(
        conn,
        f"SELECT o.*, {_MEETING_COLUMNS}, {_COUNTS} {_SCHEDULED}",
        (guild_id,),
    )
    return [
        (
            from_row(Occurrence, row),
            from_row(Meeting, prefixed(row, "m__")),
            from_row(RsvpCounts, prefixed(row, "r__")),
        )
        for row in rows
    ]


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
