"""Answers: one per member and check-in (a UNIQUE constraint); edits update the row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TypedDict, Unpack

from bot.db.checkins.models import Answer, GoalNumber
from bot.db.codec import Table, fetch_in, fetch_one, instant_to_db, json_to_db
from bot.db.connection import Connection
from bot.db.erasure import delete_rows


class AnswerWrite(TypedDict):
    """What a member's answer says, and when it was written."""

    progress: float | None
    texts: list[str]
    help_text: str
    now: datetime


async def insert_answer(
    conn: Connection, guild_id: int, checkin_id: int, user_id: int, **answer: Unpack[AnswerWrite]
) -> Answer | None:
    """Store a first answer; None if the member already answered (UNIQUE constraint)."""
    written = instant_to_db(answer["now"])
    return await fetch_one(
        conn,
        Answer,
        """
        INSERT INTO checkin_answers (guild_id, checkin_id, user_id, progress, texts,
            help_text, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (checkin_id, user_id) DO NOTHING
        RETURNING *
        """,
        (
            guild_id,
            checkin_id,
            user_id,
            answer["progress"],
            json_to_db(answer["texts"]),
            answer["help_text"],
            written,
            written,
        ),
    )


async def update_answer(
    conn: Connection, checkin_id: int, user_id: int, **answer: Unpack[AnswerWrite]
) -> Answer | None:
    """Edit the member's answer to this check-in; the answer as it is now (None: none)."""
    return await fetch_one(
        conn,
        Answer,
        """
        UPDATE checkin_answers SET progress = ?, texts = ?, help_text = ?, updated_at = ?
        WHERE checkin_id = ? AND user_id = ?
        RETURNING *
        """,
        (
            answer["progress"],
            json_to_db(answer["texts"]),
            answer["help_text"],
            instant_to_db(answer["now"]),
            checkin_id,
            user_id,
        ),
    )


async def set_goal_numbers(
    conn: Connection, answer_id: int, numbers: Mapping[int, float | None]
) -> None:
    """The answer's number for each goal in ``numbers`` (by goal id); None removes it.
    Goals not named keep what the answer said for them."""
    for goal_id, value in numbers.items():
        if value is None:
            await conn.execute(
                "DELETE FROM checkin_progress WHERE answer_id = ? AND goal_id = ?",
                (answer_id, goal_id),
            )
        else:
            await conn.execute(
                """
                INSERT INTO checkin_progress (answer_id, goal_id, value, checkin_id, opened_at)
                SELECT a.id, ?, ?, c.id, c.opened_at
                FROM checkin_answers a JOIN checkins c ON c.id = a.checkin_id
                WHERE a.id = ?
                ON CONFLICT (answer_id, goal_id) DO UPDATE SET value = excluded.value
                """,
                (goal_id, value, answer_id),
            )


async def goal_numbers_of(conn: Connection, answer_ids: list[int]) -> list[GoalNumber]:
    """The goals' numbers of these answers, by answer then goal."""
    rows = await fetch_in(
        conn,
        """
        SELECT answer_id, goal_id, value FROM checkin_progress
        WHERE answer_id IN ({values}) ORDER BY answer_id, goal_id
        """,
        answer_ids,
    )
    return [GoalNumber(answer_id=a, goal_id=g, value=v) for a, g, v in rows]


async def set_answer_post(conn: Connection, answer_id: int, message_id: int | None) -> bool:
    """Record the message showing the answer (None: none does); False if the answer is gone."""
    cursor = await conn.execute(
        "UPDATE checkin_answers SET post_message_id = ? WHERE id = ?", (message_id, answer_id)
    )
    return cursor.rowcount > 0


_CHECKIN_ANSWERS = Table("checkin_answers", Answer)


async def answer_of(conn: Connection, checkin_id: int, user_id: int) -> Answer | None:
    return await _CHECKIN_ANSWERS.one(conn, "checkin_id = ? AND user_id = ?", checkin_id, user_id)


async def get_answer(conn: Connection, guild_id: int, answer_id: int) -> Answer | None:
    return await _CHECKIN_ANSWERS.one(conn, "guild_id = ? AND id = ?", guild_id, answer_id)


async def answers_to(conn: Connection, checkin_id: int) -> list[Answer]:
    return await _CHECKIN_ANSWERS.all(conn, "checkin_id = ? ORDER BY created_at, id", checkin_id)


async def answers_of_member(conn: Connection, guild_id: int, user_id: int) -> list[Answer]:
    return await _CHECKIN_ANSWERS.all(
        conn, "guild_id = ? AND user_id = ? ORDER BY created_at", guild_id, user_id
    )


async def answers_of_guild(conn: Connection, guild_id: int) -> list[Answer]:
    return await _CHECKIN_ANSWERS.all(
        conn, "guild_id = ? ORDER BY checkin_id, created_at, id", guild_id
    )


async def delete_answers_of_member(conn: Connection, guild_id: int, user_id: int) -> None:
    await delete_rows(conn, "checkin_answers", guild_id, user_id)
