"""The chat port: what the core needs from a chat platform, both ways.

Services decide *what* to show and *where*; a platform adapter (``cogs/`` for Discord)
decides *how*. A service hands a :class:`Card` (a frozen model that knows its
:class:`~bot.chat.layout.Message`) and a typed :class:`Target` to the core's
:class:`~bot.chat.delivery.Chat`, which applies the delivery policy (paused targets,
closed DMs, the "target lost" notice) around the :class:`ChatPlatform` the adapter
implements. The platform renders the card's layout with its own markup, sends it, and raises
:class:`TargetLost`, :class:`DmRefused` or :class:`bot.scheduler.RetryLater` when it
cannot; it never calls back into the services.

The platform also answers questions (:meth:`ChatPlatform.can_post`,
:meth:`ChatPlatform.member_names`, :meth:`ChatPlatform.is_member`,
:meth:`ChatPlatform.member_language`, :meth:`ChatPlatform.role_can_moderate_messages`,
:meth:`ChatPlatform.latency`) and holds its calendar of events
(:class:`EventCalendar`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, TypedDict

from pydantic import Field

from bot.chat.layout import Message
from bot.chat.refs import ChannelRef, Code
from bot.chat.text import Join, Param, Text
from bot.errors import UserError
from bot.frozen import Frozen
from bot.i18n import Language


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel or thread of a community."""

    guild_id: int
    channel_id: int


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """A member's direct messages (``channel_hint``: the private channel the platform gave
    last time, so a reminder is one request; not part of the target's identity)."""

    guild_id: int
    user_id: int
    channel_hint: int | None = field(default=None, compare=False)


Target = Channel | DirectMessage


def target_key(target: Target) -> str:
    """The stable text of a target, for delivery records (``timer_deliveries``)."""
    if isinstance(target, Channel):
        return f"channel:{target.channel_id}"
    return f"dm:{target.user_id}"


@dataclass(frozen=True, slots=True)
class Posted:
    """A message the bot sent: where it is, to edit it or start a thread from it."""

    guild_id: int
    channel_id: int
    message_id: int


class Card(Frozen):
    """One message in domain terms; each feature's cards say how they look.

    ``language`` is the language the message is written in: the community's for
    public posts, the member's for direct messages.
    """

    language: Language

    @abstractmethod
    def layout(self) -> Message:
        """What the message shows, for any platform."""


class Notice(Card):
    """A plain text message from the catalog: ``key`` with its values."""

    key: str
    params: dict[str, Param] = Field(default_factory=dict)

    def layout(self) -> Message:
        return Message(content=Text(key=self.key, params=self.params))


class SendOptions(TypedDict, total=False):
    """How a card is sent."""

    nonce: str | None
    """Deterministic for a timer's send (``Firing.nonce``): a retry never posts twice."""
    mention: Collection[int]
    """The only members pinged."""
    mention_roles: Collection[int]
    """The only roles pinged."""


# -- refusals --------------------------------------------------------------------------


class TargetLost(Exception):
    """The channel is gone or the bot lost access to it: pause it, tell the facilitators."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DmRefused(Exception):
    """The member does not take direct messages from the bot (closed, app removed)."""


class RecipientGone(Exception):
    """The member to write to no longer exists on the platform."""


@dataclass(frozen=True, slots=True)
class PostCheck:
    """Whether the bot can post (and open threads) in a channel, and if not, why."""

    exists: bool = True
    missing: tuple[str, ...] = ()
    """The platform's names of the permissions the bot lacks there."""

    @property
    def ok(self) -> bool:
        return self.exists and not self.missing

    def require(self, channel_id: int, *, gone: str, lacking: str) -> None:
        """Refuse unless the bot can post there: the message ``gone`` when the channel no
        longer exists, else ``lacking`` with the permissions it lacks (``{channel}``,
        ``{permissions}``)."""
        channel = ChannelRef(channel_id=channel_id)
        if not self.exists:
            raise UserError(gone, channel=channel)
        if self.missing:
            permissions = Join(parts=tuple(Code(text=name) for name in self.missing), sep=", ")
            raise UserError(lacking, channel=channel, permissions=permissions)


# -- the platform's calendar -------------------------------------------------------------

EventStatus = Literal["scheduled", "active", "completed", "cancelled"]


class EventSpec(Frozen):
    """What a calendar event of the platform should show, in domain terms.

    ``channel_id`` is a voice or stage channel where it happens; without one (or if
    that channel is gone) the event happens at ``location`` (a web address), else at
    the ``announcement`` message, else on the platform itself.
    """

    name: str
    description: str
    starts_at: datetime
    ends_at: datetime
    channel_id: int | None = None
    location: str | None = None
    announcement: Posted | None = None


@dataclass(frozen=True, slots=True)
class ListedEvent:
    """A calendar event as the platform lists it."""

    guild_id: int
    event_id: int
    status: EventStatus
    name: str
    starts_at: datetime
    by_bot: bool
    """Created by this bot (only those may be adopted)."""
    handle: object = field(default=None, compare=False, repr=False)
    """The platform's own object, for the adapter that listed it."""


class EventsRefused(Exception):
    """The platform would not show or change a community's events.

    ``reason``: ``forbidden`` (the bot lacks the permission), ``refused`` (any other
    refusal), ``unreachable`` (the community is not visible to the bot right now),
    ``absent`` (the platform has no calendar events: nothing to mirror, nothing to say).
    """

    def __init__(self, reason: Literal["forbidden", "refused", "unreachable", "absent"]) -> None:
        super().__init__(reason)
        self.reason = reason


class EventCalendar(Protocol):
    """A community's calendar events; every call may raise :class:`EventsRefused`."""

    async def list_events(self, guild_id: int) -> list[ListedEvent]:
        """Every event of the community, in one call."""
        ...

    async def mirror_event(
        self, guild_id: int, spec: EventSpec, current: ListedEvent | None = None
    ) -> int:
        """Create an event showing ``spec`` (``current`` None) or make ``current`` show it
        (no call when it already does); returns the event's id."""
        ...

    async def retire_event(self, event: ListedEvent) -> None:
        """End it if under way, cancel it if still to come; one already gone is fine."""
        ...


class NoCalendar:
    """A platform without calendar events: nothing is mirrored, and no member is told of
    a calendar event that could not be made (there never is one)."""

    async def list_events(self, guild_id: int) -> list[ListedEvent]:
        return []

    async def mirror_event(
        self, guild_id: int, spec: EventSpec, current: ListedEvent | None = None
    ) -> int:
        raise EventsRefused("absent")

    async def retire_event(self, event: ListedEvent) -> None:
        return None


# -- what an adapter implements ------------------------------------------------------------


class ChatPlatform(Protocol):
    """A chat platform as the core sees it; implemented once per platform.

    Sending raises instead of returning a refusal: :class:`TargetLost` (a channel gone or
    out of reach), :class:`DmRefused`, :class:`RecipientGone`, and
    :class:`bot.scheduler.RetryLater` for a passing outage or rate limit.
    """

    async def post(self, target: Target, card: Card, options: SendOptions) -> Posted:
        """Render ``card`` (its layout, in its language) and send it; for a DM,
        ``Posted.channel_id`` is the private channel used."""
        ...

    async def edit(self, posted: Posted, card: Card) -> bool:
        """Replace a message's content; False if it is gone or out of reach."""
        ...

    async def delete(self, posted: Posted) -> bool:
        """Remove a message the bot posted; False if it was already gone or refused."""
        ...

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        """A thread on ``posted``; its reference (``channel_id`` is the thread's id)."""
        ...

    @property
    def events(self) -> EventCalendar:
        """The platform's calendar events (a meeting's next date, mirrored)."""
        ...

    async def can_post(self, guild_id: int, channel_id: int, *, threads: bool = False) -> PostCheck:
        """Whether the bot may post (with panels) in this channel now, and open threads
        there when ``threads``."""
        ...

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        """Display names of these members (those the platform knows)."""
        ...

    async def is_member(self, guild_id: int, user_id: int) -> bool | None:
        """Whether the member is still in the community (None: the platform cannot tell)."""
        ...

    async def member_language(self, guild_id: int, user_id: int) -> Language | None:
        """The language the member uses on the platform, if it says (None: unknown)."""
        ...

    async def community_name(self, guild_id: int) -> str | None:
        """The name of the server or team the community lives in (None: unknown)."""
        ...

    async def community_language(self, guild_id: int) -> Language | None:
        """The language the server or team is set to, if the platform says (None)."""
        ...

    async def welcome_channel(self, guild_id: int) -> int | None:
        """Where the bot greets a community that just added it: the channel the platform
        greets newcomers in, if the bot may post there, else the first one it may post
        in (None: none)."""
        ...

    async def everyone_can_read(self, guild_id: int, channel_id: int) -> bool | None:
        """Whether every member of the community can read this channel (None: the
        platform cannot tell)."""
        ...

    async def channel_url(self, guild_id: int, channel_id: int) -> str | None:
        """A web address that opens this channel, for a file read outside the chat (a
        calendar's meeting place); None: the platform gives none."""
        ...

    async def role_can_moderate_messages(self, guild_id: int, role_id: int) -> bool | None:
        """Whether members with this role may moderate others' messages, which the platform
        may require to show them a message command (Discord: Manage Messages, for
        Apps › Moderate); None: the platform cannot tell."""
        ...

    async def latency(self, guild_id: int) -> float | None:
        """The last round trip to the platform the community ``guild_id`` lives on, in
        seconds (None: not measured)."""
        ...
