"""Durable timers: rows for everything that must happen later."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Literal

from bot.db.codec import (
    Table,
    fetch_column,
    fetch_rows,
    fetch_value,
    from_row,
    insert_if_new,
    instant_from_db,
    instant_to_db,
    json_to_db,
)
from bot.db.connection import Connection
from bot.frozen import Frozen

#: Sorts after any character a key can hold: ``prefix + _LAST_CHARACTER`` bounds a prefix.
_LAST_CHARACTER = "\U0010ffff"

TimerStatus = Literal["pending", "done", "missed", "cancelled", "failed"]


class Timer(Frozen):
    id: int
    guild_id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    status: TimerStatus
    attempts: int
    retry_at: datetime | None
    late: bool
    note: str | None
    finished_at: datetime | None
    lease_owner: str | None = None
    """The process firing it, on a database several processes share."""
    lease_until: datetime | None = None


async def upsert_pending(
    conn: Connection,
    guild_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    payload: dict[str, Any],
    now: datetime,
    lease: tuple[str, datetime] | None = None,
    *,
    revive: bool = False,
) -> int | None:
    """Create the timer, or move a still-pending one; a finished timer is left alone.
    Its id (None: left alone).

    ``lease`` (owner, until): a new timer is created claimed by that process, which
    runs it itself at once; a timer already there keeps its claim.
    ``revive``: a cancelled timer (one that never ran to its end) is pending again, with
    the targets it had already reached and any claim a process still holds on it.
    """
    owner, until = lease or (None, None)
    return await insert_if_new(
        conn,
        """
        INSERT INTO timers (guild_id, kind, key, due_at, payload, created_at,
                            lease_owner, lease_until)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (kind, key) DO UPDATE SET
            due_at = excluded.due_at, payload = excluded.payload, retry_at = NULL,
            status = 'pending', finished_at = NULL
        WHERE timers.status = 'pending' OR (timers.status = 'cancelled' AND ?)
        """,
        (
            guild_id,
            kind,
            key,
            instant_to_db(due_at),
            json_to_db(payload),
            instant_to_db(now),
            owner,
            instant_to_db(until) if until is not None else None,
            revive,
        ),
    )


async def cancel(conn: Connection, kind: str, key: str, now: datetime) -> None:
    await conn.execute(
        """
        UPDATE timers SET status = 'cancelled', finished_at = ?
        WHERE kind = ? AND key = ? AND status = 'pending'
        """,
        (instant_to_db(now), kind, key),
    )


async def cancel_prefix(conn: Connection, kind: str, key_prefix: str, now: datetime) -> int:
    """Cancel every pending timer of ``kind`` whose key starts with ``key_prefix``."""
    # The key range lets SQLite seek the (kind, key) index instead of reading every
    # timer of the kind ever run; substr() keeps the match exact.
    cursor = await conn.execute(
        """
        UPDATE timers SET status = 'cancelled', finished_at = ?
        WHERE kind = ? AND key >= ? AND key < ? AND substr(key, 1, ?) = ?
          AND status = 'pending'
        """,
        (
            instant_to_db(now),
            kind,
            key_prefix,
            key_prefix + _LAST_CHARACTER,
            len(key_prefix),
            key_prefix,
        ),
    )
    return cursor.rowcount


async def delete_prefix(conn: Connection, kind: str, key_prefix: str) -> int:
    """Delete every timer of ``kind`` whose key starts with ``key_prefix``, whatever its
    state (what a member's erasure removes from payloads)."""
    cursor = await conn.execute(
        "DELETE FROM timers WHERE kind = ? AND key >= ? AND key < ? AND substr(key, 1, ?) = ?",
        (kind, key_prefix, key_prefix + _LAST_CHARACTER, len(key_prefix), key_prefix),
    )
    return cursor.rowcount


_TIMERS = Table("timers", Timer)


async def get(conn: Connection, timer_id: int) -> Timer | None:
    return await _TIMERS.one(conn, "id = ?", timer_id)


async def find(conn: Connection, kind: str, key: str) -> Timer | None:
    return await _TIMERS.one(conn, "kind = ? AND key = ?", kind, key)


def kinds_filter(kinds: Collection[str]) -> tuple[str, list[str]]:
    """``AND kind IN (…)``: timers of kinds nobody handles are parked, not spun on.

    The ``|| ''`` (an expression on both engines) keeps SQLite off the (kind, key) index,
    which holds every timer
    ever run, so it reads pending timers by ``timers_pending_wake`` instead.
    """
    return f"AND kind || '' IN ({', '.join('?' * len(kinds))})", list(kinds)


async def due(conn: Connection, now: datetime, kinds: Collection[str]) -> list[Timer]:
    """Pending timers of ``kinds`` due by ``now``, oldest first."""
    if not kinds:
        return []
    kind_sql, kind_params = kinds_filter(kinds)
    return await _TIMERS.all(
        conn,
        f"""
        status = 'pending' AND COALESCE(retry_at, due_at) <= ? {kind_sql}
        ORDER BY due_at, id
        """,
        instant_to_db(now),
        *kind_params,
    )


async def next_wake(
    conn: Connection, kinds: Collection[str], *, also: str = "", params: Sequence[Any] = ()
) -> datetime | None:
    """When the earliest pending timer of ``kinds`` is due (or retried); ``also`` (an
    ``AND …`` condition with its ``params``) narrows which timers count."""
    if not kinds:
        return None
    kind_sql, kind_params = kinds_filter(kinds)
    # In wake order on the pending index: the first timer of a handled kind, at once.
    wake = await fetch_value(
        conn,
        "SELECT COALESCE(retry_at, due_at) FROM timers "  # noqa: S608
        f"WHERE status = 'pending' {kind_sql} {also} ORDER BY COALESCE(retry_at, due_at) LIMIT 1",
        (*kind_params, *params),
    )
    return instant_from_db(wake) if wake else None


async def count_pending(conn: Connection, guild_id: int) -> int:
    count = await fetch_value(
        conn, "SELECT COUNT(*) FROM timers WHERE guild_id = ? AND status = 'pending'", (guild_id,)
    )
    return int(count or 0)


async def pending_kinds(conn: Connection) -> list[str]:
    # Read from the pending index (the kind index holds every timer ever run).
    return await fetch_column(
        conn,
        "SELECT DISTINCT kind || '' FROM timers "
        "WHERE status = 'pending' AND COALESCE(retry_at, due_at) IS NOT NULL",
    )


async def finish(
    conn: Connection,
    timer_id: int,
    status: TimerStatus,
    now: datetime,
    *,
    late: bool = False,
    note: str | None = None,
) -> bool:
    """Close a pending timer, and its claim; False if it was already closed (someone
    else ran it)."""
    cursor = await conn.execute(
        """
        UPDATE timers SET status = ?, finished_at = ?, late = ?, note = ?,
            lease_owner = NULL, lease_until = NULL
        WHERE id = ? AND status = 'pending'
        """,
        (status, instant_to_db(now), int(late), note, timer_id),
    )
    return cursor.rowcount > 0


async def record_failure(conn: Connection, timer_id: int, retry_at: datetime, note: str) -> int:
    await conn.execute(
        """
        UPDATE timers SET attempts = attempts + 1, retry_at = ?, note = ?,
            lease_owner = NULL, lease_until = NULL
        WHERE id = ? AND status = 'pending'
        """,
        (instant_to_db(retry_at), note, timer_id),
    )
    attempts = await fetch_value(conn, "SELECT attempts FROM timers WHERE id = ?", (timer_id,))
    return int(attempts or 0)


async def recent_missed(
    conn: Connection, guild_id: int, since: datetime, target: str
) -> list[tuple[Timer, str | None]]:
    """The community's timers missed (or failed for good) since ``since``, each with the
    outcome it recorded for ``target`` (what its missed path did), in one read."""
    rows = await fetch_rows(
        conn,
        """
        SELECT t.*, d.outcome AS d_outcome FROM timers t
            LEFT JOIN timer_deliveries d ON d.timer_id = t.id AND d.target = ?
        WHERE t.guild_id = ? AND t.status IN ('missed', 'failed') AND t.finished_at >= ?
        ORDER BY t.due_at
        """,
        (target, guild_id, instant_to_db(since)),
    )
    return [(from_row(Timer, row), row["d_outcome"]) for row in rows]


Deliveries = dict[str, tuple[str, int | None]]
"""What a timer reached: its outcome and message, by target."""


async def pending_with_deliveries(
    conn: Connection, *, timer_id: int | None = None, kind: str = "", key: str = ""
) -> tuple[Timer, Deliveries] | None:
    """A pending timer (by id, or by kind and key) and what it already reached, in one
    read: what firing it needs. None if it is not pending (run, cancelled) or unknown."""
    where = "t.id = ?" if timer_id is not None else "t.kind = ? AND t.key = ?"
    params = (timer_id,) if timer_id is not None else (kind, key)
    rows = await fetch_rows(
        conn,
        "SELECT t.*, d.target AS d_target, d.outcome AS d_outcome, d.message_id AS d_message "  # noqa: S608
        "FROM timers t LEFT JOIN timer_deliveries d ON d.timer_id = t.id "
        f"WHERE {where} AND t.status = 'pending'",
        params,
    )
    if not rows:
        return None
    reached = {
        row["d_target"]: (row["d_outcome"], row["d_message"])
        for row in rows
        if row["d_target"] is not None
    }
    return from_row(Timer, rows[0]), reached


async def deliveries(conn: Connection, timer_id: int) -> Deliveries:
    """What a timer reached: its outcome and message per target."""
    rows = await fetch_rows(
        conn,
        "SELECT target, outcome, message_id FROM timer_deliveries WHERE timer_id = ?",
        (timer_id,),
    )
    return {row[0]: (row[1], row[2]) for row in rows}


async def sent_under(conn: Connection, kind: str, key_prefix: str) -> list[tuple[Timer, str, int]]:
    """The messages timers of ``kind`` whose key starts with ``key_prefix`` sent: each
    timer with the target it reached and the message (to edit it later)."""
    rows = await fetch_rows(
        conn,
        """
        SELECT t.*, d.target AS d_target, d.message_id AS d_message FROM timers t
            JOIN timer_deliveries d ON d.timer_id = t.id
        WHERE t.kind = ? AND t.key >= ? AND t.key < ? AND substr(t.key, 1, ?) = ?
            AND d.outcome = 'sent' AND d.message_id IS NOT NULL
        ORDER BY t.id
        """,
        (kind, key_prefix, key_prefix + _LAST_CHARACTER, len(key_prefix), key_prefix),
    )
    return [(from_row(Timer, row), row["d_target"], int(row["d_message"])) for row in rows]


async def delivered_targets(conn: Connection, timer_id: int) -> dict[str, str]:
    return {target: outcome for target, (outcome, _) in (await deliveries(conn, timer_id)).items()}


async def record_delivery(
    conn: Connection,
    timer_id: int,
    target: str,
    outcome: str,
    message_id: int | None,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO timer_deliveries (timer_id, target, outcome, message_id, at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (timer_id, target) DO NOTHING
        """,
        (timer_id, target, outcome, message_id, instant_to_db(now)),
    )


async def purge_finished_before(conn: Connection, cutoff: datetime) -> int:
    cursor = await conn.execute(
        "DELETE FROM timers WHERE status != 'pending' AND finished_at < ?",
        (instant_to_db(cutoff),),
    )
    return cursor.rowcount


async def forget_targets(conn: Connection, targets: list[str]) -> None:
    """Drop delivery records naming these targets (a member's erasure)."""
    await conn.executemany("DELETE FROM timer_deliveries WHERE target = ?", [(t,) for t in targets])
