"""The community itself: its set-up, who may do what in it, and its status."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.actor import Actor
from bot.chat import Card
from bot.db import audit
from bot.db import communities as communities_db
from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.db.communities import Community, CommunitySettings, SetupChanges
from bot.db.connection import Connection
from bot.errors import NotFacilitator, NotSetUp, UserError
from bot.frozen import Frozen
from bot.i18n import LANGUAGES, Catalog, Language
from bot.interactions.commands import Access
from bot.services.base import Core, StatusProvider
from bot.services.community.settings_cache import SettingsCache
from bot.services.community.status import CommunityStatus, StatusReader
from bot.services.community.welcome import Greeter
from bot.timezones import require_timezone

log = logging.getLogger(__name__)

#: The channels ``/plc setup`` takes; members answer in threads in the first two.
CHANNELS = (
    "checkin_channel_id",
    "questions_channel_id",
    "announcements_channel_id",
    "moderation_channel_id",
)
THREADED = frozenset({"checkin_channel_id", "questions_channel_id"})
#: How long the data of a community that removed the bot is kept.
GUILD_GONE = timedelta(days=30)


class SetupResult(Frozen):
    """What ``/plc setup`` saved, and what the admin should know about it."""

    community: Community
    created: bool
    moderation_hidden: bool = False
    """The facilitator role lacks the platform permission that shows the message command
    moderating questions (Discord: Manage Messages for Apps › Moderate)."""
    moderation_public: bool = False
    """Every member can read the moderation channel, where questions wait for review."""


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


class CommunityService:
    """One per process (``build_app`` builds it): the only writer of ``communities``, so
    it keeps the settings every command reads first (:class:`SettingsCache`)."""

    def __init__(self, core: Core, greeter: Greeter | None = None) -> None:
        self._core = core
        self._greeter = greeter
        self._status_providers: list[StatusProvider] = []
        self._status = StatusReader(core)
        self._settings = SettingsCache()

    @property
    def catalog(self) -> Catalog:
        return self._core.catalog

    def add_status_provider(self, provider: StatusProvider) -> None:
        self._status_providers.append(provider)

    async def get(self, guild_id: int) -> Community | None:
        if self._settings.knows(guild_id):
            return self._settings.get(guild_id)
        generation = self._settings.generation
        async with self._core.db.read() as conn:
            community = await communities_db.get(conn, guild_id)
        self._settings.keep(guild_id, community, generation)
        return community

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

    # -- who may do what ---------------------------------------------------------------------

    async def is_facilitator(self, actor: Actor) -> bool:
        """Facilitators: the community's facilitator role, or whoever manages the server."""
        if actor.manages_guild:
            return True
        community = await self.require(actor.guild_id)
        return facilitates(actor, community)

    async def require_facilitator(self, actor: Actor) -> Community:
        """The community, if ``actor`` may facilitate it; else the refusal, whatever the
        platform's own permission settings let through."""
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

    # -- set-up ------------------------------------------------------------------------------

    async def set_up(self, actor: Actor, changes: SetupChanges) -> SetupResult:
        """``/plc setup``: :meth:`configure`, then what the platform hides from the
        facilitators that the admin can fix."""
        community, created = await self.configure(actor, changes)
        return SetupResult(
            community=community,
            created=created,
            moderation_hidden=await self._moderation_hidden(community),
            moderation_public=await self._moderation_public(community),
        )

    async def configure(self, actor: Actor, changes: SetupChanges) -> tuple[Community, bool]:
        """Check the bot can work in each channel given, merge the changes into the
        current settings (or the defaults), save them, and try again the channels an
        admin may just have fixed."""
        self.require_manager(actor)
        await self._check_channels(actor.guild_id, changes)
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

    async def _check_channels(self, guild_id: int, changes: SetupChanges) -> None:
        """Refuse a channel the bot cannot post in (or open threads in, where members
        answer in threads), naming what it lacks there."""
        for name in CHANNELS:
            channel_id = getattr(changes, name)
            if channel_id is None:
                continue
            check = await self._core.chat.can_post(guild_id, channel_id, threads=name in THREADED)
            check.require(
                channel_id,
                gone="admin.errors.channel_missing",
                lacking="admin.errors.channel_permission",
            )

    async def _moderation_hidden(self, community: Community) -> bool:
        """Whether the facilitators, by their role, cannot see the message command that
        moderates questions (a feature of its own, maybe turned off)."""
        role_id = community.facilitator_role_id
        if role_id is None or "questions" not in self._core.settings.enabled_features():
            return False
        can = await self._core.chat.role_can_moderate_messages(community.guild_id, role_id)
        return can is False

    async def _moderation_public(self, community: Community) -> bool:
        """Whether every member can read the channel where questions wait for review."""
        channel_id = community.moderation_channel_id
        if channel_id is None or "questions" not in self._core.settings.enabled_features():
            return False
        readable = await self._core.chat.everyone_can_read(community.guild_id, channel_id)
        return readable is True

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
        async with self._changing(guild_id) as conn:
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

    # -- status and what goes wrong -------------------------------------------------------------

    async def status(self, guild_id: int) -> CommunityStatus:
        community = await self.require(guild_id)
        return await self._status.read(community, self._status_providers)

    async def record_error(self, guild_id: int, ref: str) -> None:
        """Keep the reference of an unexpected error, so facilitators can quote it."""
        await self._status.record_error(guild_id, ref)

    async def server_object_gone(self, guild_id: int, object_id: int, reason: str) -> bool:
        """A channel or role was deleted, or the bot lost access to it.

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

    async def bot_left(self, guild_id: int) -> None:
        async with self._changing(guild_id) as conn:
            await communities_db.mark_left(conn, guild_id, self._core.clock.now())

    async def bot_joined(self, guild_id: int, *, by_language: Language | None = None) -> None:
        """The bot was added: a community that had removed it is back, with its settings;
        one never set up is greeted (what the bot does, where to begin), in the language
        of whoever added it when the platform says (``by_language``)."""
        async with self._changing(guild_id) as conn:
            await communities_db.mark_back(conn, guild_id)
        if self._greeter is not None and await self.get(guild_id) is None:
            await self._greeter.greet(guild_id, by_language)

    async def purge_gone(self, conn: Connection, now: datetime) -> int:
        """Delete the communities that removed the bot before ``now - GUILD_GONE`` (their
        rows cascade): a rule of the retention purge, in its transaction."""
        self._settings.forget_all()
        return await communities_db.purge_left_before(conn, now - GUILD_GONE)

    @asynccontextmanager
    async def _changing(self, guild_id: int) -> AsyncIterator[Connection]:
        """A transaction that writes the community's row: the kept settings are dropped
        when it starts (a read meanwhile waits for it) and again once it is over."""
        try:
            async with self._core.db.transaction() as conn:
                self._settings.forget(guild_id)
                yield conn
        finally:
            self._settings.forget(guild_id)


def facilitates(actor: Actor, community: Community) -> bool:
    """The one rule of who is a facilitator (services call it; adapters never compare roles)."""
    return actor.manages_guild or actor.has_role(community.facilitator_role_id)
