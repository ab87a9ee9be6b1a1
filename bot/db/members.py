"""Members' own preferences: time zone, DM reminders, away dates, the language of their DMs."""

from __future__ import annotations

from datetime import date, datetime

from bot.db.codec import Table, fetch_rows, fetch_value, instant_to_db, placeholders
from bot.db.connection import Connection
from bot.db.erasure import delete_rows
from bot.frozen import Frozen
from bot.i18n import Language


class Member(Frozen):
    guild_id: int
    user_id: int
    timezone: str | None
    dm_reminders: bool
    away_until: date | None
    dm_closed_at: datetime | None
    created_at: datetime
    left_at: datetime | None
    dm_channel_id: int | None = None
    """The bot's DM channel with the member, once Discord gave it."""
    language: Language | None = None
    """The language the member chose for their DMs (``/me language``); None follows their
    client."""
    client_language: Language | None = None
    """The language the member's chat client spoke when they last acted."""

    def is_away(self, today: date) -> bool:
        return self.away_until is not None and today <= self.away_until


_MEMBERS = Table("members", Member)


async def get(conn: Connection, guild_id: int, user_id: int) -> Member | None:
    return await _MEMBERS.one(conn, "guild_id = ? AND user_id = ?", guild_id, user_id)


async def get_many(conn: Connection, guild_id: int, user_ids: list[int]) -> dict[int, Member]:
    if not user_ids:
        return {}
    marks = placeholders(user_ids)
    found = await _MEMBERS.all(conn, f"guild_id = ? AND user_id IN ({marks})", guild_id, *user_ids)
    return {member.user_id: member for member in found}


async def ensure(
    conn: Connection,
    guild_id: int,
    user_id: int,
    now: datetime,
    *,
    client_language: Language | None = None,
) -> bool:
    """The member's row, made when new; ``client_language``, when the member is acting,
    what their client speaks (kept for their DMs), in the same statement. True if the row
    was made or changed."""
    # Most calls find the row as it should be (a member's every answer makes one): the
    # WHERE leaves it unwritten then (PostgreSQL writes a new row version for any update).
    cursor = await conn.execute(
        """
        INSERT INTO members (guild_id, user_id, created_at, client_language) VALUES (?, ?, ?, ?)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET left_at = NULL,
            client_language = COALESCE(excluded.client_language, members.client_language)
        WHERE members.left_at IS NOT NULL OR (excluded.client_language IS NOT NULL
            AND (members.client_language IS NULL
                OR members.client_language <> excluded.client_language))
        """,
        (guild_id, user_id, instant_to_db(now), client_language),
    )
    return cursor.rowcount > 0


async def set_timezone(conn: Connection, guild_id: int, user_id: int, timezone: str | None) -> None:
    await conn.execute(
        "UPDATE members SET timezone = ? WHERE guild_id = ? AND user_id = ?",
        (timezone, guild_id, user_id),
    )


async def set_dm_reminders(
    conn: Connection, guild_id: int, user_id: int, enabled: bool, now: datetime
) -> None:
    """The member's choice, their row made (as :func:`ensure` does) when new: one statement."""
    # Turning reminders back on is also the member saying "my DMs are open again".
    await conn.execute(
        """
        INSERT INTO members (guild_id, user_id, created_at, dm_reminders) VALUES (?, ?, ?, ?)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET left_at = NULL,
            dm_reminders = excluded.dm_reminders,
            dm_closed_at = CASE WHEN excluded.dm_reminders = 1 THEN NULL
                ELSE members.dm_closed_at END
        """,
        (guild_id, user_id, instant_to_db(now), int(enabled)),
    )


async def dm_reminders_as_chosen(
    conn: Connection, guild_id: int, user_id: int, enabled: bool
) -> bool:
    """True when :func:`set_dm_reminders` would change nothing: the member's row is there,
    they have not left, the choice is ``enabled``, and (turned on) their DMs are not known
    closed."""
    found = await fetch_value(
        conn,
        """
        SELECT 1 FROM members
        WHERE guild_id = ? AND user_id = ? AND left_at IS NULL AND dm_reminders = ?
            AND (dm_reminders = 0 OR dm_closed_at IS NULL)
        """,
        (guild_id, user_id, int(enabled)),
    )
    return found is not None


async def set_language(
    conn: Connection, guild_id: int, user_id: int, language: Language | None, now: datetime
) -> None:
    """The member's choice (None: follow their client), their row made when new."""
    await conn.execute(
        """
        INSERT INTO members (guild_id, user_id, created_at, language) VALUES (?, ?, ?, ?)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET left_at = NULL,
            language = excluded.language
        """,
        (guild_id, user_id, instant_to_db(now), language),
    )


async def set_client_language(
    conn: Connection, guild_id: int, user_id: int, language: Language
) -> None:
    """What the member's client speaks, on their row if the bot keeps one (an interaction
    alone does not make a member known to the bot)."""
    await conn.execute(
        """
        UPDATE members SET client_language = ?
        WHERE guild_id = ? AND user_id = ? AND (client_language IS NULL OR client_language <> ?)
        """,
        (language, guild_id, user_id, language),
    )


async def set_away_until(conn: Connection, guild_id: int, user_id: int, until: date | None) -> None:
    await conn.execute(
        "UPDATE members SET away_until = ? WHERE guild_id = ? AND user_id = ?",
        (until.isoformat() if until else None, guild_id, user_id),
    )


async def mark_dm_closed(conn: Connection, guild_id: int, user_id: int, now: datetime) -> bool:
    """Record that Discord refused a DM; True the first time (to log it once)."""
    cursor = await conn.execute(
        """
        UPDATE members SET dm_closed_at = ?
        WHERE guild_id = ? AND user_id = ? AND dm_closed_at IS NULL
        """,
        (instant_to_db(now), guild_id, user_id),
    )
    return cursor.rowcount > 0


async def set_dm_channel(
    conn: Connection, guild_id: int, user_id: int, channel_id: int | None
) -> None:
    await conn.execute(
        "UPDATE members SET dm_channel_id = ? WHERE guild_id = ? AND user_id = ?",
        (channel_id, guild_id, user_id),
    )


async def dm_channel(conn: Connection, guild_id: int, user_id: int) -> int | None:
    channel_id = await fetch_value(
        conn,
        "SELECT dm_channel_id FROM members WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return int(channel_id) if channel_id is not None else None


async def mark_left(conn: Connection, guild_id: int, user_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE members SET left_at = ? WHERE guild_id = ? AND user_id = ? AND left_at IS NULL",
        (instant_to_db(now), guild_id, user_id),
    )


async def delete(conn: Connection, guild_id: int, user_id: int) -> None:
    await delete_rows(conn, "members", guild_id, user_id)


async def left_before(conn: Connection, cutoff: datetime) -> list[tuple[int, int]]:
    rows = await fetch_rows(
        conn,
        "SELECT guild_id, user_id FROM members WHERE left_at IS NOT NULL AND left_at < ?",
        (instant_to_db(cutoff),),
    )
    return [(row[0], row[1]) for row in rows]
