"""Channels and roles Discord refused us (deleted, access lost): paused, told once."""

from __future__ import annotations

from datetime import datetime

from bot.db.codec import exists, fetch_all, instant_to_db
from bot.db.connection import Connection
from bot.frozen import Frozen


async def mark_unreachable(
    conn: Connection, guild_id: int, target_id: int, reason: str, now: datetime
) -> bool:
    """Pause ``target_id``; True only the first time (so admins are told once). A community
    with no row (the bot just added, not set up) has nothing to pause: False."""
    if not await exists(conn, "SELECT 1 FROM communities WHERE guild_id = ?", (guild_id,)):
        return False
    cursor = await conn.execute(
        """
        INSERT INTO unreachable_targets (guild_id, target_id, reason, since)
        VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, target_id) DO NOTHING
        """,
        (guild_id, target_id, reason, instant_to_db(now)),
    )
    return cursor.rowcount > 0


async def is_unreachable(conn: Connection, guild_id: int, target_id: int) -> bool:
    return await exists(
        conn,
        "SELECT 1 FROM unreachable_targets WHERE guild_id = ? AND target_id = ?",
        (guild_id, target_id),
    )


async def clear(conn: Connection, guild_id: int, target_ids: list[int]) -> None:
    await conn.executemany(
        "DELETE FROM unreachable_targets WHERE guild_id = ? AND target_id = ?",
        [(guild_id, target_id) for target_id in target_ids],
    )


class PausedTarget(Frozen):
    target_id: int
    reason: str
    since: datetime


async def paused(conn: Connection, guild_id: int) -> list[PausedTarget]:
    return await fetch_all(
        conn,
        PausedTarget,
        "SELECT target_id, reason, since FROM unreachable_targets WHERE guild_id = ? "
        "ORDER BY since",
        (guild_id,),
    )
