"""What meetings do in Discord beyond replying: announcements, notices, the scheduled event.

Shared by the commands and the timers. Scheduled sends go through ``cogs.delivery``
with deterministic nonces (RELIABILITY D6, D8). The Discord scheduled event mirrors
the next occurrence; :meth:`MeetingPublisher.sync_event` converges it to the
database (the truth) following :func:`bot.services.meetings.event_action`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import discord

from bot.db.communities import Community
from bot.scheduler import nonce_for
from bot.services.community import CommunityService
from bot.services.meetings import (
    EventStatus,
    EventTarget,
    MeetingService,
    UpcomingMeeting,
    event_action,
)
from cogs import delivery
from cogs.meetings import render

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

EVENT_NAME_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
EVENT_LOCATION_MAX = 100

_STATUSES: dict[discord.EventStatus, EventStatus] = {
    discord.EventStatus.scheduled: "scheduled",
    discord.EventStatus.active: "active",
    discord.EventStatus.completed: "completed",
    discord.EventStatus.cancelled: "cancelled",
}


@dataclass(frozen=True)
class EventSpec:
    """What the Discord event of an occurrence should say."""

    name: str
    start: datetime
    end: datetime
    description: str
    entity_type: discord.EntityType
    channel: discord.abc.Snowflake | None
    location: str | None


def announce_nonce(occurrence_id: int) -> str:
    return nonce_for("meeting-announce", occurrence_id)


class MeetingPublisher:
    def __init__(self, bot: PlcBot, meetings: MeetingService) -> None:
        self.bot = bot
        self.meetings = meetings
        self._event_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def community(self, guild_id: int) -> Community | None:
        return await self.bot.services.get(CommunityService).get(guild_id)

    # -- announcements ------------------------------------------------------------------

    async def announce(self, upcoming: UpcomingMeeting) -> discord.Message | None:
        """Post the announcement with RSVP buttons; None if the channel refused (paused)."""
        community = await self.community(upcoming.meeting.guild_id)
        if community is None or community.announcements_channel_id is None:
            return None
        language = community.language
        message = await delivery.post(
            self.bot,
            community.guild_id,
            community.announcements_channel_id,
            nonce=announce_nonce(upcoming.occurrence.id),
            embed=render.announcement_embed(self.bot.catalog, language, upcoming),
            view=render.rsvp_view(self.bot.catalog, language, upcoming),
        )
        if message is not None:
            await self.meetings.announced(
                upcoming.occurrence.id, community.announcements_channel_id, message.id
            )
        return message

    async def refresh_announcement(
        self, upcoming: UpcomingMeeting, *, cancelled: bool = False
    ) -> None:
        """Re-render an announcement after an edit or a cancel (no buttons once cancelled)."""
        occurrence = upcoming.occurrence
        if occurrence.announcement_channel_id is None or occurrence.announcement_message_id is None:
            return
        community = await self.community(upcoming.meeting.guild_id)
        if community is None:
            return
        language = community.language
        message = self.bot.get_partial_messageable(
            occurrence.announcement_channel_id
        ).get_partial_message(occurrence.announcement_message_id)
        try:
            await message.edit(
                embed=render.announcement_embed(
                    self.bot.catalog, language, upcoming, cancelled=cancelled
                ),
                view=None if cancelled else render.rsvp_view(self.bot.catalog, language, upcoming),
            )
        except discord.NotFound:
            log.info("the announcement of occurrence %s was deleted", occurrence.id)
        except discord.HTTPException as exc:
            log.warning(
                "could not update the announcement of occurrence %s: %s", occurrence.id, exc.status
            )

    async def notify(
        self, upcoming: UpcomingMeeting, text: str, user_ids: list[int], *, action: str
    ) -> int:
        """Tell the members who answered, in the announcements channel; returns how many."""
        community = await self.community(upcoming.meeting.guild_id)
        if community is None or community.announcements_channel_id is None:
            return 0
        batches = render.mention_batches(user_ids) or [[]]
        told = 0
        for number, batch in enumerate(batches):
            lines = [text] if number == 0 else []
            if batch:
                lines.append(
                    self.bot.catalog.t(
                        community.language,
                        "meetings.notify.members",
                        mentions=render.mentions(batch),
                    )
                )
            message = await delivery.post(
                self.bot,
                community.guild_id,
                community.announcements_channel_id,
                nonce=nonce_for("meeting-notice", action, upcoming.occurrence.id, number),
                content="\n".join(lines),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(id=user_id) for user_id in batch]
                ),
            )
            if message is not None:
                told += len(batch)
        return told

    # -- the scheduled event ------------------------------------------------------------

    async def sync_event(
        self,
        meeting_id: int,
        *,
        events: dict[int, discord.ScheduledEvent] | None = None,
    ) -> str | None:
        """Make Discord's event match the meeting; returns a problem key, or None if fine."""
        async with self._event_locks[meeting_id]:
            target = await self.meetings.event_target(meeting_id)
            if target is None:
                return None
            guild = self.bot.get_guild(target.meeting.guild_id)
            if guild is None:
                return None
            try:
                await self._sync(guild, target, events)
            except discord.Forbidden:
                log.warning("guild %s: cannot manage events (meeting %s)", guild.id, meeting_id)
                return "meetings.event.forbidden"
            except discord.HTTPException as exc:
                log.warning(
                    "guild %s: event of meeting %s refused: %s %s",
                    guild.id,
                    meeting_id,
                    exc.status,
                    exc.code,
                )
                return "meetings.event.refused"
        return None

    async def _sync(
        self,
        guild: discord.Guild,
        target: EventTarget,
        events: dict[int, discord.ScheduledEvent] | None,
    ) -> None:
        meeting, occurrence = target.meeting, target.occurrence
        event = await self._fetch_event(guild, meeting.event_id, events)
        found: EventStatus | None = None
        if meeting.event_id is not None:
            found = _STATUSES.get(event.status, "missing") if event else "missing"
        action = event_action(target, found, self.bot.core.clock.now())
        if action == "none":
            return
        if action in ("remove", "forget"):
            if action == "remove" and event is not None:
                await _retire(event)
            await self.meetings.record_event(meeting.id, None, None)
            return
        if action == "drop":
            log.info(
                "meeting %s: its event was removed in Discord; not recreated for this date",
                meeting.id,
            )
            await self.meetings.record_event(meeting.id, None, meeting.event_occurrence_id)
            return
        assert occurrence is not None
        upcoming = await self.meetings.upcoming_occurrence(occurrence.id)
        if upcoming is None:
            return
        spec = await self._spec(guild, upcoming)
        if action == "update" and event is not None:
            if not _matches(event, spec):
                event = await _edit(event, spec)
        else:
            if action == "replace" and event is not None:
                await _retire(event)
            event = await self._adopt_or_create(guild, spec, events)
        await self.meetings.record_event(meeting.id, event.id, occurrence.id)

    async def _fetch_event(
        self,
        guild: discord.Guild,
        event_id: int | None,
        events: dict[int, discord.ScheduledEvent] | None,
    ) -> discord.ScheduledEvent | None:
        if event_id is None:
            return None
        if events is not None:
            return events.get(event_id)
        try:
            return await guild.fetch_scheduled_event(event_id, with_counts=False)
        except discord.NotFound:
            return None

    async def _adopt_or_create(
        self,
        guild: discord.Guild,
        spec: EventSpec,
        events: dict[int, discord.ScheduledEvent] | None,
    ) -> discord.ScheduledEvent:
        """Create the event, unless one the bot made was lost before being recorded."""
        known = await self.meetings.known_event_ids(guild.id)
        candidates = (
            events.values()
            if events is not None
            else await guild.fetch_scheduled_events(with_counts=False)
        )
        me = self.bot.user.id if self.bot.user else None
        for event in candidates:
            if (
                event.id not in known
                and event.creator_id == me
                and event.status is discord.EventStatus.scheduled
                and event.name == spec.name
                and event.start_time == spec.start
            ):
                return event
        if spec.entity_type is discord.EntityType.external:
            return await guild.create_scheduled_event(
                name=spec.name,
                start_time=spec.start,
                end_time=spec.end,
                description=spec.description,
                entity_type=discord.EntityType.external,
                location=spec.location or "Discord",
                privacy_level=discord.PrivacyLevel.guild_only,
            )
        assert spec.channel is not None
        return await guild.create_scheduled_event(
            name=spec.name,
            start_time=spec.start,
            end_time=spec.end,
            description=spec.description,
            entity_type=spec.entity_type,
            channel=spec.channel,
            privacy_level=discord.PrivacyLevel.guild_only,
        )

    async def _spec(self, guild: discord.Guild, upcoming: UpcomingMeeting) -> EventSpec:
        meeting, occurrence = upcoming.meeting, upcoming.occurrence
        channel = guild.get_channel(meeting.channel_id) if meeting.channel_id else None
        description = "\n\n".join(part for part in (meeting.agenda, meeting.link) if part)
        entity_type = discord.EntityType.external
        if isinstance(channel, discord.StageChannel):
            entity_type = discord.EntityType.stage_instance
        elif isinstance(channel, discord.VoiceChannel):
            entity_type = discord.EntityType.voice
        location = None
        if entity_type is discord.EntityType.external:
            location = await self._location(upcoming)
        return EventSpec(
            name=meeting.title[:EVENT_NAME_MAX],
            start=occurrence.starts_at,
            end=occurrence.starts_at + timedelta(minutes=meeting.duration_minutes),
            description=description[:EVENT_DESCRIPTION_MAX],
            entity_type=entity_type,
            channel=channel if entity_type is not discord.EntityType.external else None,
            location=location,
        )

    async def _location(self, upcoming: UpcomingMeeting) -> str:
        """An external event's place: the link, its site if too long, else the announcement."""
        link = upcoming.meeting.link
        if link:
            return link if len(link) <= EVENT_LOCATION_MAX else urlsplit(link).netloc[:100]
        occurrence = upcoming.occurrence
        if occurrence.announcement_channel_id and occurrence.announcement_message_id:
            return render.jump_url(
                upcoming.meeting.guild_id,
                occurrence.announcement_channel_id,
                occurrence.announcement_message_id,
            )
        community = await self.community(upcoming.meeting.guild_id)
        language = community.language if community else "en"
        return self.bot.catalog.t(language, "meetings.event.location")

    # -- start-up -------------------------------------------------------------------------

    async def reconcile(self) -> None:
        """After a start: announce what a crash left unannounced, and re-sync every event."""
        now = self.bot.core.clock.now()
        for guild_id in await self.meetings.guilds_to_reconcile():
            for upcoming in await self.meetings.unannounced(guild_id):
                if upcoming.ends_at > now:
                    await self.announce(upcoming)
            guild = self.bot.get_guild(guild_id)
            if guild is None:
                continue
            try:
                listed = await guild.fetch_scheduled_events(with_counts=False)
            except discord.HTTPException as exc:
                log.warning(
                    "guild %s: cannot list events (%s); not reconciled", guild_id, exc.status
                )
                continue
            events = {event.id: event for event in listed}
            for target in await self.meetings.event_targets(guild_id):
                await self.sync_event(target.meeting.id, events=events)


def _matches(event: discord.ScheduledEvent, spec: EventSpec) -> bool:
    channel_id = spec.channel.id if spec.channel is not None else None
    return (
        event.name == spec.name
        and event.start_time == spec.start
        and event.end_time == spec.end
        and (event.description or "") == spec.description
        and event.entity_type is spec.entity_type
        and event.channel_id == channel_id
        and event.location == spec.location
    )


async def _edit(event: discord.ScheduledEvent, spec: EventSpec) -> discord.ScheduledEvent:
    if spec.entity_type is discord.EntityType.external:
        return await event.edit(
            name=spec.name,
            start_time=spec.start,
            end_time=spec.end,
            description=spec.description,
            entity_type=spec.entity_type,
            location=spec.location or "Discord",
        )
    assert spec.channel is not None
    return await event.edit(
        name=spec.name,
        start_time=spec.start,
        end_time=spec.end,
        description=spec.description,
        entity_type=spec.entity_type,
        channel=spec.channel,
    )


async def _retire(event: discord.ScheduledEvent) -> None:
    """End an event under way, cancel one still to come; one already gone is fine."""
    try:
        if event.status is discord.EventStatus.active:
            await event.end()
        elif event.status is discord.EventStatus.scheduled:
            await event.cancel()
    except discord.NotFound:
        pass
