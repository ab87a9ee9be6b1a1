"""Timers claimed for a while by the process that fires them, on a database several
processes share (PostgreSQL). SQLite serves one process and never claims.

A claim is ``lease_owner`` and ``lease_until`` on the timer's row; closing the timer
clears it (:func:`bot.db.timers.finish`). A claim not renewed by its end is free again,
so the timers of a process that died are fired by another.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.db import timers as timers_db
from bot.db.codec import fetch_rows, fetch_value, instant_from_db, instant_to_db
from bot.db.connection import Connection

#: A claimed timer: its id, kind and key.
Claimed = tuple[int, str, str]

_FREE = "(lease_until IS NULL OR lease_until <= ?)"


async def claim_due(
    conn: Connection,
    owner: str,
    due_by: datetime,
    now: datetime,
    until: datetime,
    kinds: Collection[str],
    limit: int,
    *,
    taken_over: bool = False,
) -> list[Claimed]:
    """Claim up to ``limit`` unclaimed timers of ``kinds`` due by ``due_by``, oldest
    first. Rows another process is claiming at this instant are skipped, not waited
    for, so processes claiming together split the due timers between them.

    ``taken_over``: only timers another process claimed and did not renew (it died)."""
    if not kinds:
        return []
    kind_sql, kind_params = timers_db.kinds_filter(kinds)
    free_sql, free_params = (
        ("lease_owner <> ? AND lease_until <= ?", (owner, instant_to_db(now)))
        if taken_over
        else (_FREE, (instant_to_db(now),))
    )
    rows = await fetch_rows(
        conn,
        f"""
        UPDATE timers SET lease_owner = ?, lease_until = ?
        WHERE id IN (
            SELECT id FROM timers
            WHERE status = 'pending' AND COALESCE(retry_at, due_at) <= ? {kind_sql}
              AND {free_sql}
            ORDER BY due_at, id LIMIT ?
            FOR UPDATE SKIP LOCKED
        )
        RETURNING id, kind, key
        """,  # noqa: S608
        (
            owner,
            instant_to_db(until),
            instant_to_db(due_by),
            *kind_params,
            *free_params,
            limit,
        ),
    )
    return sorted((int(row[0]), str(row[1]), str(row[2])) for row in rows)


async def claim(
    conn: Connection, owner: str, kind: str, key: str, now: datetime, until: datetime
) -> bool:
    """Claim one pending timer (or extend this owner's claim); False if another process
    holds it, or it is not pending."""
    cursor = await conn.execute(
        f"""
        UPDATE timers SET lease_owner = ?, lease_until = ?
        WHERE kind = ? AND key = ? AND status = 'pending'
          AND ({_FREE} OR lease_owner = ?)
        """,  # noqa: S608
        (owner, instant_to_db(until), kind, key, instant_to_db(now), owner),
    )
    return cursor.rowcount > 0


async def renew(conn: Connection, owner: str, until: datetime) -> int:
    """Move every claim ``owner`` still holds to ``until``; how many it holds."""
    cursor = await conn.execute(
        "UPDATE timers SET lease_until = ? WHERE lease_owner = ? AND status = 'pending'",
        (instant_to_db(until), owner),
    )
    return cursor.rowcount


async def release(conn: Connection, owner: str, timer_ids: Sequence[int]) -> None:
    """Give back ``owner``'s claims on these timers, still pending (not run after all)."""
    if not timer_ids:
        return
    marks = ", ".join("?" * len(timer_ids))
    await conn.execute(
        "UPDATE timers SET lease_owner = NULL, lease_until = NULL "  # noqa: S608
        f"WHERE id IN ({marks}) AND lease_owner = ? AND status = 'pending'",
        (*timer_ids, owner),
    )


async def release_key(conn: Connection, owner: str, kind: str, key: str) -> None:
    await conn.execute(
        "UPDATE timers SET lease_owner = NULL, lease_until = NULL "
        "WHERE kind = ? AND key = ? AND lease_owner = ? AND status = 'pending'",
        (kind, key, owner),
    )


async def next_wake(conn: Connection, now: datetime, kinds: Collection[str]) -> datetime | None:
    """When there is next something for this process to claim: the earliest unclaimed
    timer of ``kinds``, or the earliest end of another's claim (its process may die)."""
    if not kinds:
        return None
    free = await timers_db.next_wake(conn, kinds, also=f"AND {_FREE}", params=(instant_to_db(now),))
    kind_sql, kind_params = timers_db.kinds_filter(kinds)
    claim_ends = await fetch_value(
        conn,
        "SELECT MIN(lease_until) FROM timers "  # noqa: S608
        f"WHERE status = 'pending' {kind_sql} AND lease_until > ?",
        (*kind_params, instant_to_db(now)),
    )
    claimed = instant_from_db(claim_ends) if claim_ends else None
    found = [wake for wake in (free, claimed) if wake is not None]
    return min(found) if found else None
