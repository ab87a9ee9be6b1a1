"""Live sessions: their state, participants, turns, notes and decisions (SQL only)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from pydantic import SkipValidation

from bot.db.codec import (
    Table,
    fetch_column,
    fetch_in,
    fetch_value,
    from_row,
    insert_returning_id,
    instant_from_db,
    instant_to_db,
    json_from_db,
    json_to_db,
)
from bot.db.connection import Connection, Row
from bot.frozen import Frozen

SessionStatus = Literal["live", "ended"]
TurnOutcome = Literal["spoke", "passed"]


class SessionFields(Frozen):
    """Where a session runs and what it runs: the protocol is the snapshot it started with."""

    guild_id: int
    occurrence_id: int | None
    meeting_title: str | None
    protocol_id: str
    protocol: SkipValidation[dict[str, Any]]
    """Read from the database, a :class:`Snapshot` shared by every row that holds the
    same stored text: read it, never change it."""
    language: str
    client_id: int | None
    channel_id: int


class NewSession(SessionFields):
    """What ``/session start`` writes."""

    facilitator_id: int


class SessionRow(SessionFields):
    """A session as stored (its facilitator forgotten if they erased their data)."""

    id: int
    facilitator_id: int | None
    thread_id: int | None
    status: SessionStatus
    step_index: int
    step_started_at: datetime | None
    extra_minutes: int
    round_order: tuple[int, ...]
    turn_index: int
    current_speaker: int | None
    question: dict[str, str] | None
    version: int
    posts: int
    started_at: datetime
    ended_at: datetime | None
    summary: dict[str, Any] | None


class Turn(Frozen):
    session_id: int
    user_id: int
    step_index: int
    turn_index: int
    outcome: TurnOutcome
    at: datetime


# -- sessions ---------------------------------------------------------------------------


async def insert(conn: Connection, new: NewSession, now: datetime) -> int:
    """A new live session; the partial unique index refuses a second live one."""
    return await insert_returning_id(
        conn,
        """
        INSERT INTO sessions (guild_id, occurrence_id, meeting_title, protocol_id, protocol,
                              language, facilitator_id, client_id, channel_id, started_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            new.guild_id,
            new.occurrence_id,
            new.meeting_title,
            new.protocol_id,
            json_to_db(new.protocol),
            new.language,
            new.facilitator_id,
            new.client_id,
            new.channel_id,
            instant_to_db(now),
        ),
    )


class Snapshot(dict[str, Any]):
    """A protocol's stored snapshot as read: decoded once per stored text in this process
    (a live session reads its row at every turn, and a snapshot never changes once
    written), and what the facilitation feature validated it to, kept beside it."""

    validated: object = None


@lru_cache(maxsize=256)
def _snapshot(text: str) -> Snapshot:
    return Snapshot(json_from_db(text))


def _session(row: Row) -> SessionRow:
    return from_row(SessionRow, row, protocol=_snapshot(row["protocol"]))


SESSIONS = Table("sessions", _session)
TURNS = Table("session_turns", Turn)


async def get(conn: Connection, session_id: int) -> SessionRow | None:
    return await SESSIONS.one(conn, "id = ?", session_id)


async def live(conn: Connection, guild_id: int) -> SessionRow | None:
    return await SESSIONS.one(conn, "guild_id = ? AND status = 'live'", guild_id)


async def live_channel(conn: Connection, guild_id: int) -> int | None:
    """Where the community's live session runs (its thread, else its channel), or None:
    what ``/plc status`` shows of it, without reading the session's state."""
    channel_id = await fetch_value(
        conn,
        "SELECT COALESCE(thread_id, channel_id) FROM sessions"
        " WHERE guild_id = ? AND status = 'live'",
        (guild_id,),
    )
    return None if channel_id is None else int(channel_id)


async def count_before(conn: Connection, guild_id: int, session_id: int) -> int:
    """How many sessions this community ran before this one (rotates the first speaker)."""
    cursor = await conn.execute(
        "SELECT COUNT(*) FROM sessions WHERE guild_id = ? AND id < ?", (guild_id, session_id)
    )
    row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def ended(conn: Connection, guild_id: int) -> list[SessionRow]:
    """Ended sessions with their summaries, newest first (the practice log)."""
    return await SESSIONS.all(
        conn,
        """
        guild_id = ? AND status = 'ended'
        ORDER BY started_at DESC, id DESC
        """,
        guild_id,
    )


_STATE_COLUMNS = frozenset(
    {
        "step_index",
        "step_started_at",
        "extra_minutes",
        "round_order",
        "turn_index",
        "current_speaker",
        "question",
        "thread_id",
        "status",
        "ended_at",
        "summary",
    }
)


def _encode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in ("step_started_at", "ended_at"):
        return instant_to_db(value)
    if name == "round_order":
        return json_to_db(list(value))
    if name in ("question", "summary"):
        return json_to_db(value)
    return value


async def update_state(
    conn: Connection, session: SessionRow, changes: dict[str, Any]
) -> SessionRow | None:
    """Change a live session if nobody changed it since it was read (its ``version``): the
    session as it is now, or None (someone changed it first).

    The conditional update is what makes two simultaneous clicks advance once. Only the
    new version comes back: the rest of the row is what was read in this transaction
    with ``changes`` applied, so the protocol's snapshot is not decoded a second time.
    """
    unknown = set(changes) - _STATE_COLUMNS
    if unknown:
        raise ValueError(f"not session state: {sorted(unknown)}")
    names = sorted(changes)
    assignments = ", ".join(f"{name} = ?" for name in names)
    version = await fetch_value(
        conn,
        f"""
        UPDATE sessions SET {assignments}, version = version + 1
        WHERE id = ? AND version = ? AND status = 'live'
        RETURNING version
        """,  # noqa: S608 - column names come from the fixed table above
        (*(_encode(name, changes[name]) for name in names), session.id, session.version),
    )
    if version is None:
        return None
    applied = {name: _decoded(name, value) for name, value in changes.items()}
    return session.model_copy(update={**applied, "version": int(version)})


def _decoded(name: str, value: Any) -> Any:
    """A change as the row read back would hold it."""
    if value is None:
        return None
    if name == "round_order":
        return tuple(value)
    if isinstance(value, datetime):
        return instant_from_db(instant_to_db(value))
    return value


async def set_thread(conn: Connection, session_id: int, thread_id: int) -> None:
    await conn.execute(
        "UPDATE sessions SET thread_id = ? WHERE id = ? AND thread_id IS NULL",
        (thread_id, session_id),
    )


async def add_participant(
    conn: Connection, guild_id: int, session_id: int, user_id: int, now: datetime
) -> bool:
    cursor = await conn.execute(
        """
        INSERT INTO session_participants (session_id, guild_id, user_id, joined_at)
        VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
        """,
        (session_id, guild_id, user_id, instant_to_db(now)),
    )
    return cursor.rowcount > 0


async def participants(conn: Connection, session_id: int) -> list[int]:
    return await fetch_column(
        conn,
        "SELECT user_id FROM session_participants WHERE session_id = ? ORDER BY joined_at, user_id",
        (session_id,),
    )


async def record_turn(
    conn: Connection,
    guild_id: int,
    session_id: int,
    user_id: int,
    step_index: int,
    turn_index: int,
    outcome: TurnOutcome,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO session_turns
            (session_id, guild_id, user_id, step_index, turn_index, outcome, at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """,
        (session_id, guild_id, user_id, step_index, turn_index, outcome, instant_to_db(now)),
    )


async def turns(conn: Connection, session_id: int) -> list[Turn]:
    return await TURNS.all(conn, "session_id = ? ORDER BY step_index, turn_index", session_id)


async def spoken_counts(conn: Connection, guild_id: int, user_ids: list[int]) -> dict[int, int]:
    """How many turns each member has spoken in this community's sessions."""
    sql = """
        SELECT user_id, COUNT(*) FROM session_turns
        WHERE guild_id = ? AND outcome = 'spoke' AND user_id IN ({values})
        GROUP BY user_id
    """
    rows = await fetch_in(conn, sql, user_ids, guild_id)
    return dict.fromkeys(user_ids, 0) | {user_id: int(count) for user_id, count in rows}


async def delete_unopened(conn: Connection, session_id: int) -> None:
    """Forget a session whose opening could not be posted (it never began)."""
    await conn.execute(
        "DELETE FROM sessions WHERE id = ? AND thread_id IS NULL AND status = 'live'",
        (session_id,),
    )
