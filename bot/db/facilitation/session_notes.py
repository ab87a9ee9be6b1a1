"""A session's notes and decisions, the draws of opening questions, and what a member's
erasure must reach in sessions (SQL only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot.db.codec import (
    Table,
    fetch_column,
    insert_returning_id,
    instant_from_db,
    instant_to_db,
    json_to_db,
)
from bot.db.connection import Connection
from bot.db.erasure import delete_rows, unsign
from bot.db.facilitation.sessions import SESSIONS, TURNS, SessionRow, Turn
from bot.frozen import Frozen

EntryKind = Literal["note", "decision"]


class Entry(Frozen):
    id: int
    session_id: int
    kind: EntryKind
    text: str
    author_id: int | None
    step_index: int
    created_at: datetime


# -- notes and decisions ----------------------------------------------------------------


async def add_entry(
    conn: Connection,
    guild_id: int,
    session_id: int,
    kind: EntryKind,
    text: str,
    author_id: int,
    step_index: int,
    now: datetime,
) -> int:
    return await insert_returning_id(
        conn,
        """
        INSERT INTO session_entries
            (session_id, guild_id, kind, text, author_id, step_index, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (session_id, guild_id, kind, text, author_id, step_index, instant_to_db(now)),
    )


_SESSION_ENTRIES = Table("session_entries", Entry)


async def entries(conn: Connection, session_id: int) -> list[Entry]:
    return await _SESSION_ENTRIES.all(conn, "session_id = ? ORDER BY id", session_id)


# -- question draws ---------------------------------------------------------------------


async def drawn_in_cycle(conn: Connection, guild_id: int, pool: str) -> tuple[int, set[int]]:
    """The pool's current cycle and the questions already drawn in it."""
    cursor = await conn.execute(
        "SELECT COALESCE(MAX(cycle), 1) FROM question_draws WHERE guild_id = ? AND pool = ?",
        (guild_id, pool),
    )
    row = await cursor.fetchone()
    cycle = int(row[0]) if row else 1
    sql = "SELECT question_index FROM question_draws WHERE guild_id = ? AND pool = ? AND cycle = ?"
    return cycle, set(await fetch_column(conn, sql, (guild_id, pool, cycle)))


async def record_draw(
    conn: Connection,
    guild_id: int,
    pool: str,
    cycle: int,
    question_index: int,
    session_id: int,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO question_draws (guild_id, pool, cycle, question_index, session_id, drawn_at)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """,
        (guild_id, pool, cycle, question_index, session_id, instant_to_db(now)),
    )


# -- personal data ----------------------------------------------------------------------


async def member_participations(
    conn: Connection, guild_id: int, user_id: int
) -> list[tuple[int, datetime]]:
    cursor = await conn.execute(
        """
        SELECT session_id, joined_at FROM session_participants
        WHERE guild_id = ? AND user_id = ? ORDER BY joined_at
        """,
        (guild_id, user_id),
    )
    return [(row[0], instant_from_db(row[1])) for row in await cursor.fetchall()]


async def member_turns(conn: Connection, guild_id: int, user_id: int) -> list[Turn]:
    return await TURNS.all(conn, "guild_id = ? AND user_id = ? ORDER BY at", guild_id, user_id)


async def member_entries(conn: Connection, guild_id: int, user_id: int) -> list[Entry]:
    return await _SESSION_ENTRIES.all(
        conn, "guild_id = ? AND author_id = ? ORDER BY id", guild_id, user_id
    )


async def sessions_touching(conn: Connection, guild_id: int, user_id: int) -> list[SessionRow]:
    """Sessions whose state or summary may name the member (to scrub on erasure)."""
    return await SESSIONS.all(
        conn,
        """
        guild_id = ? AND (
            facilitator_id = ? OR client_id = ? OR current_speaker = ?
            OR summary IS NOT NULL OR round_order <> '[]')
        """,
        guild_id,
        user_id,
        user_id,
        user_id,
    )


async def rewrite_for_erasure(
    conn: Connection,
    session: SessionRow,
    round_order: list[int],
    current_speaker: int | None,
    summary: dict[str, Any] | None,
    user_id: int,
) -> None:
    await conn.execute(
        """
        UPDATE sessions SET
            facilitator_id = CASE WHEN facilitator_id = ? THEN NULL ELSE facilitator_id END,
            client_id = CASE WHEN client_id = ? THEN NULL ELSE client_id END,
            round_order = ?, current_speaker = ?, summary = ?, version = version + 1
        WHERE id = ?
        """,
        (
            user_id,
            user_id,
            json_to_db(round_order),
            current_speaker,
            json_to_db(summary) if summary is not None else None,
            session.id,
        ),
    )


async def forget_member(conn: Connection, guild_id: int, user_id: int) -> None:
    """Remove a member's participation and turns; their notes stay, unsigned."""
    await delete_rows(conn, "session_participants", guild_id, user_id)
    await delete_rows(conn, "session_turns", guild_id, user_id)
    await unsign(conn, "session_entries", "author_id", guild_id, user_id)
