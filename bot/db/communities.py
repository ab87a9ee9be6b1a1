"""Per-guild settings of a community."""

from __future__ import annotations

from datetime import datetime

from bot.db.codec import Table, instant_to_db, json_to_db
from bot.db.connection import Connection
from bot.frozen import Frozen


class CommunityPlaces(Frozen):
    """The channels a community's features post in and its facilitators' role."""

    checkin_channel_id: int | None = None
    questions_channel_id: int | None = None
    announcements_channel_id: int | None = None
    facilitator_role_id: int | None = None
    moderation_channel_id: int | None = None


class CommunitySettings(CommunityPlaces):
    """What ``/plc setup`` writes; a channel or role not given is not set."""

    timezone: str
    language: str


class Community(CommunitySettings):
    """A community's settings as stored, with what the bot keeps beside them."""

    guild_id: int
    reminder_offsets: tuple[int, ...]
    left_at: datetime | None = None


class SetupChanges(CommunityPlaces):
    """What an admin gave to ``/plc setup``: ``None`` keeps the current value."""

    timezone: str | None = None
    language: str | None = None

    def applied_to(
        self, existing: CommunitySettings | None, defaults: CommunitySettings
    ) -> CommunitySettings:
        base = existing or defaults
        given = self.model_dump(exclude_none=True)
        return base.model_copy(update=given)


_COMMUNITIES = Table("communities", Community)


async def get(conn: Connection, guild_id: int) -> Community | None:
    return await _COMMUNITIES.one(conn, "guild_id = ?", guild_id)


async def all_active(conn: Connection) -> list[Community]:
    """Every community the bot still serves."""
    return await _COMMUNITIES.all(conn, "left_at IS NULL")


async def upsert(
    conn: Connection,
    guild_id: int,
    settings: CommunitySettings,
    reminder_offsets: list[int],
    now: datetime,
) -> None:
    values = settings.model_dump()
    await conn.execute(
        """
        INSERT INTO communities (guild_id, timezone, language, checkin_channel_id,
            questions_channel_id, announcements_channel_id, facilitator_role_id,
            moderation_channel_id, reminder_offsets, created_at, updated_at)
        VALUES (:guild_id, :timezone, :language, :checkin_channel_id, :questions_channel_id,
            :announcements_channel_id, :facilitator_role_id, :moderation_channel_id,
            :reminder_offsets, :now, :now)
        ON CONFLICT (guild_id) DO UPDATE SET
            timezone = excluded.timezone,
            language = excluded.language,
            checkin_channel_id = excluded.checkin_channel_id,
            questions_channel_id = excluded.questions_channel_id,
            announcements_channel_id = excluded.announcements_channel_id,
            facilitator_role_id = excluded.facilitator_role_id,
            moderation_channel_id = excluded.moderation_channel_id,
            updated_at = excluded.updated_at,
            left_at = NULL
        """,
        {
            **values,
            "guild_id": guild_id,
            "reminder_offsets": json_to_db(reminder_offsets),
            "now": instant_to_db(now),
        },
    )


async def mark_left(conn: Connection, guild_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE communities SET left_at = ? WHERE guild_id = ? AND left_at IS NULL",
        (instant_to_db(now), guild_id),
    )


async def mark_back(conn: Connection, guild_id: int) -> None:
    await conn.execute("UPDATE communities SET left_at = NULL WHERE guild_id = ?", (guild_id,))


async def purge_left_before(conn: Connection, cutoff: datetime) -> int:
    """Delete communities that removed the bot before ``cutoff`` (cascades to everything)."""
    cursor = await conn.execute(
        "DELETE FROM communities WHERE left_at IS NOT NULL AND left_at < ?",
        (instant_to_db(cutoff),),
    )
    return cursor.rowcount
