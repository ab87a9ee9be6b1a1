"""The one outbound interface: what services ask of the chat platform.

Services decide *what* to show and *where*; an adapter (``cogs/toolkit/chat.py`` for
Discord) decides *how*. A service hands over a :class:`Card` — a frozen pydantic
model describing one message in domain terms — and a typed :class:`Target`. The
adapter renders the card with the renderer its feature registered for that card's
type, sends it through the platform's refusals (closed DMs, lost channels, outages)
and returns a :class:`Posted` reference, or ``None`` when the target refused.

A second platform (Microsoft Teams) implements :class:`Chat` and registers its own
renderers for the same cards; no service changes.

The platform's calendar (Discord's scheduled events) is reached through
:attr:`Chat.events`, an :class:`EventCalendar`: the service decides what each event
should show and whether to create, adopt, edit or retire it; the adapter only does it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, TypedDict, Unpack

from pydantic import Field

from bot.frozen import Frozen
from bot.i18n import Language


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel or thread of a community."""

    guild_id: int
    channel_id: int


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """A member's direct messages."""

    guild_id: int
    user_id: int


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
    """What one message shows, in domain terms. Features subclass it.

    ``language`` is the language the message is written in: the community's for
    public posts, the member's for direct messages.
    """

    language: Language


class Notice(Card):
    """A plain text message from the catalog: ``key`` with its placeholders."""

    key: str
    params: dict[str, str | int] = Field(default_factory=dict)


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
    refusal), ``unreachable`` (the community is not visible to the bot right now).
    """

    def __init__(self, reason: Literal["forbidden", "refused", "unreachable"]) -> None:
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


class SendOptions(TypedDict, total=False):
    """How a card is sent."""

    nonce: str | None
    """Deterministic for a timer's send (``Firing.nonce``): a retry never posts twice."""
    mention: Collection[int]
    """The only members pinged."""
    mention_roles: Collection[int]
    """The only roles pinged."""


class Chat(Protocol):
    """Everything the services need to reach members. Refusals never raise:

    - a closed DM returns ``None`` (and is recorded, so callers can fall back);
    - a lost channel returns ``None`` (paused, admins told once);
    - a passing outage raises :class:`bot.scheduler.RetryLater`.
    """

    async def send(
        self, target: Target, card: Card, **options: Unpack[SendOptions]
    ) -> Posted | None:
        """Post ``card`` with :class:`SendOptions`."""
        ...

    async def edit(self, posted: Posted, card: Card) -> bool:
        """Replace a message's content; False if it is gone."""
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
