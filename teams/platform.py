"""Microsoft Teams as a :class:`bot.chat.ChatPlatform`: post, edit, delete, and what Teams says.

- A post to a channel starts a new conversation there (its own reply chain); a
  "thread" is that reply chain, and posts to it are replies.
- A direct message goes to the member's 1:1 chat with the bot, created the first time
  from what the bot kept of the member (a proactive message).
- A member who removed the app or blocked the bot (403 ``BotNotInConversationRoster``,
  ``ConversationBlockedByUser``) raises :class:`DmRefused`: the core records it and
  reminds them in the channel instead, as for closed DMs on Discord.
- A channel or team the bot lost (403, 404) raises :class:`TargetLost`; outages and
  throttling that outlast :mod:`teams.transport`'s own retries raise ``RetryLater``.
- Teams has no calendar events the bot could mirror meetings to (:class:`NoCalendar`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

from bot.chat import port
from bot.i18n import Language, language_for_locale
from teams import store
from teams.ids import is_channel, thread_of
from teams.runtime import Team, TeamsRuntime, card_activity
from teams.transport import TeamsRefusal

log = logging.getLogger(__name__)

NOT_INSTALLED = "the app is not installed in this team"


class TeamsPlatform:
    """Built first (the core holds it), bound to the adapter's runtime once it exists."""

    def __init__(self) -> None:
        self._runtime: TeamsRuntime | None = None
        self.events = port.NoCalendar()

    def bind(self, runtime: TeamsRuntime) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> TeamsRuntime:
        if self._runtime is None:
            raise RuntimeError("the Teams platform was used before the adapter started")
        return self._runtime

    # -- sending --------------------------------------------------------------------------

    async def post(
        self, target: port.Target, card: port.Card, options: port.SendOptions
    ) -> port.Posted:
        rt = self.runtime
        team = await rt.team(target.guild_id)
        pinged = options.get("mention", ())
        rendered = await rt.card(team, card.language, card.layout(), pinged=pinged)
        activity = card_activity(rendered)
        if isinstance(target, port.DirectMessage):
            return await self._dm(team, target, activity)
        if team is None:
            raise port.TargetLost("unknown team")
        conversation = await rt.ids.maybe_string(target.channel_id, "conversation")
        if conversation is None:
            raise port.TargetLost("unknown channel")
        service = team.record.service_url
        try:
            if thread_of(conversation)[1] is None:
                made = await rt.connector.new_post(
                    service, team.record.tenant_id, conversation, activity
                )
                message_id = made.activity_id
            else:
                message_id = await rt.connector.send(service, conversation, activity)
        except TeamsRefusal as refused:
            raise port.TargetLost(f"{refused.code} ({refused.status})") from refused
        rt.cards.remember(message_id, rendered)
        return port.Posted(
            target.guild_id, target.channel_id, await rt.ids.number("message", message_id)
        )

    async def _dm(
        self, team: Team | None, target: port.DirectMessage, activity: dict[str, Any]
    ) -> port.Posted:
        rt = self.runtime
        user_id = await rt.user_teams_id(team, target.user_id)
        if user_id is None:
            raise port.RecipientGone()
        async with rt.db.read() as conn:
            member = await store.user(conn, target.user_id)
        place: store.Reach | None = member or (team.record if team is not None else None)
        if place is None:
            raise port.RecipientGone()
        chat = None
        if target.channel_hint is not None:
            chat = await rt.ids.maybe_string(target.channel_hint, "conversation")
        chat = chat or await rt.personal_chat(target.user_id)
        try:
            if chat is not None:
                try:
                    message_id = await rt.connector.send(place.service_url, chat, activity)
                    return await self._posted(target, chat, message_id, activity)
                except TeamsRefusal as refused:
                    if refused.status != 404:
                        raise
            chat = await rt.connector.personal_chat(place.service_url, place.tenant_id, user_id)
            await self._keep_chat(target.user_id, place.service_url, place.tenant_id, chat)
            message_id = await rt.connector.send(place.service_url, chat, activity)
        except TeamsRefusal as refused:
            if refused.status in (403, 404):
                log.info("Teams refused a 1:1 message (%s)", refused.code)
                raise port.DmRefused() from refused
            raise
        return await self._posted(target, chat, message_id, activity)

    async def _posted(
        self, target: port.DirectMessage, chat: str, message_id: str, activity: dict[str, Any]
    ) -> port.Posted:
        """The core keeps this member and may edit the message after a restart: the chat is
        stored as it is (a member who only talks to the bot is never written to this way)."""
        rt = self.runtime
        rt.cards.remember(message_id, activity["attachments"][0]["content"])
        await rt.ids.reveal("conversation", chat)
        return port.Posted(
            target.guild_id,
            await rt.ids.number("conversation", chat),
            await rt.ids.number("message", message_id),
        )

    async def _keep_chat(self, user: int, service_url: str, tenant_id: str, chat: str) -> None:
        rt = self.runtime
        rt.chats[user] = chat
        record = store.UserRecord(
            user_id=user, service_url=service_url, tenant_id=tenant_id, personal_chat=chat
        )
        async with rt.db.transaction() as conn:
            await store.save_user(conn, record, rt.clock.now())

    async def _where(self, posted: port.Posted) -> tuple[Team, str, str] | None:
        rt = self.runtime
        team = await rt.team(posted.guild_id)
        conversation = await rt.ids.maybe_string(posted.channel_id, "conversation")
        message_id = await rt.ids.maybe_string(posted.message_id, "message")
        if team is None or conversation is None or message_id is None:
            return None
        return team, conversation, message_id

    async def edit(self, posted: port.Posted, card: port.Card) -> bool:
        where = await self._where(posted)
        if where is None:
            return False
        team, conversation, message_id = where
        rendered = await self.runtime.card(team, card.language, card.layout())
        try:
            await self.runtime.connector.update(
                team.record.service_url, conversation, message_id, card_activity(rendered)
            )
        except TeamsRefusal as refused:
            log.info("Teams refused an edit (%s)", refused.code)
            return False
        self.runtime.cards.remember(message_id, rendered)
        return True

    async def delete(self, posted: port.Posted) -> bool:
        where = await self._where(posted)
        if where is None:
            return False
        team, conversation, message_id = where
        try:
            await self.runtime.connector.delete(team.record.service_url, conversation, message_id)
        except TeamsRefusal as refused:
            log.info("Teams refused a delete (%s)", refused.code)
            return False
        return True

    async def start_thread(self, posted: port.Posted, name: str) -> port.Posted | None:
        """The post's reply chain (Teams' threads have no name of their own); None for a
        message in a chat, where there are no reply chains."""
        rt = self.runtime
        where = await self._where(posted)
        if where is None:
            return None
        _, conversation, message_id = where
        channel, root = thread_of(conversation)
        if not is_channel(channel):
            return None
        thread = f"{channel};messageid={root or message_id}"
        return port.Posted(
            posted.guild_id, await rt.ids.number("conversation", thread), posted.message_id
        )

    # -- questions ------------------------------------------------------------------------

    async def can_post(
        self, guild_id: int, channel_id: int, *, threads: bool = False
    ) -> port.PostCheck:
        rt = self.runtime
        team = await rt.team(guild_id)
        conversation = await rt.ids.maybe_string(channel_id, "conversation")
        if team is None:
            return port.PostCheck()
        if conversation is None:
            return port.PostCheck(exists=False)
        try:
            channels = await rt.roster.channels(team.record.service_url, team.teams_id)
        except TeamsRefusal:
            return port.PostCheck(missing=(NOT_INSTALLED,))
        return port.PostCheck(exists=thread_of(conversation)[0] in dict(channels))

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        team = await self.runtime.team(guild_id)
        if team is None:
            return {}
        found = await self.runtime.member_names(team, user_ids)
        return {number: name for number, (_, name) in found.items()}

    async def is_member(self, guild_id: int, user_id: int) -> bool | None:
        rt = self.runtime
        team = await rt.team(guild_id)
        if team is None:
            return None
        try:
            roster = await rt.roster.members(team.record.service_url, team.teams_id)
        except TeamsRefusal:
            return None
        teams_id = await rt.ids.find(user_id, "user", (m.teams_id for m in roster))
        return teams_id is not None and any(m.teams_id == teams_id for m in roster)

    async def member_language(self, guild_id: int, user_id: int) -> Language | None:
        async with self.runtime.db.read() as conn:
            member = await store.user(conn, user_id)
        if member is None or member.locale is None:
            return None
        return language_for_locale(member.locale)

    async def everyone_can_read(self, guild_id: int, channel_id: int) -> bool | None:
        """None: which members a Teams channel admits (standard, private, shared) is not
        in what the bot is told of it."""
        return None

    async def channel_url(self, guild_id: int, channel_id: int) -> str | None:
        """None: a meeting on Teams has no channel for its place (its link is)."""
        return None

    async def role_can_moderate_messages(self, guild_id: int, role_id: int) -> bool | None:
        """Teams has no roles: facilitators are the team's owners, who may always moderate."""
        return None

    async def latency(self, guild_id: int) -> float | None:
        """The last round trip to the Bot Connector service (the last call it answered with
        success, the time waited for a pacing slot left out); None before the first."""
        return self.runtime.connector.round_trip

    async def community_language(self, guild_id: int) -> Language | None:
        """None: a team has no language of its own (each member's Teams has one)."""
        return None

    async def welcome_channel(self, guild_id: int) -> int | None:
        """The team's General channel (it shares the team's Teams id)."""
        team = await self.runtime.team(guild_id)
        return (
            None if team is None else await self.runtime.ids.number("conversation", team.teams_id)
        )

    async def community_name(self, guild_id: int) -> str | None:
        team = await self.runtime.team(guild_id)
        if team is None:
            return None
        if team.record.name:
            return team.record.name
        try:
            details = await self.runtime.connector.team_details(
                team.record.service_url, team.teams_id
            )
        except TeamsRefusal:
            return None
        name = details.get("name")
        return str(name) if name else None
