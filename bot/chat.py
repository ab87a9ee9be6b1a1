"""The one outbound interface: what services ask of the chat platform.

Services decide *what* to show and *where*; an adapter (``cogs/toolkit/chat.py`` for
Discord) decides *how*. A service hands over a :class:`Card` — a frozen pydantic
model describing one message in domain terms — and a typed :class:`Target`. The
adapter renders the card with the renderer its feature registered for that card's
type, sends it through the platform's refusals (closed DMs, lost channels, outages)
and returns a :class:`Posted` reference, or ``None`` when the target refused.

A second platform (Microsoft Teams) implements :class:`Chat` and registers its own
renderers for the same cards; no service changes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict

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


class Card(BaseModel):
    """What one message shows, in domain terms. Features subclass it.

    ``language`` is the language the message is written in: the community's for
    public posts, the member's for direct messages.
    """

    model_config = ConfigDict(frozen=True)

    language: Language


class Notice(Card):
    """A plain text message from the catalog: ``key`` with its placeholders."""

    key: str
    params: dict[str, str | int] = {}


class Chat(Protocol):
    """Everything the services need to reach members. Refusals never raise:

    - a closed DM returns ``None`` (and is recorded, so callers can fall back);
    - a lost channel returns ``None`` (paused, admins told once);
    - a passing outage raises :class:`bot.scheduler.RetryLater`.
    """

    async def send(
        self,
        target: Target,
        card: Card,
        *,
        nonce: str | None = None,
        mention: Collection[int] = (),
    ) -> Posted | None:
        """Post ``card``; only the members in ``mention`` are pinged."""
        ...

    async def edit(self, posted: Posted, card: Card) -> bool:
        """Replace a message's content; False if it is gone."""
        ...

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        """A thread on ``posted``; its reference (``channel_id`` is the thread's id)."""
        ...
