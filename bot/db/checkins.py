"""Weekly check-ins: schedules, the week's check-in, answers, away weeks, the pulse."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.db.codec import (
    instant_from_db,
    instant_to_db,
    json_from_db,
    json_to_db,
    optional_instant,
)
from bot.db.connection import Connection, Row

CheckinStatus = Literal["open", "closed"]


class CheckinSchedule(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    weekday: int
    local_time: time
    questions: tuple[str, ...] | None
    close_after_hours: int
    pulse: bool
    active: bool
    created_at: datetime


class Checkin(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    schedule_id: int | None
    week: str
    questions: tuple[str, ...] | None
    """Custom questions as the facilitator typed them; None means the built-in ones."""
    pulse: bool
    channel_id: int
    message_id: int | None
    thread_id: int | None
    opened_at: datetime
    closes_at: datetime
    status: CheckinStatus
    closed_at: datetime | None


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    checkin_id: int
    user_id: int
    goal_id: int | None
    progress: float | None
    texts: tuple[str, ...]
    help_text: str
    post_message_id: int | None
    created_at: datetime
    updated_at: datetime


class PulseTally(BaseModel):
    model_config = ConfigDict(frozen=True)

    count: int
    total: int


def _questions(value: str | None) -> tuple[str, ...] | None:
    return tuple(json_from_db(value)) if value is not None else None


def _schedule(row: Row) -> CheckinSchedule:
    return CheckinSchedule(
        id=row["id"],
        guild_id=row["guild_id"],
        weekday=row["weekday"],
        local_time=time.fromisoformat(row["local_time"]),
        questions=_questions(row["questions"]),
        close_after_hours=row["close_after_hours"],
        pulse=bool(row["pulse"]),
        active=bool(row["active"]),
        created_at=instant_from_db(row["created_at"]),
    )


def _checkin(row: Row) -> Checkin:
    return Checkin(
        id=row["id"],
        guild_id=row["guild_id"],
        schedule_id=row["schedule_id"],
        week=row["week"],
        questions=_questions(row["questions"]),
        pulse=bool(row["pulse"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        opened_at=instant_from_db(row["opened_at"]),
        closes_at=instant_from_db(row["closes_at"]),
        status=row["status"],
        closed_at=optional_instant(row["closed_at"]),
    )


def _answer(row: Row) -> Answer:
    return Answer(
        id=row["id"],
        guild_id=row["guild_id"],
        checkin_id=row["checkin_id"],
        user_id=row["user_id"],
        goal_id=row["goal_id"],
        progress=row["progress"],
        texts=tuple(json_from_db(row["texts"])),
        help_text=row["help_text"],
        post_message_id=row["post_message_id"],
        created_at=instant_from_db(row["created_at"]),
        updated_at=instant_from_db(row["updated_at"]),
    )


# -- schedules --------------------------------------------------------------------


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
    cursor = await conn.execute(
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
    new = await get_schedule(conn, int(cursor.lastrowid or 0))
    assert new is not None
    return new, old


async def get_schedule(conn: Connection, schedule_id: int) -> CheckinSchedule | None:
    cursor = await conn.execute("SELECT * FROM checkin_schedules WHERE id = ?", (schedule_id,))
    row = await cursor.fetchone()
    return _schedule(row) if row else None


async def active_schedule(conn: Connection, guild_id: int) -> CheckinSchedule | None:
    cursor = await conn.execute(
        "SELECT * FROM checkin_schedules WHERE guild_id = ? AND active = 1", (guild_id,)
    )
    row = await cursor.fetchone()
    return _schedule(row) if row else None


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
    cursor = await conn.execute(
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
    if cursor.rowcount == 0:
        return None
    return await get_checkin(conn, int(cursor.lastrowid or 0))


async def get_checkin(conn: Connection, checkin_id: int) -> Checkin | None:
    cursor = await conn.execute("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
    row = await cursor.fetchone()
    return _checkin(row) if row else None


async def checkin_of_week(conn: Connection, guild_id: int, week: str) -> Checkin | None:
    cursor = await conn.execute(
        "SELECT * FROM checkins WHERE guild_id = ? AND week = ?", (guild_id, week)
    )
    row = await cursor.fetchone()
    return _checkin(row) if row else None


async def checkins_of(
    conn: Connection, guild_id: int, *, newest_first: bool = True
) -> list[Checkin]:
    order = "DESC" if newest_first else "ASC"
    cursor = await conn.execute(
        f"SELECT * FROM checkins WHERE guild_id = ? ORDER BY opened_at {order}, id {order}",  # noqa: S608
        (guild_id,),
    )
    return [_checkin(row) for row in await cursor.fetchall()]


async def open_checkin(conn: Connection, guild_id: int) -> Checkin | None:
    cursor = await conn.execute(
        """
        SELECT * FROM checkins WHERE guild_id = ? AND status = 'open'
        ORDER BY opened_at DESC LIMIT 1
        """,
        (guild_id,),
    )
    row = await cursor.fetchone()
    return _checkin(row) if row else None


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


async def purge_closed_before(conn: Connection, cutoff: datetime) -> int:
    """Delete closed check-ins opened before ``cutoff``, with their answers, away weeks and
    pulse (cascade); idempotent."""
    cursor = await conn.execute(
        "DELETE FROM checkins WHERE status = 'closed' AND opened_at < ?", (instant_to_db(cutoff),)
    )
    return cursor.rowcount


async def close_checkin(conn: Connection, checkin_id: int, now: datetime) -> bool:
    """Close an open check-in; False if it was already closed (the closing is idempotent)."""
    cursor = await conn.execute(
        "UPDATE checkins SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
        (instant_to_db(now), checkin_id),
    )
    return cursor.rowcount > 0


# -- answers ----------------------------------------------------------------------


async def insert_answer(
    conn: Connection,
    guild_id: int,
    checkin_id: int,
    user_id: int,
    *,
    goal_id: int | None,
    progress: float | None,
    texts: list[str],
    help_text: str,
    now: datetime,
) -> Answer | None:
    """Store a first answer; None if the member already answered (UNIQUE constraint)."""
    cursor = await conn.execute(
        """
        INSERT INTO checkin_answers (guild_id, checkin_id, user_id, goal_id, progress, texts,
            help_text, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (checkin_id, user_id) DO NOTHING
        """,
        (
            guild_id,
            checkin_id,
            user_id,
            goal_id,
            progress,
            json_to_db(texts),
            help_text,
            instant_to_db(now),
            instant_to_db(now),
        ),
    )
    if cursor.rowcount == 0:
        return None
    return await answer_of(conn, checkin_id, user_id)


async def update_answer(
    conn: Connection,
    answer_id: int,
    *,
    progress: float | None,
    texts: list[str],
    help_text: str,
    now: datetime,
) -> None:
    await conn.execute(
        """
        UPDATE checkin_answers SET progress = ?, texts = ?, help_text = ?, updated_at = ?
        WHERE id = ?
        """,
        (progress, json_to_db(texts), help_text, instant_to_db(now), answer_id),
    )


async def set_answer_post(conn: Connection, answer_id: int, message_id: int) -> None:
    await conn.execute(
        "UPDATE checkin_answers SET post_message_id = ? WHERE id = ?", (message_id, answer_id)
    )


async def answer_of(conn: Connection, checkin_id: int, user_id: int) -> Answer | None:
    cursor = await conn.execute(
        "SELECT * FROM checkin_answers WHERE checkin_id = ? AND user_id = ?",
        (checkin_id, user_id),
    )
    row = await cursor.fetchone()
    return _answer(row) if row else None


async def get_answer(conn: Connection, guild_id: int, answer_id: int) -> Answer | None:
    cursor = await conn.execute(
        "SELECT * FROM checkin_answers WHERE guild_id = ? AND id = ?", (guild_id, answer_id)
    )
    row = await cursor.fetchone()
    return _answer(row) if row else None


async def answers_to(conn: Connection, checkin_id: int) -> list[Answer]:
    cursor = await conn.execute(
        "SELECT * FROM checkin_answers WHERE checkin_id = ? ORDER BY created_at, id",
        (checkin_id,),
    )
    return [_answer(row) for row in await cursor.fetchall()]


async def answers_of_member(conn: Connection, guild_id: int, user_id: int) -> list[Answer]:
    cursor = await conn.execute(
        "SELECT * FROM checkin_answers WHERE guild_id = ? AND user_id = ? ORDER BY created_at",
        (guild_id, user_id),
    )
    return [_answer(row) for row in await cursor.fetchall()]


async def answers_of_guild(conn: Connection, guild_id: int) -> list[Answer]:
    cursor = await conn.execute(
        "SELECT * FROM checkin_answers WHERE guild_id = ? ORDER BY checkin_id, created_at, id",
        (guild_id,),
    )
    return [_answer(row) for row in await cursor.fetchall()]


async def delete_answers_of_member(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        "DELETE FROM checkin_answers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )


# -- who is expected to answer ----------------------------------------------------


async def community_members(conn: Connection, guild_id: int) -> list[int]:
    """Members the bot knows in this community: a row in ``members`` (created when someone
    uses a feature, sets a goal or answers), never the server's member list (SPEC §3)."""
    cursor = await conn.execute(
        "SELECT user_id FROM members WHERE guild_id = ? AND left_at IS NULL ORDER BY user_id",
        (guild_id,),
    )
    return [row[0] for row in await cursor.fetchall()]


async def away_members(conn: Connection, guild_id: int, user_ids: list[int], on: date) -> list[int]:
    """Which of ``user_ids`` are marked away on the local date ``on``."""
    if not user_ids:
        return []
    marks = ",".join("?" * len(user_ids))
    cursor = await conn.execute(
        f"""
        SELECT user_id FROM members
        WHERE guild_id = ? AND user_id IN ({marks}) AND away_until IS NOT NULL
            AND away_until >= ?
        """,  # noqa: S608 - only placeholders are interpolated
        (guild_id, *user_ids, on.isoformat()),
    )
    return sorted(row[0] for row in await cursor.fetchall())


async def record_away(conn: Connection, checkin_id: int, user_ids: list[int]) -> None:
    await conn.executemany(
        "INSERT INTO checkin_away (checkin_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(checkin_id, user_id) for user_id in user_ids],
    )


async def away_during(conn: Connection, checkin_id: int) -> set[int]:
    cursor = await conn.execute(
        "SELECT user_id FROM checkin_away WHERE checkin_id = ?", (checkin_id,)
    )
    return {row[0] for row in await cursor.fetchall()}


async def away_weeks_of_member(conn: Connection, guild_id: int, user_id: int) -> set[int]:
    """The check-ins (ids) during which the member was recorded away."""
    cursor = await conn.execute(
        """
        SELECT w.checkin_id FROM checkin_away w JOIN checkins c ON c.id = w.checkin_id
        WHERE c.guild_id = ? AND w.user_id = ?
        """,
        (guild_id, user_id),
    )
    return {row[0] for row in await cursor.fetchall()}


async def delete_away_of_member(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        """
        DELETE FROM checkin_away WHERE user_id = ?
            AND checkin_id IN (SELECT id FROM checkins WHERE guild_id = ?)
        """,
        (user_id, guild_id),
    )


# -- the anonymous pulse ----------------------------------------------------------


async def vote_pulse(conn: Connection, checkin_id: int, voter_hash: str, score: int) -> bool:
    """Record or change a vote; True if it is the voter's first vote on this check-in."""
    cursor = await conn.execute(
        "SELECT 1 FROM checkin_pulse WHERE checkin_id = ? AND voter_hash = ?",
        (checkin_id, voter_hash),
    )
    first = await cursor.fetchone() is None
    await conn.execute(
        """
        INSERT INTO checkin_pulse (checkin_id, voter_hash, score) VALUES (?, ?, ?)
        ON CONFLICT (checkin_id, voter_hash) DO UPDATE SET score = excluded.score
        """,
        (checkin_id, voter_hash, score),
    )
    return first


async def pulse_tally(conn: Connection, checkin_id: int) -> PulseTally:
    cursor = await conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(score), 0) FROM checkin_pulse WHERE checkin_id = ?",
        (checkin_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    return PulseTally(count=row[0], total=row[1])
