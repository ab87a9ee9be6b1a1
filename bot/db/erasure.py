"""What a member's erasure does to a table (``/me delete``, or a member gone for 30 days):
their rows go, or the rows stay and stop naming them, so no trace of them is left."""

from __future__ import annotations

from bot.db.connection import Connection


async def delete_rows(
    conn: Connection, table: str, guild_id: int, user_id: int, *, column: str = "user_id"
) -> None:
    """Delete the member's rows of ``table`` in this community (``column`` names them)."""
    await conn.execute(
        f"DELETE FROM {table} WHERE guild_id = ? AND {column} = ?",  # noqa: S608 - fixed names
        (guild_id, user_id),
    )


async def unsign(conn: Connection, table: str, column: str, guild_id: int, user_id: int) -> None:
    """Keep the rows, drop the member's name from them: ``column`` becomes NULL."""
    await conn.execute(
        f"UPDATE {table} SET {column} = NULL WHERE guild_id = ? AND {column} = ?",  # noqa: S608
        (guild_id, user_id),
    )
