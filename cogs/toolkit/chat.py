"""Discord's side of the :class:`bot.chat.Chat` port: render a card, send it through refusals.

- A closed DM (403, code 50007) marks the member and returns None: the caller falls
  back (a mention in the channel post) and never retries that DM (RELIABILITY D5).
- A deleted channel (10003) or lost access (50001/50013) pauses the channel and tells
  the admins once; later sends to it are skipped, not hammered (D6).
- 5xx and rate limits that outlast discord.py's own retries (a 429 five times in a row,
  or a wait longer than the client's ``max_ratelimit_timeout``) raise
  :class:`RetryLater`, so a timer is tried again within its grace (D7).
- Every send passes the caller's deterministic nonce (D8, S2) and pings only the
  members named in ``mention`` and the roles in ``mention_roles`` (D1).

Each feature registers how its cards look (:meth:`DiscordChat.renders`); a card
without a renderer is a programming error, reported at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Unpack

import discord

from bot.chat import Card, Channel, DirectMessage, Notice, Posted, SendOptions, Target
from bot.i18n import Catalog
from bot.scheduler import RetryLater
from bot.services.community import CommunityService
from bot.services.delivery import DeliveryService
from bot.services.registry import Services
from cogs.toolkit.events import DiscordEvents
from cogs.toolkit.text import clip, mention_only

log = logging.getLogger(__name__)

DM_CLOSED = 50007
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
THREAD_ALREADY_CREATED = 160004
RATE_LIMITED = 429
#: A 429 five times in a row: discord.py gives up; Discord is busy, so try again later.
RATE_LIMITED_THROUGH_RETRIES = "rate limited through discord.py's retries"
THREAD_NAME_MAX = 100
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: a meeting's or a check-in's life

CardT = TypeVar("CardT", bound=Card)


@dataclass
class Rendered:
    """A card as Discord shows it."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content, "embeds": self.embeds}
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        return kwargs


Renderer = Callable[[Any, Catalog], Rendered]


def render_notice(card: Notice, catalog: Catalog) -> Rendered:
    return Rendered(content=catalog.t(card.language, card.key, **card.params))


class DiscordChat:
    """Built first (the core holds it), bound to the client and services once they exist."""

    def __init__(self) -> None:
        self._bound: tuple[discord.Client, Catalog, DeliveryService, CommunityService] | None
        self._bound = None
        self._renderers: dict[type[Card], Renderer] = {}
        self.renders(Notice, render_notice)
        self.events = DiscordEvents(lambda: self.client)

    def bind(self, client: discord.Client, services: Services) -> None:
        catalog = services.get(CommunityService).catalog
        self._bound = (
            client,
            catalog,
            services.get(DeliveryService),
            services.get(CommunityService),
        )

    def _parts(self) -> tuple[discord.Client, Catalog, DeliveryService, CommunityService]:
        if self._bound is None:
            raise RuntimeError("DiscordChat used before it was bound to the client")
        return self._bound

    @property
    def client(self) -> discord.Client:
        return self._parts()[0]

    @property
    def _catalog(self) -> Catalog:
        return self._parts()[1]

    @property
    def _deliveries(self) -> DeliveryService:
        return self._parts()[2]

    @property
    def _communities(self) -> CommunityService:
        return self._parts()[3]

    def renders(
        self, card_type: type[CardT], renderer: Callable[[CardT, Catalog], Rendered]
    ) -> None:
        """Declare how cards of ``card_type`` look; once per type."""
        if card_type in self._renderers:
            raise RuntimeError(f"a renderer for {card_type.__name__} is already declared")
        self._renderers[card_type] = renderer

    def render(self, card: Card) -> Rendered:
        for kind in type(card).__mro__:
            renderer = self._renderers.get(kind)
            if renderer is not None:
                return renderer(card, self._catalog)
        raise LookupError(f"no renderer declared for {type(card).__name__}")

    # -- the port ---------------------------------------------------------------------

    async def send(
        self, target: Target, card: Card, **options: Unpack[SendOptions]
    ) -> Posted | None:
        rendered = self.render(card)
        send = rendered.send_kwargs()
        send["allowed_mentions"] = mention_only(
            options.get("mention", ()), options.get("mention_roles", ())
        )
        if (nonce := options.get("nonce")) is not None:
            send["nonce"] = nonce
        if isinstance(target, DirectMessage):
            return await self._dm(target, send)
        return await self._post(target, send)

    async def edit(self, posted: Posted, card: Card) -> bool:
        rendered = self.render(card)
        kwargs = rendered.send_kwargs()
        kwargs.pop("files", None)
        if rendered.files:
            kwargs["attachments"] = rendered.files
        kwargs.setdefault("view", None)
        with outages_retry_later(), suppress_gone(posted, "edit") as gone:
            channel = await self._channel(posted.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return False
            message = channel.get_partial_message(posted.message_id)  # type: ignore[attr-defined]
            await message.edit(allowed_mentions=discord.AllowedMentions.none(), **kwargs)
        return not gone

    async def delete(self, posted: Posted) -> bool:
        with outages_retry_later(), suppress_gone(posted, "delete") as gone:
            channel = await self._channel(posted.channel_id)
            await channel.get_partial_message(posted.message_id).delete()
        return not gone

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
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
                return Posted(posted.guild_id, posted.message_id, posted.message_id)
            # The message is up; members can still answer in the channel.
            log.warning("guild %s: no thread (%s)", posted.guild_id, exc.code)
            return None
        return Posted(posted.guild_id, thread.id, thread.id)

    # -- delivery -----------------------------------------------------------------------

    async def _channel(self, channel_id: int) -> Any:
        return self.client.get_channel(channel_id) or await self.client.fetch_channel(channel_id)

    async def _post(self, target: Channel, send: dict[str, Any]) -> Posted | None:
        guild_id, channel_id = target.guild_id, target.channel_id
        if await self._deliveries.is_paused(guild_id, channel_id):
            return None
        try:
            with outages_retry_later():
                channel = await self._channel(channel_id)
                if not isinstance(channel, discord.abc.Messageable):
                    await self._channel_lost(guild_id, channel_id, "not a text channel")
                    return None
                message = await channel.send(**send)
        except discord.NotFound as exc:
            await self._channel_lost(guild_id, channel_id, f"unknown channel ({exc.code})")
        except discord.Forbidden as exc:
            await self._channel_lost(guild_id, channel_id, f"missing access ({exc.code})")
        else:
            return Posted(guild_id, message.channel.id, message.id)
        return None

    async def _dm(self, target: DirectMessage, send: dict[str, Any]) -> Posted | None:
        try:
            with outages_retry_later():
                message = await self._send_dm(target, send)
        except discord.Forbidden as exc:
            if exc.code != DM_CLOSED:
                log.warning("DM refused with code %s", exc.code)
            await self._deliveries.dm_closed(target.guild_id, target.user_id)
        except discord.NotFound:
            log.info("a member to DM no longer exists")
        else:
            return Posted(target.guild_id, message.channel.id, message.id)
        return None

    async def _send_dm(self, target: DirectMessage, send: dict[str, Any]) -> discord.Message:
        """Send in the member's DM channel: the one Discord gave before if known (one
        request), else asked for and remembered (two, the first in a slow bucket)."""
        guild_id, user_id = target.guild_id, target.user_id
        known = await self._deliveries.dm_channel(guild_id, user_id)
        if known is not None:
            channel = self.client.get_partial_messageable(known, type=discord.ChannelType.private)
            try:
                return await channel.send(**send)
            except discord.NotFound:  # the channel went away: ask for it again below
                await self._deliveries.remember_dm_channel(guild_id, user_id, None)
        user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
        dm = user.dm_channel or await user.create_dm()
        await self._deliveries.remember_dm_channel(guild_id, user_id, dm.id)
        return await dm.send(**send)

    async def _channel_lost(self, guild_id: int, channel_id: int, reason: str) -> None:
        """Pause the channel; tell the facilitators once, in another channel."""
        await self._communities.target_lost(guild_id, channel_id, reason)


@contextmanager
def outages_retry_later() -> Iterator[None]:
    """Discord down, or rate limiting past discord.py's own retries: the caller's timer
    tries again within its grace (RELIABILITY D7); other refusals pass through."""
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
def suppress_gone(posted: Posted, doing: str) -> Iterator[_Gone]:
    """A message already deleted, or one the bot may no longer touch: not an error."""
    gone = _Gone()
    try:
        yield gone
    except discord.NotFound:
        gone.value = True
    except discord.Forbidden as exc:
        log.warning("guild %s: cannot %s a message (%s)", posted.guild_id, doing, exc.code)
        gone.value = True
