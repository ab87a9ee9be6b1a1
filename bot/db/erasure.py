"""What a member's erasure does to a table (``/me delete``, SPEC §3, RELIABILITY G2):
their rows go, or the rows stay and stop naming them."""

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
