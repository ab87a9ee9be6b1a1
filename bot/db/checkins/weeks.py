"""Schedules (a new row per ``/checkin schedule``) and the week's check-ins."""

from __future__ import annotations

from datetime import datetime, time
from typing import NamedTuple

from bot.db.checkins.models import Checkin, CheckinSchedule
from bot.db.codec import (
    Table,
    fetch_column,
    fetch_rows,
    insert_if_new,
    insert_returning_id,
    instant_from_db,
    instant_to_db,
    json_to_db,
)
from bot.db.connection import Connection

_CHECKIN_SCHEDULES = Table("checkin_schedules", CheckinSchedule)
_CHECKINS = Table("checkins", Checkin)


async def replace_schedule(
    conn: Connection,
    guild_id: int,
    *,
    weekday: int,
    local_time: time,
    questions: list[str] | None,
    close_after_hours: int,
    pulse: bool,
    now: datetime,
) -> tuple[CheckinSchedule, CheckinSchedule | None]:
    """Retire the active schedule (if any) and write the new one; returns (new, old)."""
    old = await active_schedule(conn, guild_id)
    if old is not None:
        await conn.execute("UPDATE checkin_schedules SET active = 0 WHERE id = ?", (old.id,))
    schedule_id = await insert_returning_id(
        conn,
        """
        INSERT INTO checkin_schedules (guild_id, weekday, local_time, questions,
            close_after_hours, pulse, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (
            guild_id,
            weekday,
            local_time.strftime("%H:%M"),
            json_to_db(questions) if questions is not None else None,
            close_after_hours,
            int(pulse),
            instant_to_db(now),
        ),
    )
    return await _CHECKIN_SCHEDULES.get(conn, schedule_id), old


async def get_schedule(conn: Connection, schedule_id: int) -> CheckinSchedule | None:
    return await _CHECKIN_SCHEDULES.one(conn, "id = ?", schedule_id)


async def active_schedule(conn: Connection, guild_id: int) -> CheckinSchedule | None:
    return await _CHECKIN_SCHEDULES.one(conn, "guild_id = ? AND active = 1", guild_id)


# -- check-ins --------------------------------------------------------------------


async def create_checkin(
    conn: Connection,
    guild_id: int,
    *,
    schedule_id: int | None,
    week: str,
    questions: tuple[str, ...] | None,
    pulse: bool,
    channel_id: int,
    opened_at: datetime,
    closes_at: datetime,
) -> Checkin | None:
    """Create the week's check-in; None if this week already has one (a re-run)."""
    checkin_id = await insert_if_new(
        conn,
        """
        INSERT INTO checkins (guild_id, schedule_id, week, questions, pulse, channel_id,
            opened_at, closes_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id, week) DO NOTHING
        """,
        (
            guild_id,
            schedule_id,
            week,
            json_to_db(list(questions)) if questions is not None else None,
            int(pulse),
            channel_id,
            instant_to_db(opened_at),
            instant_to_db(closes_at),
        ),
    )
    return None if checkin_id is None else await _CHECKINS.get(conn, checkin_id)


async def get_checkin(conn: Connection, checkin_id: int) -> Checkin | None:
    return await _CHECKINS.one(conn, "id = ?", checkin_id)


async def checkin_of_week(conn: Connection, guild_id: int, week: str) -> Checkin | None:
    return await _CHECKINS.one(conn, "guild_id = ? AND week = ?", guild_id, week)


async def checkins_of(
    conn: Connection, guild_id: int, *, newest_first: bool = True
) -> list[Checkin]:
    order = "DESC" if newest_first else "ASC"
    return await _CHECKINS.all(
        conn, f"guild_id = ? ORDER BY opened_at {order}, id {order}", guild_id
    )


async def open_checkin(conn: Connection, guild_id: int) -> Checkin | None:
    return await _CHECKINS.one(
        conn,
        """
        guild_id = ? AND status = 'open'
        ORDER BY opened_at DESC LIMIT 1
        """,
        guild_id,
    )


class CheckinOutlook(NamedTuple):
    """What ``/plc status`` shows of check-ins, read as plain values: when the open one
    closes, the weekly opening, and the weeks from a given one on that have a check-in."""

    closes_at: datetime | None
    weekday: int | None
    """None: no active schedule."""
    local_time: time | None
    taken: frozenset[str]


_OUTLOOK = """
    SELECT c.closes_at, s.weekday, s.local_time, w.week
    FROM (SELECT CAST(? AS BIGINT) AS guild_id) g
        LEFT JOIN checkins c ON c.id = (
            SELECT id FROM checkins WHERE guild_id = g.guild_id AND status = 'open'
            ORDER BY opened_at DESC LIMIT 1
        )
        LEFT JOIN checkin_schedules s ON s.guild_id = g.guild_id AND s.active = 1
        LEFT JOIN checkins w ON w.guild_id = g.guild_id AND w.week >= ?
"""


async def outlook(conn: Connection, guild_id: int, from_week: str) -> CheckinOutlook:
    """The open check-in and the active schedule as shown, with the weeks from
    ``from_week`` on that have a check-in (where the next opening goes), in one read: a
    row per such week."""
    rows = await fetch_rows(conn, _OUTLOOK, (guild_id, from_week))
    first = rows[0]
    return CheckinOutlook(
        closes_at=instant_from_db(first[0]) if first[0] is not None else None,
        weekday=first[1],
        local_time=time.fromisoformat(first[2]) if first[2] is not None else None,
        taken=frozenset(row[3] for row in rows if row[3] is not None),
    )


async def set_prompt(conn: Connection, checkin_id: int, message_id: int) -> None:
    await conn.execute(
        "UPDATE checkins SET message_id = ? WHERE id = ? AND message_id IS NULL",
        (message_id, checkin_id),
    )


async def set_thread(conn: Connection, checkin_id: int, thread_id: int) -> None:
    await conn.execute(
        "UPDATE checkins SET thread_id = ? WHERE id = ? AND thread_id IS NULL",
        (thread_id, checkin_id),
    )


async def delete_checkin(conn: Connection, checkin_id: int) -> None:
    await conn.execute("DELETE FROM checkins WHERE id = ?", (checkin_id,))


async def purge_closed_before(conn: Connection, cutoff: datetime) -> list[int]:
    """Delete closed check-ins opened before ``cutoff``, with their answers, away weeks and
    pulse (cascade); idempotent. The community of each one deleted."""
    return await fetch_column(
        conn,
        "DELETE FROM checkins WHERE status = 'closed' AND opened_at < ? RETURNING guild_id",
        (instant_to_db(cutoff),),
    )


async def close_checkin(conn: Connection, checkin_id: int, now: datetime) -> bool:
    """Close an open check-in; False if it was already closed (the closing is idempotent)."""
    cursor = await conn.execute(
        "UPDATE checkins SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
        (instant_to_db(now), checkin_id),
    )
    return cursor.rowcount > 0
