"""The delivery policy around a chat platform: the :class:`Chat` every service sends through.

- A channel the platform refused (gone, access lost) is paused: later sends to it are
  skipped, not hammered, and the facilitators are told once, in another channel.
  ``/plc setup`` with a working channel resumes it.
- A member whose direct messages are refused is remembered, so reminders mention them in
  the channel instead and never retry the DM in a loop.
- The private channel the platform gave for a member's DMs is remembered, so the next
  DM is one request.
- A DM is written in the member's language: the one they chose (``/me language``), else
  the one their client spoke when they last acted (remembered in the database, so a
  restart keeps it), else the community's. Public posts keep the community's.
- A passing outage (:class:`bot.scheduler.RetryLater`) goes up to the caller's timer.

"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Unpack

from bot.chat import port
from bot.chat.refs import ChannelRef, RoleRef
from bot.chat.text import Trusted
from bot.clock import Clock
from bot.db import communities as communities_db
from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.db.engine import Engine
from bot.i18n import Language, language_for_locale
from bot.scheduler import nonce_for

log = logging.getLogger(__name__)


class Chat:
    """What services reach members through, whatever the platform."""

    def __init__(self, db: Engine, clock: Clock, platform: port.ChatPlatform) -> None:
        self._db = db
        self._clock = clock
        self.platform = platform
        # What each member's client spoke at their last interaction (this process), and
        # the language last compared with their row: an interaction reads the row once,
        # and writes only when the language changed.
        self._seen: dict[tuple[int, int], Language] = {}
        self._checked: dict[tuple[int, int], Language] = {}

    # -- sending --------------------------------------------------------------------------

    async def send(
        self, target: port.Target, card: port.Card, **options: Unpack[port.SendOptions]
    ) -> port.Posted | None:
        """Post ``card``; None when the target refused (recorded: the caller falls back)."""
        if isinstance(target, port.DirectMessage):
            return await self._dm(target, card, options)
        if await self.is_paused(target.guild_id, target.channel_id):
            return None
        try:
            return await self.platform.post(target, card, options)
        except port.TargetLost as lost:
            await self.target_lost(target.guild_id, target.channel_id, lost.reason)
            return None

    async def _dm(
        self, target: port.DirectMessage, card: port.Card, options: port.SendOptions
    ) -> port.Posted | None:
        async with self._db.read() as conn:
            member = await members_db.get(conn, target.guild_id, target.user_id)
        hint = member.dm_channel_id if member else None
        language = await self._language_of(target, member)
        if language is not None and language != card.language:
            card = card.model_copy(update={"language": language})
        aimed = port.DirectMessage(target.guild_id, target.user_id, channel_hint=hint)
        try:
            posted = await self.platform.post(aimed, card, options)
        except port.DmRefused:
            await self.dm_closed(target.guild_id, target.user_id)
            return None
        except port.RecipientGone:
            log.info("a member to write to no longer exists")
            return None
        if posted.channel_id != hint:
            await self.remember_dm_channel(target.guild_id, target.user_id, posted.channel_id)
        elif member is not None:
            await self._keep_seen(member)
        return posted

    async def edit(self, posted: port.Posted, card: port.Card) -> bool:
        """Replace a message's content; False if it is gone."""
        return await self.platform.edit(posted, card)

    async def delete(self, posted: port.Posted) -> bool:
        return await self.platform.delete(posted)

    async def start_thread(self, posted: port.Posted, name: str) -> port.Posted | None:
        return await self.platform.start_thread(posted, name)

    @property
    def events(self) -> port.EventCalendar:
        return self.platform.events

    # -- questions to the platform ----------------------------------------------------------

    async def can_post(
        self, guild_id: int, channel_id: int, *, threads: bool = False
    ) -> port.PostCheck:
        return await self.platform.can_post(guild_id, channel_id, threads=threads)

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        return await self.platform.member_names(guild_id, user_ids)

    async def is_member(self, guild_id: int, user_id: int) -> bool | None:
        return await self.platform.is_member(guild_id, user_id)

    async def _language_of(
        self, target: port.DirectMessage, member: members_db.Member | None
    ) -> Language | None:
        """The member's choice, else what their client spoke last (seen in this process,
        else kept on their row), else the platform's word; None: the card's own."""
        chosen = member.language if member else None
        seen = self._seen.get((target.guild_id, target.user_id))
        kept = member.client_language if member else None
        return (
            chosen
            or seen
            or kept
            or await self.platform.member_language(target.guild_id, target.user_id)
        )

    async def member_language(self, guild_id: int, user_id: int) -> Language | None:
        """The language the member's client spoke when last seen, else the platform's word."""
        seen = self._seen.get((guild_id, user_id))
        return seen or await self.platform.member_language(guild_id, user_id)

    async def saw_language(self, guild_id: int, user_id: int, language: Language) -> None:
        """A member acted with their client in ``language``: kept for their DMs, written
        on their row only when it changed (one cached comparison per interaction)."""
        key = (guild_id, user_id)
        self._seen[key] = language
        if self._checked.get(key) == language:
            return
        self._checked[key] = language
        try:
            async with self._db.read() as conn:
                member = await members_db.get(conn, guild_id, user_id)
            # No row: the member is not known to the bot (an interaction alone does not
            # make them so); what their client speaks is written when a DM or an RSVP
            # makes it.
            if member is not None:
                await self._keep_seen(member)
        except BaseException:
            self._checked.pop(key, None)  # not kept: tried again at their next action
            raise

    async def _keep_seen(self, member: members_db.Member) -> None:
        """Write on the member's row the language their client spoke last, if it differs."""
        seen = self._seen.get((member.guild_id, member.user_id))
        if seen is not None and member.client_language != seen:
            async with self._db.transaction() as conn:
                await members_db.set_client_language(conn, member.guild_id, member.user_id, seen)

    def forget_member(self, guild_id: int, user_id: int) -> None:
        """The member's data was erased: nothing of them stays in memory either."""
        self._seen.pop((guild_id, user_id), None)
        self._checked.pop((guild_id, user_id), None)

    async def community_name(self, guild_id: int) -> str | None:
        return await self.platform.community_name(guild_id)

    async def community_language(self, guild_id: int) -> Language | None:
        return await self.platform.community_language(guild_id)

    async def welcome_channel(self, guild_id: int) -> int | None:
        return await self.platform.welcome_channel(guild_id)

    async def role_can_moderate_messages(self, guild_id: int, role_id: int) -> bool | None:
        return await self.platform.role_can_moderate_messages(guild_id, role_id)

    async def everyone_can_read(self, guild_id: int, channel_id: int) -> bool | None:
        return await self.platform.everyone_can_read(guild_id, channel_id)

    async def channel_url(self, guild_id: int, channel_id: int) -> str | None:
        return await self.platform.channel_url(guild_id, channel_id)

    async def latency(self, guild_id: int) -> float | None:
        return await self.platform.latency(guild_id)

    # -- refusals ---------------------------------------------------------------------------

    async def is_paused(self, guild_id: int, target_id: int) -> bool:
        async with self._db.read() as conn:
            return await targets_db.is_unreachable(conn, guild_id, target_id)

    async def resume(self, guild_id: int, target_ids: list[int]) -> None:
        """Someone fixed things (``/plc setup``): try these targets again."""
        async with self._db.transaction() as conn:
            await targets_db.clear(conn, guild_id, target_ids)

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        """Remember that this member's DMs are closed; True the first time (logged once)."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, now)
            first = await members_db.mark_dm_closed(conn, guild_id, user_id, now)
        if first:
            log.info(
                "DMs closed for a member of guild %s; reminders fall back to the channel", guild_id
            )
        return first

    async def dm_channel(self, guild_id: int, user_id: int) -> int | None:
        """The private channel the platform gave for this member's DMs last time."""
        async with self._db.read() as conn:
            return await members_db.dm_channel(conn, guild_id, user_id)

    async def remember_dm_channel(self, guild_id: int, user_id: int, channel_id: int) -> None:
        seen = self._seen.get((guild_id, user_id))
        async with self._db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, self._clock.now())
            await members_db.set_dm_channel(conn, guild_id, user_id, channel_id)
            if seen is not None:  # the row may be new: what the client spoke goes with it
                await members_db.set_client_language(conn, guild_id, user_id, seen)

    async def target_lost(self, guild_id: int, target_id: int, reason: str) -> bool:
        """Pause what targets a channel or role the platform refused or deleted; the
        facilitators are told the first time only (True then)."""
        async with self._db.transaction() as conn:
            first = await targets_db.mark_unreachable(
                conn, guild_id, target_id, reason, self._clock.now()
            )
        if not first:
            return False
        log.warning("guild %s: target %s paused (%s)", guild_id, target_id, reason)
        await self._tell_lost(guild_id, target_id, reason)
        return True

    async def _tell_lost(self, guild_id: int, lost_id: int, reason: str) -> None:
        """The one notice that something the community relies on is lost."""
        async with self._db.read() as conn:
            community = await communities_db.get(conn, guild_id)
        if community is None:
            return
        is_role = lost_id == community.facilitator_role_id
        notice = port.Notice(
            language=language_for_locale(community.language),
            key="delivery.role_lost" if is_role else "delivery.channel_lost",
            params={
                "role" if is_role else "channel": (
                    RoleRef(role_id=lost_id) if is_role else ChannelRef(channel_id=lost_id)
                ),
                "reason": Trusted(text=reason),
            },
        )
        if not await self.tell_facilitators(guild_id, notice, avoid=lost_id):
            log.warning("guild %s: nobody could be told that %s is lost", guild_id, lost_id)

    async def tell_facilitators(
        self, guild_id: int, card: port.Card, *, nonce: str | None = None, avoid: int = 0
    ) -> bool:
        """Post ``card`` where facilitators read: the moderation channel, else the
        announcements channel (never ``avoid``, a channel just lost). False if neither
        took it. ``nonce`` makes a retry post nothing twice."""
        async with self._db.read() as conn:
            community = await communities_db.get(conn, guild_id)
        if community is None:
            return False
        for channel_id in (community.moderation_channel_id, community.announcements_channel_id):
            if channel_id is None or channel_id == avoid:
                continue
            sent_nonce = nonce_for(nonce, channel_id) if nonce else None
            if await self.send(port.Channel(guild_id, channel_id), card, nonce=sent_nonce):
                return True
        return False
