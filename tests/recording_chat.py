"""A :class:`bot.chat.ChatPlatform` for service tests: records the cards services send,
refuses on demand (closed DMs, lost channels), answers the platform's questions.

End-to-end tests use the real Discord adapter against the emulator; this stands in
only where a test exercises a service alone, behind the core's real delivery policy.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.chat import (
    Card,
    Channel,
    DirectMessage,
    DmRefused,
    PostCheck,
    Posted,
    SendOptions,
    Target,
    TargetLost,
)
from bot.i18n import Language
from tests.recording_events import RecordingCalendar

C = TypeVar("C", bound=Card)


@dataclass(frozen=True)
class Sent:
    target: Target
    card: Card
    nonce: str | None
    mention: tuple[int, ...]
    posted: Posted
    mention_roles: tuple[int, ...] = ()


@dataclass
class RecordingChat:
    sent: list[Sent] = field(default_factory=list)
    edits: list[tuple[Posted, Card]] = field(default_factory=list)
    threads: list[tuple[Posted, str]] = field(default_factory=list)
    deleted: list[Posted] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)
    lost_channels: set[int] = field(default_factory=set)
    no_threads: bool = False
    """Refuse every thread (``start_thread`` answers ``None``)."""
    events: RecordingCalendar = field(default_factory=RecordingCalendar)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9_000_000))
    _by_nonce: dict[str, Posted] = field(default_factory=dict)

    members: dict[int, str] = field(default_factory=dict)
    """Display names the platform knows (user id → name); ``is_member`` asks it too."""
    unwritable: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Channels where the bot lacks permissions (channel id → what it lacks)."""
    moderating_roles: dict[int, bool] = field(default_factory=dict)
    """Whether each role may moderate messages (a role not listed: the platform cannot tell)."""
    readable_by_everyone: dict[int, bool] = field(default_factory=dict)
    """Whether every member can read each channel (one not listed: the platform cannot tell)."""
    server_language: Language | None = None
    greeting_channel: int | None = None
    """Where the platform would greet a community that just added the bot (None: nowhere)."""

    async def post(self, target: Target, card: Card, options: SendOptions) -> Posted:
        nonce = options.get("nonce")
        mention, mention_roles = options.get("mention", ()), options.get("mention_roles", ())
        if isinstance(target, DirectMessage) and target.user_id in self.closed_dms:
            raise DmRefused()
        if isinstance(target, Channel) and target.channel_id in self.lost_channels:
            raise TargetLost("unknown channel (10003)")
        if nonce is not None and nonce in self._by_nonce:
            return self._by_nonce[nonce]  # Discord de-duplicates by nonce
        channel_id = target.channel_id if isinstance(target, Channel) else target.user_id
        posted = Posted(target.guild_id, channel_id, next(self._ids))
        if nonce is not None:
            self._by_nonce[nonce] = posted
        self.sent.append(Sent(target, card, nonce, tuple(mention), posted, tuple(mention_roles)))
        return posted

    async def edit(self, posted: Posted, card: Card) -> bool:
        self.edits.append((posted, card))
        return True

    async def can_post(self, guild_id: int, channel_id: int, *, threads: bool = False) -> PostCheck:
        if channel_id in self.lost_channels:
            return PostCheck(exists=False)
        return PostCheck(missing=self.unwritable.get(channel_id, ()))

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        return {i: self.members[i] for i in user_ids if i in self.members}

    async def is_member(self, guild_id: int, user_id: int) -> bool | None:
        return (user_id in self.members) if self.members else None

    async def member_language(self, guild_id: int, user_id: int) -> Language | None:
        return None

    async def community_name(self, guild_id: int) -> str | None:
        return "Sample school"

    async def community_language(self, guild_id: int) -> Language | None:
        return self.server_language

    async def welcome_channel(self, guild_id: int) -> int | None:
        return self.greeting_channel

    async def everyone_can_read(self, guild_id: int, channel_id: int) -> bool | None:
        return self.readable_by_everyone.get(channel_id)

    async def channel_url(self, guild_id: int, channel_id: int) -> str | None:
        return f"https://chat.test/channels/{guild_id}/{channel_id}"

    async def role_can_moderate_messages(self, guild_id: int, role_id: int) -> bool | None:
        return self.moderating_roles.get(role_id)

    async def latency(self, guild_id: int) -> float | None:
        return None

    async def delete(self, posted: Posted) -> bool:
        self.deleted.append(posted)
        return True

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        if self.no_threads:
            return None
        self.threads.append((posted, name))
        return Posted(posted.guild_id, posted.message_id, posted.message_id)

    def cards(self, kind: type[C]) -> list[C]:
        """The cards of one type sent so far, in order."""
        return [s.card for s in self.sent if isinstance(s.card, kind)]

    def to(self, kind: type[Card]) -> list[Sent]:
        """The sends of one card type, with their targets and mentions."""
        return [s for s in self.sent if isinstance(s.card, kind)]
