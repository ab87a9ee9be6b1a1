"""Discord's side of :class:`bot.chat.EventCalendar`: guild scheduled events.

The service decides (which event, create, adopt, edit or retire); this module only
translates: an :class:`~bot.chat.EventSpec` becomes a voice, stage or external event,
and Discord's refusals become :class:`~bot.chat.EventsRefused`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import discord

from bot.chat import EventSpec, EventsRefused, EventStatus, ListedEvent
from cogs.render import message_url

log = logging.getLogger(__name__)

EVENT_LOCATION_MAX = 100
PLATFORM_LOCATION = "Discord"

_STATUSES: dict[discord.EventStatus, EventStatus] = {
    discord.EventStatus.scheduled: "scheduled",
    discord.EventStatus.active: "active",
    discord.EventStatus.completed: "completed",
    discord.EventStatus.cancelled: "cancelled",
}


@dataclass(frozen=True)
class _Shape:
    """An event spec as Discord fields."""

    entity_type: discord.EntityType
    channel: discord.abc.Snowflake | None
    location: str | None

    def fields(self, spec: EventSpec) -> dict[str, Any]:
        where: dict[str, Any] = (
            {"location": self.location or PLATFORM_LOCATION}
            if self.entity_type is discord.EntityType.external
            else {"channel": self.channel}
        )
        return {
            "name": spec.name,
            "start_time": spec.starts_at,
            "end_time": spec.ends_at,
            "description": spec.description,
            "entity_type": self.entity_type,
            **where,
        }


class DiscordEvents:
    """Scheduled events through the client ``client()`` returns (bound after start-up)."""

    def __init__(self, client: Callable[[], discord.Client]) -> None:
        self._client = client

    def _guild(self, guild_id: int) -> discord.Guild:
        guild = self._client().get_guild(guild_id)
        if guild is None:
            raise EventsRefused("unreachable")
        return guild

    async def list_events(self, guild_id: int) -> list[ListedEvent]:
        guild = self._guild(guild_id)
        try:
            events = await guild.fetch_scheduled_events(with_counts=False)
        except discord.HTTPException as exc:
            raise _refused(guild_id, exc) from exc
        me = self._client().user
        return [_listed(guild_id, event, me.id if me else None) for event in events]

    async def mirror_event(
        self, guild_id: int, spec: EventSpec, current: ListedEvent | None = None
    ) -> int:
        guild = self._guild(guild_id)
        shape = _shape(guild, spec)
        try:
            if current is None:
                created = await guild.create_scheduled_event(
                    privacy_level=discord.PrivacyLevel.guild_only, **shape.fields(spec)
                )
                return created.id
            event = await self._event(guild, current)
            if not _matches(event, spec, shape):
                event = await event.edit(**shape.fields(spec))
        except discord.HTTPException as exc:
            raise _refused(guild_id, exc) from exc
        return event.id

    async def retire_event(self, event: ListedEvent) -> None:
        guild = self._guild(event.guild_id)
        try:
            found = await self._event(guild, event)
            if found.status is discord.EventStatus.active:
                await found.end()
            elif found.status is discord.EventStatus.scheduled:
                await found.cancel()
        except discord.NotFound:
            pass
        except discord.HTTPException as exc:
            raise _refused(event.guild_id, exc) from exc

    @staticmethod
    async def _event(guild: discord.Guild, listed: ListedEvent) -> discord.ScheduledEvent:
        if isinstance(listed.handle, discord.ScheduledEvent):
            return listed.handle
        return await guild.fetch_scheduled_event(listed.event_id, with_counts=False)


def _listed(guild_id: int, event: discord.ScheduledEvent, me: int | None) -> ListedEvent:
    return ListedEvent(
        guild_id=guild_id,
        event_id=event.id,
        status=_STATUSES.get(event.status, "cancelled"),
        name=event.name,
        starts_at=event.start_time,
        by_bot=me is not None and event.creator_id == me,
        handle=event,
    )


def _shape(guild: discord.Guild, spec: EventSpec) -> _Shape:
    """A stage or voice event in its channel; otherwise an external one with a location."""
    channel = guild.get_channel(spec.channel_id) if spec.channel_id else None
    if isinstance(channel, discord.StageChannel):
        return _Shape(discord.EntityType.stage_instance, channel, None)
    if isinstance(channel, discord.VoiceChannel):
        return _Shape(discord.EntityType.voice, channel, None)
    location = spec.location
    if location and len(location) > EVENT_LOCATION_MAX:
        location = urlsplit(location).netloc[:EVENT_LOCATION_MAX]
    if not location and spec.announcement is not None:
        posted = spec.announcement
        location = message_url(posted.guild_id, posted.channel_id, posted.message_id)
    return _Shape(discord.EntityType.external, None, location or PLATFORM_LOCATION)


def _matches(event: discord.ScheduledEvent, spec: EventSpec, shape: _Shape) -> bool:
    channel_id = shape.channel.id if shape.channel is not None else None
    return (
        event.name == spec.name
        and event.start_time == spec.starts_at
        and event.end_time == spec.ends_at
        and (event.description or "") == spec.description
        and event.entity_type is shape.entity_type
        and event.channel_id == channel_id
        and event.location == shape.location
    )


def _refused(guild_id: int, exc: discord.HTTPException) -> EventsRefused:
    if isinstance(exc, discord.Forbidden):
        log.warning("guild %s: cannot manage events (%s)", guild_id, exc.code)
        return EventsRefused("forbidden")
    log.warning("guild %s: events refused: %s %s", guild_id, exc.status, exc.code)
    return EventsRefused("refused")
