"""Community set-up and status (SPEC §3)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.actor import Actor
from bot.chat import Card
from bot.db import audit, bot_state
from bot.db import communities as communities_db
from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.db import timers as timers_db
from bot.db.communities import Community, CommunitySettings, SetupChanges
from bot.db.connection import Connection
from bot.db.targets import PausedTarget
from bot.errors import NotFacilitator, NotSetUp, UserError
from bot.frozen import Frozen
from bot.i18n import LANGUAGES, Catalog
from bot.interactions.commands import Access
from bot.missed import MISSED_TARGET
from bot.services.base import Core, StatusLine, StatusProvider
from bot.timezones import require_timezone


class CommunityStatus(Frozen):
    community: Community
    lines: list[StatusLine]
    missed: list[StatusLine]
    """What became of the timers missed in the last 7 days, as each kind declared it."""
    paused: list[PausedTarget]
    """Channels and roles Discord refused us: what targets them waits for an admin."""
    database_bytes: int
    """The database file and its write-ahead log, on disk."""
    scheduled: int
    """Pending timers of this community (reminders, posts, check-ins, sessions…)."""
    last_error: ErrorRecord | None


class ErrorRecord(Frozen):
    """The reference an unexpected error was logged under, for ``/plc status``."""

    ref: str
    at: datetime


log = logging.getLogger(__name__)


def _used_ids(community: Community) -> set[int]:
    """The channels and the role the community's settings point at."""
    used = {
        community.checkin_channel_id,
        community.questions_channel_id,
        community.announcements_channel_id,
        community.moderation_channel_id,
        community.facilitator_role_id,
    }
    return {i for i in used if i is not None}


def _last_error_key(guild_id: int) -> str:
    return f"last_error:{guild_id}"


class CommunityService:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._status_providers: list[StatusProvider] = []

    @property
    def catalog(self) -> Catalog:
        return self._core.catalog

    def add_status_provider(self, provider: StatusProvider) -> None:
        self._status_providers.append(provider)

    async def get(self, guild_id: int) -> Community | None:
        async with self._core.db.read() as conn:
            return await communities_db.get(conn, guild_id)

    async def require(self, guild_id: int | None) -> Community:
        """The community, or the "run /plc setup first" refusal."""
        if guild_id is None:
            raise UserError("errors.guild_only")
        community = await self.get(guild_id)
        if community is None or community.left_at is not None:
            raise NotSetUp()
        return community

    async def reading_zone(self, community: Community, user_id: int) -> str:
        """The zone a member's typed dates are read in: their own (``/me timezone``),
        else the community's."""
        async with self._core.db.read() as conn:
            member = await members_db.get(conn, community.guild_id, user_id)
        return (member.timezone if member is not None else None) or community.timezone

    async def is_facilitator(self, actor: Actor) -> bool:
        """Facilitators: the community's facilitator role, or whoever manages the server."""
        if actor.manages_guild:
            return True
        community = await self.require(actor.guild_id)
        return facilitates(actor, community)

    async def require_facilitator(self, actor: Actor) -> Community:
        """The community, if ``actor`` may facilitate it; else the refusal (RELIABILITY D3)."""
        community = await self.require(actor.guild_id)
        if not facilitates(actor, community):
            raise NotFacilitator()
        return community

    @staticmethod
    def require_manager(actor: Actor) -> None:
        """Server settings are for those who manage the server."""
        if not actor.manages_guild:
            raise UserError("errors.manage_server_required")

    async def require_access(self, access: Access, actor: Actor) -> None:
        """Who may run a command, whatever the platform's own permission settings say."""
        if access == "manager":
            self.require_manager(actor)
        elif access == "facilitator" and not await self.is_facilitator(actor):
            raise NotFacilitator()

    async def configure(self, actor: Actor, changes: SetupChanges) -> tuple[Community, bool]:
        """``/plc setup``: merge the changes into the current settings (or the defaults),
        save them, and try again the channels an admin may just have fixed."""
        self.require_manager(actor)
        existing = await self.get(actor.guild_id)
        defaults = CommunitySettings(
            timezone=self._core.settings.defaults.timezone,
            language=actor.language,
        )
        current = CommunitySettings.model_validate(existing.model_dump()) if existing else None
        # Re-running setup is the admin's signal that lost channels were fixed.
        given = changes.model_dump(exclude_none=True)
        channels = [v for k, v in given.items() if k.endswith("_channel_id")]
        return await self.setup(
            actor.guild_id,
            actor.user_id,
            changes.applied_to(current, defaults),
            resume_channels=channels,
        )

    async def setup(
        self,
        guild_id: int,
        actor_id: int,
        settings: CommunitySettings,
        *,
        resume_channels: list[int] | None = None,
    ) -> tuple[Community, bool]:
        """Create or edit the community; returns it and whether it is new."""
        zone = require_timezone(settings.timezone)
        if settings.language not in LANGUAGES:
            raise UserError("admin.errors.bad_language", language=settings.language)
        settings = settings.model_copy(update={"timezone": zone})
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            existing = await communities_db.get(conn, guild_id)
            offsets = (
                list(existing.reminder_offsets)
                if existing
                else self._core.settings.defaults.reminder_offsets_minutes
            )
            await communities_db.upsert(conn, guild_id, settings, offsets, now)
            await audit.record(
                conn,
                guild_id,
                actor_id,
                "community.setup" if existing is None else "community.edit",
                settings.model_dump(),
                now,
            )
            await targets_db.clear(conn, guild_id, resume_channels or [])
            community = await communities_db.get(conn, guild_id)
        assert community is not None
        return community, existing is None

    async def status(self, guild_id: int) -> CommunityStatus:
        community = await self.require(guild_id)
        lines: list[StatusLine] = []
        for provider in self._status_providers:
            lines.extend(await provider.status_lines(guild_id))
        since = self._core.clock.now() - timedelta(days=7)
        async with self._core.db.read() as conn:
            missed = await self._missed_lines(conn, guild_id, since)
            scheduled = await timers_db.count_pending(conn, guild_id)
            last_error = await bot_state.get(conn, _last_error_key(guild_id))
            paused = await targets_db.paused(conn, guild_id)
        return CommunityStatus(
            community=community,
            lines=lines,
            missed=missed,
            paused=paused,
            database_bytes=self._core.db.size_on_disk(),
            scheduled=scheduled,
            last_error=ErrorRecord.model_validate_json(last_error) if last_error else None,
        )

    async def _missed_lines(
        self, conn: Connection, guild_id: int, since: datetime
    ) -> list[StatusLine]:
        """One line per outcome: the kind's declared sentence when its missed path did what
        it declared; a plain one when it could not (nobody to tell) or is unknown (a
        timer missed before kinds declared it, or a feature turned off since)."""
        counts: dict[str, int] = {}
        for timer in await timers_db.recent_missed(conn, guild_id, since):
            declared = self._core.scheduler.when_missed(timer.kind)
            result = (await timers_db.delivered_targets(conn, timer.id)).get(MISSED_TARGET)
            if result == "moot":
                continue  # it no longer applied: nothing was missed
            if declared is None or result is None:
                key = "admin.status.missed"
            elif result == "undone" and declared.policy == "tell":
                key = "admin.status.missed_untold"
            else:
                key = declared.said
            counts[key] = counts.get(key, 0) + 1
        return [StatusLine(key=key, params={"count": count}) for key, count in counts.items()]

    async def server_object_gone(self, guild_id: int, object_id: int, reason: str) -> bool:
        """A channel or role was deleted, or the bot lost access to it (RELIABILITY D6).

        If the community uses it, what targets it is paused and the facilitators are told
        once, in another channel; True when this was news. Re-running ``/plc setup`` with
        a working channel or role resumes.
        """
        community = await self.get(guild_id)
        if community is None or object_id not in _used_ids(community):
            return False
        return await self._core.chat.target_lost(guild_id, object_id, reason)

    async def tell_facilitators(
        self, community: Community, card: Card, *, nonce: str | None = None
    ) -> bool:
        """Post ``card`` where the facilitators read (:meth:`bot.chat.Chat.tell_facilitators`)."""
        return await self._core.chat.tell_facilitators(community.guild_id, card, nonce=nonce)

    async def record_error(self, guild_id: int, ref: str) -> None:
        """Keep the reference of an unexpected error, so facilitators can quote it."""
        record = ErrorRecord(ref=ref, at=self._core.clock.now())
        async with self._core.db.transaction() as conn:
            await bot_state.put(conn, _last_error_key(guild_id), record.model_dump_json())

    async def bot_left(self, guild_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await communities_db.mark_left(conn, guild_id, self._core.clock.now())

    async def bot_joined(self, guild_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await communities_db.mark_back(conn, guild_id)


def facilitates(actor: Actor, community: Community) -> bool:
    """The one rule of who is a facilitator (services call it; cogs never compare roles)."""
    return actor.manages_guild or actor.has_role(community.facilitator_role_id)
