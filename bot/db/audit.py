"""The audit log of admin and facilitator actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.db.codec import Table, fetch_value, instant_to_db, json_to_db
from bot.db.connection import Connection
from bot.db.erasure import unsign
from bot.frozen import Frozen


class AuditEntry(Frozen):
    id: int
    guild_id: int
    actor_id: int | None
    action: str
    detail: dict[str, Any]
    at: datetime


async def record(
    conn: Connection,
    guild_id: int,
    actor_id: int | None,
    action: str,
    detail: dict[str, Any],
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (guild_id, actor_id, action, detail, at) VALUES (?, ?, ?, ?, ?)",
        (guild_id, actor_id, action, json_to_db(detail), instant_to_db(now)),
    )


_AUDIT_LOG = Table("audit_log", AuditEntry)


async def recent(conn: Connection, guild_id: int, limit: int = 50) -> list[AuditEntry]:
    return await _AUDIT_LOG.all(conn, "guild_id = ? ORDER BY id DESC LIMIT ?", guild_id, limit)


async def latest_of(
    conn: Connection, guild_id: int, actions: Sequence[str], limit: int = 500
) -> list[AuditEntry]:
    """A community's newest entries of any of ``actions``, newest first (at most
    ``limit``)."""
    marks = ", ".join("?" for _ in actions)
    return await _AUDIT_LOG.all(
        conn,
        f"guild_id = ? AND action IN ({marks}) ORDER BY id DESC LIMIT ?",
        guild_id,
        *actions,
        limit,
    )


async def set_detail(conn: Connection, entry_id: int, detail: dict[str, Any]) -> None:
    """Say what entry ``entry_id`` concerns as it is known now (an item numbered since)."""
    await conn.execute(
        "UPDATE audit_log SET detail = ? WHERE id = ?", (json_to_db(detail), entry_id)
    )


async def by_actor(conn: Connection, guild_id: int, actor_id: int) -> list[AuditEntry]:
    return await _AUDIT_LOG.all(
        conn, "guild_id = ? AND actor_id = ? ORDER BY id", guild_id, actor_id
    )


async def forget_actor(conn: Connection, guild_id: int, actor_id: int) -> None:
    """Keep what was done, drop who did it (``/me delete``)."""
    await unsign(conn, "audit_log", "actor_id", guild_id, actor_id)


async def purge_before(conn: Connection, cutoff: datetime) -> int:
    cursor = await conn.execute("DELETE FROM audit_log WHERE at < ?", (instant_to_db(cutoff),))
    return cursor.rowcount


async def page(
    conn: Connection, guild_id: int, *, offset: int, limit: int, action_prefix: str | None
) -> tuple[list[AuditEntry], int]:
    """One page of the log, newest first, and how many entries match in all."""
    where = "guild_id = ?"
    params: list[Any] = [guild_id]
    if action_prefix:
        where += " AND substr(action, 1, ?) = ?"
        params += [len(action_prefix), action_prefix]
    entries = await _AUDIT_LOG.all(
        conn, f"{where} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?", *params, limit, offset
    )
    count = await fetch_value(conn, f"SELECT COUNT(*) FROM audit_log WHERE {where}", params)  # noqa: S608
    return entries, int(count or 0)
