"""Small facts the bot keeps about itself (e.g. the hash of the last command sync)."""

from __future__ import annotations

from bot.db.connection import Connection


async def get(conn: Connection, key: str) -> str | None:
    cursor = await conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,))
    row = await cursor.fetchone()
    return str(row[0]) if row else None


async def put(conn: Connection, key: str, value: str) -> None:
    await conn.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
