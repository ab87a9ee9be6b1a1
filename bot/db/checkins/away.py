"""Who is expected to answer, and who was away during a check-in's week."""

from __future__ import annotations

from bot.db.codec import fetch_column
from bot.db.connection import Connection


async def community_members(conn: Connection, guild_id: int) -> list[int]:
    """Members the bot knows in this community: a row in ``members`` (created when someone
    uses a feature, sets a goal or answers), never the server's member list, which the bot
    does not copy."""
    return await fetch_column(
        conn,
        "SELECT user_id FROM members WHERE guild_id = ? AND left_at IS NULL ORDER BY user_id",
        (guild_id,),
    )


async def record_away(conn: Connection, checkin_id: int, user_ids: list[int]) -> None:
    await conn.executemany(
        "INSERT INTO checkin_away (checkin_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(checkin_id, user_id) for user_id in user_ids],
    )


async def forget_away(conn: Connection, checkin_id: int, user_ids: list[int]) -> None:
    """``user_ids`` were not away during the check-in after all (they answered it)."""
    await conn.executemany(
        "DELETE FROM checkin_away WHERE checkin_id = ? AND user_id = ?",
        [(checkin_id, user_id) for user_id in user_ids],
    )


async def away_during(conn: Connection, checkin_id: int) -> set[int]:
    sql = "SELECT user_id FROM checkin_away WHERE checkin_id = ?"
    return set(await fetch_column(conn, sql, (checkin_id,)))


async def away_weeks_of_member(conn: Connection, guild_id: int, user_id: int) -> set[int]:
    """The check-ins (ids) during which the member was recorded away."""
    sql = """
        SELECT w.checkin_id FROM checkin_away w JOIN checkins c ON c.id = w.checkin_id
        WHERE c.guild_id = ? AND w.user_id = ?
    """
    return set(await fetch_column(conn, sql, (guild_id, user_id)))


async def delete_away_of_member(conn: Connection, guild_id: int, user_id: int) -> None:
    await conn.execute(
        """
        DELETE FROM checkin_away WHERE user_id = ?
            AND checkin_id IN (SELECT id FROM checkins WHERE guild_id = ?)
        """,
        (user_id, guild_id),
    )
