"""Discord as a :class:`bot.chat.ChatPlatform`: render a layout, send it, say what failed.

- A closed DM (403, code 50007) raises :class:`DmRefused`; the core records it and
  mentions the member in the channel instead, never retrying that DM.
- A deleted channel (10003) or lost access (50001/50013) raises :class:`TargetLost`;
  the core pauses the channel and tells the facilitators once.
- 5xx and rate limits that outlast discord.py's own retries (a 429 five times in a row,
  or a wait longer than the client's ``max_ratelimit_timeout``) raise
  :class:`RetryLater`, so a timer is tried again within its grace.
- Every send passes the caller's deterministic nonce, scoped to the community, and
  pings only the members named in ``mention`` and the roles in ``mention_roles``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import discord

from bot.chat import port
from bot.i18n import Catalog, Language, language_for_locale
from bot.scheduler import RetryLater, nonce_for
from cogs.events import DiscordEvents
from cogs.render import Rendered, Renderer, channel_url, clip

log = logging.getLogger(__name__)

DM_CLOSED = 50007
THREAD_ALREADY_CREATED = 160004
RATE_LIMITED = 429
#: A 429 five times in a row: discord.py gives up; Discord is busy, so try again later.
RATE_LIMITED_THROUGH_RETRIES = "rate limited through discord.py's retries"
THREAD_NAME_MAX = 100
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: a meeting's or a check-in's life
#: What the bot needs in a channel to post its messages there, and to open threads.
POST_NEEDS = ("view_channel", "send_messages", "embed_links")
THREAD_NEEDS = ("create_public_threads",)


class DiscordPlatform:
    """Built first (the core holds it), bound to the client once it exists."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._client: discord.Client | None = None
        self.events = DiscordEvents(lambda: self.client)

    def bind(self, client: discord.Client) -> None:
        self._client = client

    @property
    def client(self) -> discord.Client:
        if self._client is None:
            raise RuntimeError("the Discord platform was used before it was bound to the client")
        return self._client

    def render(self, card: port.Card) -> Rendered:
        """The card's layout, in its language."""
        return Renderer(self._catalog, card.language).message(card.layout())

    # -- sending --------------------------------------------------------------------------

    async def post(
        self, target: port.Target, card: port.Card, options: port.SendOptions
    ) -> port.Posted:
        send = self.render(card).send_kwargs()
        send["allowed_mentions"] = mention_only(
            options.get("mention", ()), options.get("mention_roles", ())
        )
        if (nonce := options.get("nonce")) is not None:
            # Discord returns the message an author already sent with the same nonce, in
            # any channel; several bot processes on databases of their own make the same
            # nonces (from their own row ids) for different communities.
            send["nonce"] = nonce_for(target.guild_id, nonce)
        if isinstance(target, port.DirectMessage):
            return await self._dm(target, send)
        return await self._post(target, send)

    async def edit(self, posted: port.Posted, card: port.Card) -> bool:
        kwargs = self.render(card).edit_kwargs()
        with outages_retry_later(), suppress_gone(posted, "edit") as gone:
            channel = await self._channel(posted.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return False
            partial = channel.get_partial_message(posted.message_id)  # type: ignore[attr-defined]
            await partial.edit(allowed_mentions=discord.AllowedMentions.none(), **kwargs)
        return not gone

    async def delete(self, posted: port.Posted) -> bool:
        with outages_retry_later(), suppress_gone(posted, "delete") as gone:
            channel = await self._channel(posted.channel_id)
            await channel.get_partial_message(posted.message_id).delete()
        return not gone

    async def start_thread(self, posted: port.Posted, name: str) -> port.Posted | None:
        try:
            with outages_retry_later():
                channel = await self._channel(posted.channel_id)
                if not isinstance(channel, discord.TextChannel):
                    return None
                thread = await channel.get_partial_message(posted.message_id).create_thread(
                    name=clip(name, THREAD_NAME_MAX), auto_archive_duration=THREAD_ARCHIVE_MINUTES
                )
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_CREATED:
                # A re-run: a thread started on a message has the message's id.
                return port.Posted(posted.guild_id, posted.message_id, posted.message_id)
            # The message is up; members can still answer in the channel.
            log.warning("guild %s: no thread (%s)", posted.guild_id, exc.code)
            return None
        return port.Posted(posted.guild_id, thread.id, thread.id)

    async def _channel(self, channel_id: int) -> Any:
        return self.client.get_channel(channel_id) or await self.client.fetch_channel(channel_id)

    async def _post(self, target: port.Channel, send: dict[str, Any]) -> port.Posted:
        try:
            with outages_retry_later():
                channel = await self._channel(target.channel_id)
                if not isinstance(channel, discord.abc.Messageable):
                    raise port.TargetLost("not a text channel")
                message = await channel.send(**send)
        except discord.NotFound as exc:
            raise port.TargetLost(f"unknown channel ({exc.code})") from exc
        except discord.Forbidden as exc:
            raise port.TargetLost(f"missing access ({exc.code})") from exc
        return port.Posted(target.guild_id, message.channel.id, message.id)

    async def _dm(self, target: port.DirectMessage, send: dict[str, Any]) -> port.Posted:
        try:
            with outages_retry_later():
                message = await self._send_dm(target, send)
        except discord.Forbidden as exc:
            if exc.code != DM_CLOSED:
                log.warning("DM refused with code %s", exc.code)
            raise port.DmRefused() from exc
        except discord.NotFound as exc:
            raise port.RecipientGone() from exc
        return port.Posted(target.guild_id, message.channel.id, message.id)

    async def _send_dm(self, target: port.DirectMessage, send: dict[str, Any]) -> discord.Message:
        """Send in the member's DM channel: the one Discord gave before if known (one
        request), else asked for (two, the first in a slow bucket)."""
        if target.channel_hint is not None:
            channel = self.client.get_partial_messageable(
                target.channel_hint, type=discord.ChannelType.private
            )
            try:
                return await channel.send(**send)
            except discord.NotFound:  # the channel went away: ask for it again below
                pass
        user = self.client.get_user(target.user_id) or await self.client.fetch_user(target.user_id)
        dm = user.dm_channel or await user.create_dm()
        return await dm.send(**send)

    # -- questions ------------------------------------------------------------------------

    async def can_post(
        self, guild_id: int, channel_id: int, *, threads: bool = False
    ) -> port.PostCheck:
        """What Discord's cache says of the bot's rights there (a refusal at posting time
        is handled too: a guild not in the cache passes)."""
        guild = self.client.get_guild(guild_id)
        if guild is None or guild.me is None:
            return port.PostCheck()
        channel = guild.get_channel(channel_id)
        if channel is None:
            return port.PostCheck(exists=False)
        allowed = channel.permissions_for(guild.me)
        needs = POST_NEEDS + (THREAD_NEEDS if threads else ())
        return port.PostCheck(missing=tuple(name for name in needs if not getattr(allowed, name)))

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        guild = self.client.get_guild(guild_id)
        names: dict[int, str] = {}
        for user_id in user_ids:
            member = guild.get_member(user_id) if guild is not None else None
            user = member or self.client.get_user(user_id)
            if user is not None:
                names[user_id] = user.display_name
        return names

    async def is_member(self, guild_id: int, user_id: int) -> bool | None:
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return None
        if guild.get_member(user_id) is not None:
            return True
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            return False
        except discord.HTTPException:
            return None
        return True

    async def member_language(self, guild_id: int, user_id: int) -> Language | None:
        """Discord tells a member's locale only with their interactions, which the core's
        delivery policy remembers (:meth:`bot.chat.Chat.saw_language`)."""
        return None

    async def community_name(self, guild_id: int) -> str | None:
        guild = self.client.get_guild(guild_id)
        return guild.name if guild is not None else None

    async def community_language(self, guild_id: int) -> Language | None:
        """The server's primary language (Server Settings › Overview)."""
        guild = self.client.get_guild(guild_id)
        return language_for_locale(str(guild.preferred_locale)) if guild is not None else None

    async def welcome_channel(self, guild_id: int) -> int | None:
        """The server's system channel (where Discord greets new members), else its first
        text channel, the first of them the bot may read and post in."""
        guild = self.client.get_guild(guild_id)
        if guild is None or guild.me is None:
            return None
        channels = sorted(guild.text_channels, key=lambda channel: channel.position)
        if guild.system_channel is not None:
            channels.insert(0, guild.system_channel)
        for channel in channels:
            allowed = channel.permissions_for(guild.me)
            if allowed.view_channel and allowed.send_messages:
                return channel.id
        return None

    async def everyone_can_read(self, guild_id: int, channel_id: int) -> bool | None:
        """From @everyone's permissions in the channel (its overwrites included), as
        Discord's cache knows them."""
        guild = self.client.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild is not None else None
        if guild is None or channel is None:
            return None
        return channel.permissions_for(guild.default_role).view_channel

    async def channel_url(self, guild_id: int, channel_id: int) -> str | None:
        return channel_url(guild_id, channel_id)

    async def role_can_moderate_messages(self, guild_id: int, role_id: int) -> bool | None:
        """From the role's server-wide permissions and @everyone's (every member has both),
        as Discord's cache knows them; an admin may still open the command to the role in
        Server Settings › Integrations, which the bot cannot read."""
        guild = self.client.get_guild(guild_id)
        role = guild.get_role(role_id) if guild is not None else None
        if guild is None or role is None:
            return None
        granted = role.permissions | guild.default_role.permissions
        return granted.manage_messages or granted.administrator

    async def latency(self, guild_id: int) -> float | None:
        """The gateway's heartbeat round trip (one for every guild)."""
        measured = self.client.latency  # NaN before the gateway is ready
        return measured if math.isfinite(measured) else None


@contextmanager
def outages_retry_later() -> Iterator[None]:
    """Discord down, or rate limiting past discord.py's own retries: the caller's timer
    tries again within its grace; other refusals pass through."""
    try:
        yield
    except discord.DiscordServerError as exc:
        raise RetryLater(f"Discord {exc.status}") from exc
    except discord.RateLimited as exc:
        raise RetryLater(f"rate limited for {exc.retry_after:.0f}s") from exc
    except discord.HTTPException as exc:
        if exc.status != RATE_LIMITED:
            raise
        raise RetryLater(RATE_LIMITED_THROUGH_RETRIES) from exc


class _Gone:
    """Set by :func:`suppress_gone` when the message was gone or out of reach."""

    def __init__(self) -> None:
        self.value = False

    def __bool__(self) -> bool:
        return self.value


@contextmanager
def suppress_gone(posted: port.Posted, doing: str) -> Iterator[_Gone]:
    """A message already deleted, or one the bot may no longer touch: not an error."""
    gone = _Gone()
    try:
        yield gone
    except discord.NotFound:
        gone.value = True
    except discord.Forbidden as exc:
        log.warning("guild %s: cannot %s a message (%s)", posted.guild_id, doing, exc.code)
        gone.value = True


def mention_only(
    user_ids: Collection[int], role_ids: Collection[int] = ()
) -> discord.AllowedMentions:
    """Allow pings of these members and roles and nobody else (never @everyone)."""
    if not user_ids and not role_ids:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False,
        replied_user=False,
        users=[discord.Object(i) for i in user_ids] if user_ids else False,
        roles=[discord.Object(i) for i in role_ids] if role_ids else False,
    )
