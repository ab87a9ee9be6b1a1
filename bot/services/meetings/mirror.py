"""The platform event of a meeting: its next date, mirrored in members' calendars.

The database is the truth; :meth:`EventMirror.sync` converges the platform's event to
it, following :func:`event_action`. The platform is reached through
:class:`bot.chat.EventCalendar` only (Discord: ``cogs/events.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime
from typing import Literal

from bot.chat import EventCalendar, EventSpec, EventsRefused, EventStatus, ListedEvent
from bot.db import meetings as meetings_db
from bot.db.connection import Connection
from bot.db.meetings import Meeting
from bot.services.base import Core
from bot.services.meetings.models import EventTarget, UpcomingMeeting
from bot.services.meetings.reader import DateReader

log = logging.getLogger(__name__)

EVENT_NAME_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
Found = EventStatus | Literal["missing"]
EventAction = Literal["none", "create", "update", "replace", "remove", "forget", "drop"]
PROBLEMS = {"forbidden": "meetings.event.forbidden", "refused": "meetings.event.refused"}


def event_action(target: EventTarget, found: Found | None, now: datetime) -> EventAction:
    """What to do with the platform event of a meeting, given what the platform has.

    ``found`` is the status of the event the meeting points to (None: it points to
    none). An event a person deleted or cancelled is dropped for that occurrence
    (not recreated: they meant it); the next occurrence gets its own event. An
    event the bot lost (never recorded) is created again.
    """
    meeting, occurrence = target.meeting, target.occurrence
    if occurrence is None:
        if found is None:
            return "none"
        return "remove" if found in ("scheduled", "active") else "forget"
    if occurrence.starts_at <= now:
        return "none"  # under way: the platform's own start/end apply; the end timer rolls it
    same = meeting.event_occurrence_id == occurrence.id
    if found is None:
        return "none" if same else "create"
    if found == "scheduled":
        return "update"
    if found == "active":
        return "none" if same else "replace"
    return "drop" if same else "create"


def event_spec(upcoming: UpcomingMeeting) -> EventSpec:
    meeting = upcoming.meeting
    description = "\n\n".join(part for part in (meeting.agenda, meeting.link) if part)
    return EventSpec(
        name=meeting.title[:EVENT_NAME_MAX],
        description=description[:EVENT_DESCRIPTION_MAX],
        starts_at=upcoming.occurrence.starts_at,
        ends_at=upcoming.ends_at,
        channel_id=meeting.channel_id,
        location=meeting.link,
        announcement=upcoming.announcement,
    )


class EventMirror:
    def __init__(self, core: Core, calendar: EventCalendar, dates: DateReader) -> None:
        self._core = core
        self._calendar = calendar
        self._dates = dates
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def sync(self, meeting_id: int, listed: list[ListedEvent] | None = None) -> str | None:
        """Make the platform's event match the meeting; a problem key, or None if fine.

        ``listed``: the community's events from one list call (start-up reconciliation).
        """
        async with self._locks[meeting_id]:
            target = await self.event_target(meeting_id)
            if target is None:
                return None
            try:
                await self._converge(target, listed)
            except EventsRefused as exc:
                return PROBLEMS.get(exc.reason)
        return None

    async def reconcile(self, guild_id: int) -> None:
        """Re-sync every meeting's event of a community from one list call."""
        try:
            listed = await self._calendar.list_events(guild_id)
        except EventsRefused as exc:
            level = logging.INFO if exc.reason == "unreachable" else logging.WARNING
            log.log(
                level, "guild %s: cannot list events (%s); not reconciled", guild_id, exc.reason
            )
            return
        for target in await self.event_targets(guild_id):
            await self.sync(target.meeting.id, listed)

    async def _converge(self, target: EventTarget, listed: list[ListedEvent] | None) -> None:
        meeting, occurrence = target.meeting, target.occurrence
        guild_id = meeting.guild_id
        event: ListedEvent | None = None
        found: Found | None = None
        if meeting.event_id is not None:
            if listed is None:
                listed = await self._calendar.list_events(guild_id)
            event = next((e for e in listed if e.event_id == meeting.event_id), None)
            found = event.status if event else "missing"
        action = event_action(target, found, self._core.clock.now())
        if action == "none":
            return
        if action in ("remove", "forget"):
            if action == "remove" and event is not None:
                await self._calendar.retire_event(event)
            await self.record_event(meeting.id, None, None)
            return
        if action == "drop":
            log.info("meeting %s: its event was removed by a person; not recreated", meeting.id)
            await self.record_event(meeting.id, None, meeting.event_occurrence_id)
            return
        assert occurrence is not None
        async with self._core.db.read() as conn:
            spec = event_spec(await self._dates.load(conn, occurrence.id))
        if action == "update" and event is not None:
            event_id = await self._calendar.mirror_event(guild_id, spec, event)
        else:
            if action == "replace" and event is not None:
                await self._calendar.retire_event(event)
            if listed is None:
                listed = await self._calendar.list_events(guild_id)
            adopted = await self._adoptable(guild_id, listed, spec)
            event_id = (
                adopted.event_id
                if adopted is not None
                else await self._calendar.mirror_event(guild_id, spec)
            )
        await self.record_event(meeting.id, event_id, occurrence.id)

    async def _adoptable(
        self, guild_id: int, listed: list[ListedEvent], spec: EventSpec
    ) -> ListedEvent | None:
        """An event the bot made but lost before recording it (a crash in between)."""
        known = await self.known_event_ids(guild_id)
        for event in listed:
            if (
                event.event_id not in known
                and event.by_bot
                and event.status == "scheduled"
                and event.name == spec.name
                and event.starts_at == spec.starts_at
            ):
                return event
        return None

    # -- what the database says ------------------------------------------------------------

    async def event_targets(self, guild_id: int) -> list[EventTarget]:
        """Each meeting whose event must exist (its next occurrence) or go (cancelled, over)."""
        async with self._core.db.read() as conn:
            targets = [
                await _target(conn, meeting)
                for meeting in await meetings_db.meetings_with_events(conn, guild_id)
            ]
        return [t for t in targets if t.occurrence is not None or t.meeting.event_id is not None]

    async def event_target(self, meeting_id: int) -> EventTarget | None:
        async with self._core.db.read() as conn:
            meeting = await meetings_db.get_meeting(conn, meeting_id)
            return await _target(conn, meeting) if meeting is not None else None

    async def record_event(
        self, meeting_id: int, event_id: int | None, occurrence_id: int | None
    ) -> None:
        """Remember which platform event mirrors which occurrence (None: none now)."""
        async with self._core.db.transaction() as conn:
            await meetings_db.set_event(
                conn, meeting_id, event_id, occurrence_id, self._core.clock.now()
            )

    async def known_event_ids(self, guild_id: int) -> set[int]:
        async with self._core.db.read() as conn:
            return await meetings_db.known_event_ids(conn, guild_id)

    async def guilds_to_reconcile(self) -> list[int]:
        async with self._core.db.read_in_thread() as conn:  # every community's
            return await meetings_db.guilds_with_meetings(conn)


async def _target(conn: Connection, meeting: Meeting) -> EventTarget:
    occurrence = (
        await meetings_db.scheduled_occurrence(conn, meeting.id)
        if meeting.cancelled_at is None
        else None
    )
    return EventTarget(meeting=meeting, occurrence=occurrence)
