"""One process, several chat platforms: each community's calls go to the platform it lives on.

A community's platform is known from its id alone: Discord's ids (snowflakes) are
positive, and the Teams adapter maps every Teams id to a negative number. The core's
:class:`~bot.chat.delivery.Chat` takes one :class:`ChatPlatform`; with more than one
platform configured it takes a :class:`Platforms`, which sends each call to the owner
of the community it is about. With one platform, the core takes that platform itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.chat.port import (
    Card,
    ChatPlatform,
    EventCalendar,
    EventSpec,
    ListedEvent,
    PostCheck,
    Posted,
    SendOptions,
    Target,
)
from bot.i18n import Language
from bot.scheduler import RetryLater

PlatformName = Literal["discord", "teams"]


def platform_of(community_id: int) -> PlatformName:
    """Where a community lives: Teams ids are mapped to negative numbers."""
    return "teams" if community_id < 0 else "discord"


class PlatformMissing(RetryLater):
    """A community of a platform this process does not serve: its data stays untouched,
    and what was due for it is tried again later, then recorded as missed."""


@dataclass(frozen=True)
class Platforms:
    """A :class:`ChatPlatform` made of the platforms this process serves."""

    discord: ChatPlatform | None = None
    teams: ChatPlatform | None = None

    def of(self, community_id: int) -> ChatPlatform:
        name = platform_of(community_id)
        platform = self.discord if name == "discord" else self.teams
        if platform is None:
            raise PlatformMissing(f"community {community_id} is on {name}, not served here")
        return platform

    async def post(self, target: Target, card: Card, options: SendOptions) -> Posted:
        return await self.of(target.guild_id).post(target, card, options)

    async def edit(self, posted: Posted, card: Card) -> bool:
        return await self.of(posted.guild_id).edit(posted, card)

    async def delete(self, posted: Posted) -> bool:
        return await self.of(posted.guild_id).delete(posted)

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        return await self.of(posted.guild_id).start_thread(posted, name)

    @property
    def events(self) -> EventCalendar:
        return _Calendars(self)

    async def can_post(self, guild_id: int, channel_id: int, *, threads: bool = False) -> PostCheck:
        return await self.of(guild_id).can_post(guild_id, channel_id, threads=threads)

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        return await self.of(guild_id).member_names(guild_id, user_ids)

    async def is_member(self, guild_id: int, user_id: int) -> bool | None:
        return await self.of(guild_id).is_member(guild_id, user_id)

    async def member_language(self, guild_id: int, user_id: int) -> Language | None:
        return await self.of(guild_id).member_language(guild_id, user_id)

    async def community_name(self, guild_id: int) -> str | None:
        return await self.of(guild_id).community_name(guild_id)

    async def community_language(self, guild_id: int) -> Language | None:
        return await self.of(guild_id).community_language(guild_id)

    async def welcome_channel(self, guild_id: int) -> int | None:
        return await self.of(guild_id).welcome_channel(guild_id)

    async def role_can_moderate_messages(self, guild_id: int, role_id: int) -> bool | None:
        return await self.of(guild_id).role_can_moderate_messages(guild_id, role_id)

    async def everyone_can_read(self, guild_id: int, channel_id: int) -> bool | None:
        return await self.of(guild_id).everyone_can_read(guild_id, channel_id)

    async def channel_url(self, guild_id: int, channel_id: int) -> str | None:
        return await self.of(guild_id).channel_url(guild_id, channel_id)

    async def latency(self, guild_id: int) -> float | None:
        """The round trip of the community's own platform (None: not served here)."""
        try:
            platform = self.of(guild_id)
        except PlatformMissing:
            return None
        return await platform.latency(guild_id)


@dataclass(frozen=True)
class _Calendars:
    """Each community's calendar on its own platform."""

    platforms: Platforms

    async def list_events(self, guild_id: int) -> list[ListedEvent]:
        return await self.platforms.of(guild_id).events.list_events(guild_id)

    async def mirror_event(
        self, guild_id: int, spec: EventSpec, current: ListedEvent | None = None
    ) -> int:
        return await self.platforms.of(guild_id).events.mirror_event(guild_id, spec, current)

    async def retire_event(self, event: ListedEvent) -> None:
        await self.platforms.of(event.guild_id).events.retire_event(event)
