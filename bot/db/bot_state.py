"""Small facts the bot keeps about itself (e.g. the hash of the last command sync)."""

from __future__ import annotations

from bot.db.codec import fetch_value
from bot.db.connection import Connection


async def get(conn: Connection, key: str) -> str | None:
    value = await fetch_value(conn, "SELECT value FROM bot_state WHERE key = ?", (key,))
    return None if value is None else str(value)


async def put(conn: Connection, key: str, value: str) -> None:
    await conn.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
