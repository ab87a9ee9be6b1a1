"""Meetings (SPEC §4): scheduling, RSVPs, reminders, the event mirror, the calendar.

A meeting is a series with at most one *scheduled* occurrence: the next date. It
is announced with RSVP buttons; its reminders (``meeting_reminder``) and its end
(``meeting_end``) are durable timers. When it ends it becomes *done*, the next
date of the rule is added, announced and timed in turn. Cancelling one occurrence
moves the series on the same way; cancelling the series stops it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.calendar_export import build_calendar
from bot.dates import local_today
from bot.db import audit
from bot.db import communities as communities_db
from bot.db import meetings as meetings_db
from bot.db import members as members_db
from bot.db.communities import Community
from bot.db.meetings import (
    ANSWERS,
    REPEATS,
    Answer,
    Meeting,
    NewMeeting,
    Occurrence,
    Repeat,
    RsvpCounts,
)
from bot.errors import UserError
from bot.services.base import Core, OccurrenceListener, StatusLine
from bot.services.community import CommunityService
from bot.services.meeting_times import (
    LocalInstant,
    next_occurrence,
    parse_when,
)
from bot.text import clean_text, inert_markdown

REMINDER_KIND = "meeting_reminder"
END_KIND = "meeting_end"
TITLE_MAX = 100  # Discord's limit for a scheduled event's name
AGENDA_MAX = 1000
LINK_MAX = 512
DURATION_MAX = 24 * 60
PLACE_KINDS = frozenset({"voice", "stage"})
_LINK_FORBIDDEN = frozenset('<>[]"`')
Scope = Literal["occurrence", "series"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
EventStatus = Literal["scheduled", "active", "completed", "cancelled", "missing"]
EventAction = Literal["none", "create", "update", "replace", "remove", "forget", "drop"]


class UpcomingMeeting(BaseModel):
    """A meeting with its current occurrence and the RSVP counts of that occurrence."""

    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    occurrence: Occurrence
    counts: RsvpCounts

    @property
    def ends_at(self) -> datetime:
        return self.occurrence.starts_at + timedelta(minutes=self.meeting.duration_minutes)


class MeetingDraft(BaseModel):
    """A checked ``/meeting schedule``, waiting for the facilitator's confirmation."""

    model_config = ConfigDict(frozen=True)

    guild_id: int
    created_by: int
    title: str
    duration_minutes: int
    repeat: Repeat
    when: LocalInstant
    channel_id: int | None
    link: str | None
    agenda: str
    reminder_offsets: tuple[int, ...] | None = None
    """Minutes before the start; None: the community's offsets."""


class RsvpResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: Answer | None
    """The member's answer now; None when the click removed it (toggle)."""
    previous: Answer | None
    upcoming: UpcomingMeeting


class EditResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    before: UpcomingMeeting
    after: UpcomingMeeting
    when: LocalInstant | None
    """The new time when ``when`` was given (with any DST adjustment to show)."""
    notify: list[int]


class CancelResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    cancelled: UpcomingMeeting
    series_ended: bool
    next: UpcomingMeeting | None
    notify: list[int]


class Rollover(BaseModel):
    """After an occurrence ended: the meeting's next occurrence, if the series goes on."""

    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    next: UpcomingMeeting | None


class ReminderPlan(BaseModel):
    """Who a reminder goes to (RELIABILITY D5: known-closed DMs are mentioned instead)."""

    model_config = ConfigDict(frozen=True)

    upcoming: UpcomingMeeting
    language: str
    channel_id: int | None
    offset_minutes: int
    dm_user_ids: list[int]
    closed_dm_user_ids: list[int]


class MissedNotice(BaseModel):
    model_config = ConfigDict(frozen=True)

    upcoming: UpcomingMeeting
    language: str
    channel_id: int
    offset_minutes: int


class EventTarget(BaseModel):
    """A meeting whose Discord event must match ``occurrence`` (None: no event wanted)."""

    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    occurrence: Occurrence | None


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def occurrence_key(meeting_id: int, starts_at: datetime) -> str:
    """Timer key prefix of one occurrence: ``meeting:{id}:occ:{UTC start}:``."""
    return f"meeting:{meeting_id}:occ:{_stamp(starts_at)}:"


def _clean(
    name: str, value: str | None, limit: int, *, required: bool, multiline: bool = False
) -> str:
    try:
        return clean_text(
            value, field=name, max_length=limit, required=required, multiline=multiline
        )
    except UserError as exc:
        problem = "empty" if exc.key == "errors.text_empty" else "too_long"
        raise UserError(f"meetings.errors.{name}_{problem}", **exc.params) from None


def check_duration(minutes: int) -> int:
    if not 1 <= minutes <= DURATION_MAX:
        raise UserError("meetings.errors.duration", minutes=minutes, limit=DURATION_MAX)
    return minutes


def check_repeat(value: str) -> Repeat:
    for repeat in REPEATS:
        if value == repeat:
            return repeat
    raise UserError("meetings.errors.repeat", value=value[:40])


def check_link(value: str | None) -> str | None:
    """An http(s) address, shown as is: no spaces or brackets that could disguise it (D2)."""
    link = _clean("link", value, LINK_MAX, required=False)
    if not link:
        return None
    parts = urlsplit(link)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() or ch in _LINK_FORBIDDEN for ch in link)
    ):
        raise UserError("meetings.errors.link_scheme")
    return link


_OFFSET = re.compile(r"^(\d{1,5})\s*(m|min|h|d|j)?$")
_OFFSET_MINUTES = {None: 1, "m": 1, "min": 1, "h": 60, "d": 1440, "j": 1440}
MAX_REMINDERS = 4
MAX_REMINDER_MINUTES = 14 * 1440


def check_reminders(value: str | None) -> tuple[int, ...] | None:
    """``"24h, 1h"`` → ``(1440, 60)``; empty means the community's offsets.

    Units: m (default), h, d (or j, jour). At most four, each 1 minute to 14 days.
    """
    text = (value or "").strip().lower()
    if not text:
        return None
    offsets: set[int] = set()
    for part in re.split(r"[,;\s]+(?=\d)", text):
        match = _OFFSET.match(part.strip())
        minutes = int(match.group(1)) * _OFFSET_MINUTES[match.group(2)] if match else 0
        if not 1 <= minutes <= MAX_REMINDER_MINUTES:
            raise UserError("meetings.errors.reminders_bad", text=value or "")
        offsets.add(minutes)
    if len(offsets) > MAX_REMINDERS:
        raise UserError("meetings.errors.reminders_too_many", limit=MAX_REMINDERS)
    return tuple(sorted(offsets, reverse=True))


def check_place(channel_id: int | None, channel_kind: str | None) -> None:
    """Meetings happen in a voice or stage channel (or behind a link), never a text one."""
    if channel_id is not None and channel_kind not in PLACE_KINDS:
        raise UserError("meetings.errors.channel_kind", channel_id=channel_id)


def event_action(target: EventTarget, found: EventStatus | None, now: datetime) -> EventAction:
    """What to do with the Discord event of a meeting, given what Discord has.

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
        return "none"  # under way: Discord's own start/end apply; the end timer rolls it
    same = meeting.event_occurrence_id == occurrence.id
    if found is None:
        return "none" if same else "create"
    if found == "scheduled":
        return "update"
    if found == "active":
        return "none" if same else "replace"
    return "drop" if same else "create"


class MeetingService:
    """The rules of meetings; no Discord types in or out."""

    name = "meetings"

    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community
        self._occurrence_listeners: list[OccurrenceListener] = []

    def add_occurrence_listener(self, listener: OccurrenceListener) -> None:
        """Told of each new date in its creating transaction (the rotation assigns)."""
        self._occurrence_listeners.append(listener)

    # -- scheduling ---------------------------------------------------------------------

    async def draft_schedule(
        self,
        guild_id: int | None,
        actor_id: int,
        *,
        title: str,
        when: str,
        duration: int = 90,
        repeat: str = "none",
        channel_id: int | None = None,
        channel_kind: str | None = None,
        link: str | None = None,
        agenda: str | None = None,
        reminders: str | None = None,
    ) -> MeetingDraft:
        """Check everything and read ``when``; nothing is saved (the reply asks to confirm)."""
        community = await self._community.require(guild_id)
        _require_announcements(community)
        clean_title = _clean("title", title, TITLE_MAX, required=True)
        clean_agenda = _clean("agenda", agenda, AGENDA_MAX, required=False, multiline=True)
        minutes = check_duration(duration)
        rule = check_repeat(repeat)
        clean_link = check_link(link)
        offsets = check_reminders(reminders)
        check_place(channel_id, channel_kind)
        instant = parse_when(
            when,
            field="when",
            now=self._core.clock.now(),
            timezone=community.timezone,
            language=community.language,
        )
        return MeetingDraft(
            guild_id=community.guild_id,
            created_by=actor_id,
            title=clean_title,
            duration_minutes=minutes,
            repeat=rule,
            when=instant,
            channel_id=channel_id,
            link=clean_link,
            agenda=clean_agenda,
            reminder_offsets=offsets,
        )

    async def schedule(self, draft: MeetingDraft) -> UpcomingMeeting:
        """Save a confirmed draft: the series, its first occurrence and their timers."""
        community = await self._community.require(draft.guild_id)
        _require_announcements(community)
        now = self._core.clock.now()
        if draft.when.starts_at <= now:
            raise UserError(
                "meetings.errors.when_past",
                field="when",
                text=draft.when.local_date.isoformat(),
                timestamp=int(draft.when.starts_at.timestamp()),
            )
        async with self._core.db.transaction() as conn:
            meeting_id = await meetings_db.insert_meeting(
                conn,
                NewMeeting(
                    guild_id=draft.guild_id,
                    title=draft.title,
                    duration_minutes=draft.duration_minutes,
                    repeat=draft.repeat,
                    first_date=draft.when.local_date,
                    local_time=draft.when.local_time,
                    timezone=draft.when.timezone,
                    channel_id=draft.channel_id,
                    link=draft.link,
                    agenda=draft.agenda,
                    reminder_offsets=draft.reminder_offsets,
                    created_by=draft.created_by,
                ),
                now,
            )
            occurrence_id = await meetings_db.insert_occurrence(
                conn, draft.guild_id, meeting_id, draft.when.local_date, draft.when.starts_at, now
            )
            for listener in self._occurrence_listeners:
                await listener.occurrence_created(
                    conn, draft.guild_id, meeting_id, occurrence_id, draft.when.starts_at
                )
            upcoming = await _upcoming(conn, occurrence_id)
            await self._plan_timers(conn, upcoming, community)
            await audit.record(
                conn,
                draft.guild_id,
                draft.created_by,
                "meeting.schedule",
                {"meeting_id": meeting_id, "repeat": draft.repeat},
                now,
            )
        return upcoming

    async def discard(self, meeting_id: int) -> None:
        """Undo :meth:`schedule` when its announcement could not be posted."""
        async with self._core.db.transaction() as conn:
            meeting = await meetings_db.get_meeting(conn, meeting_id)
            if meeting is None:
                return
            occurrence = await meetings_db.scheduled_occurrence(conn, meeting_id)
            if occurrence is not None:
                await self._cancel_timers(conn, meeting_id, occurrence)
            await meetings_db.delete_meeting(conn, meeting_id)
            await audit.record(
                conn,
                meeting.guild_id,
                meeting.created_by,
                "meeting.discard",
                {"meeting_id": meeting_id},
                self._core.clock.now(),
            )

    async def announced(self, occurrence_id: int, channel_id: int, message_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await meetings_db.set_announcement(conn, occurrence_id, channel_id, message_id)

    async def upcoming_occurrence(self, occurrence_id: int) -> UpcomingMeeting | None:
        async with self._core.db.read() as conn:
            if await meetings_db.get_occurrence(conn, occurrence_id) is None:
                return None
            return await _upcoming(conn, occurrence_id)

    async def unannounced(self, guild_id: int) -> list[UpcomingMeeting]:
        """Scheduled occurrences whose announcement is not recorded (a crash in between)."""
        return [
            u for u in await self.upcoming(guild_id) if u.occurrence.announcement_message_id is None
        ]

    # -- RSVPs --------------------------------------------------------------------------

    async def rsvp(
        self, guild_id: int | None, occurrence_id: int, user_id: int, answer: str
    ) -> RsvpResult:
        """Set, change or (same answer again) remove a member's answer, atomically."""
        if answer not in ANSWERS:
            raise UserError("meetings.errors.bad_answer")
        chosen: Answer = answer
        await self._community.require(guild_id)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
            if occurrence is None or occurrence.guild_id != guild_id:
                raise UserError("meetings.errors.unknown_occurrence")
            current = await _upcoming(conn, occurrence_id)
            if occurrence.status == "cancelled" or current.meeting.cancelled_at is not None:
                raise UserError("meetings.errors.rsvp_cancelled")
            if occurrence.status == "done" or now >= current.ends_at:
                raise UserError("meetings.errors.rsvp_over")
            previous = await meetings_db.get_rsvp(conn, occurrence_id, user_id)
            if previous is not None and previous.answer == chosen:
                await meetings_db.delete_rsvp(conn, occurrence_id, user_id)
                new_answer: Answer | None = None
            else:
                await meetings_db.put_rsvp(
                    conn, occurrence.guild_id, occurrence_id, user_id, chosen, now
                )
                new_answer = chosen
            upcoming = await _upcoming(conn, occurrence_id)
        return RsvpResult(
            answer=new_answer,
            previous=previous.answer if previous else None,
            upcoming=upcoming,
        )

    # -- reading ------------------------------------------------------------------------

    async def upcoming(self, guild_id: int) -> list[UpcomingMeeting]:
        """Every active meeting's scheduled occurrence, soonest first."""
        async with self._core.db.read() as conn:
            occurrences = await meetings_db.scheduled_occurrences(conn, guild_id)
            return [await _upcoming(conn, o.id) for o in occurrences]

    async def list_upcoming(self, guild_id: int | None) -> list[UpcomingMeeting]:
        community = await self._community.require(guild_id)
        return await self.upcoming(community.guild_id)

    async def search(
        self, guild_id: int | None, text: str, limit: int = 25
    ) -> list[UpcomingMeeting]:
        """Autocomplete: upcoming meetings whose title contains ``text``."""
        if guild_id is None:
            return []
        needle = text.strip().casefold()
        found = [u for u in await self.upcoming(guild_id) if needle in u.meeting.title.casefold()]
        return found[:limit]

    async def find(self, guild_id: int | None, reference: str) -> UpcomingMeeting:
        """The upcoming meeting an autocomplete value (its id) names."""
        community = await self._community.require(guild_id)
        meeting_id = int(reference) if reference.strip().isdigit() else None
        for upcoming in await self.upcoming(community.guild_id):
            if upcoming.meeting.id == meeting_id:
                return upcoming
        raise UserError("meetings.errors.unknown_meeting", text=reference[:100])

    # -- editing and cancelling ---------------------------------------------------------------

    async def edit(
        self,
        guild_id: int | None,
        actor_id: int,
        reference: str,
        *,
        title: str | None = None,
        when: str | None = None,
        duration: int | None = None,
        channel_id: int | None = None,
        channel_kind: str | None = None,
        link: str | None = None,
        agenda: str | None = None,
    ) -> EditResult:
        """Change a meeting from its next occurrence on; moves its timers; says who to tell."""
        community = await self._community.require(guild_id)
        before = await self.find(community.guild_id, reference)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = _clean("title", title, TITLE_MAX, required=True)
        if agenda is not None:
            changes["agenda"] = _clean("agenda", agenda, AGENDA_MAX, required=False, multiline=True)
        if duration is not None:
            changes["duration_minutes"] = check_duration(duration)
        if link is not None:
            changes["link"] = check_link(link)
        if channel_id is not None:
            check_place(channel_id, channel_kind)
            changes["channel_id"] = channel_id
        instant: LocalInstant | None = None
        if when is not None:
            instant = parse_when(
                when,
                field="when",
                now=self._core.clock.now(),
                timezone=community.timezone,
                language=community.language,
            )
            changes.update(
                first_date=instant.local_date,
                local_time=instant.local_time,
                timezone=instant.timezone,
            )
        if not changes:
            raise UserError("meetings.errors.nothing_to_edit")
        now = self._core.clock.now()
        occurrence = before.occurrence
        async with self._core.db.transaction() as conn:
            await _still_scheduled(conn, occurrence)
            await self._cancel_timers(conn, before.meeting.id, occurrence)
            await meetings_db.update_meeting(conn, before.meeting.id, changes, now)
            if instant is not None:
                await meetings_db.move_occurrence(
                    conn, occurrence.id, instant.local_date, instant.starts_at
                )
            after = await _upcoming(conn, occurrence.id)
            await self._plan_timers(conn, after, community)
            notify = [r.user_id for r in await meetings_db.rsvps_for(conn, occurrence.id)]
            await audit.record(
                conn,
                community.guild_id,
                actor_id,
                "meeting.edit",
                {"meeting_id": before.meeting.id, "fields": sorted(changes)},
                now,
            )
        return EditResult(before=before, after=after, when=instant, notify=notify)

    async def cancel(
        self, guild_id: int | None, actor_id: int, reference: str, scope: str
    ) -> CancelResult:
        """Cancel the next occurrence (the series moves on) or the whole series."""
        if scope not in SCOPES:
            raise UserError("meetings.errors.scope", value=scope[:40])
        community = await self._community.require(guild_id)
        current = await self.find(community.guild_id, reference)
        meeting, occurrence = current.meeting, current.occurrence
        ends_series = scope == "series" or meeting.repeat == "none"
        now = self._core.clock.now()
        next_upcoming: UpcomingMeeting | None = None
        async with self._core.db.transaction() as conn:
            await _still_scheduled(conn, occurrence)
            notify = [r.user_id for r in await meetings_db.rsvps_for(conn, occurrence.id)]
            await meetings_db.finish_occurrence(conn, occurrence.id, "cancelled")
            await self._cancel_timers(conn, meeting.id, occurrence)
            if ends_series:
                await meetings_db.cancel_meeting(conn, meeting.id, now)
            else:
                next_upcoming = await self._add_next(conn, meeting, occurrence, community)
            cancelled = await _upcoming(conn, occurrence.id)
            await audit.record(
                conn,
                community.guild_id,
                actor_id,
                "meeting.cancel",
                {"meeting_id": meeting.id, "scope": "series" if ends_series else "occurrence"},
                now,
            )
        return CancelResult(
            cancelled=cancelled, series_ended=ends_series, next=next_upcoming, notify=notify
        )

    async def complete_occurrence(self, occurrence_id: int) -> Rollover | None:
        """An occurrence ended: mark it done and add the next one (idempotent).

        Run again after a crash, it changes nothing and returns the same next
        occurrence, so the caller can still announce it if that had not happened.
        """
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
            if occurrence is None:
                return None
            meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
            community = await communities_db.get(conn, occurrence.guild_id)
            if meeting is None or community is None:
                return None
            ends_at = occurrence.starts_at + timedelta(minutes=meeting.duration_minutes)
            if occurrence.status == "scheduled":
                if now < ends_at:
                    return None  # a stale wake-up; the occurrence's own end timer will come
                await meetings_db.finish_occurrence(conn, occurrence.id, "done")
                if meeting.cancelled_at is None:
                    await self._add_next(conn, meeting, occurrence, community)
            if meeting.cancelled_at is not None:
                return Rollover(meeting=meeting, next=None)
            following = await meetings_db.scheduled_occurrence(conn, meeting.id)
            next_upcoming = await _upcoming(conn, following.id) if following else None
            meeting = await meetings_db.get_meeting(conn, meeting.id) or meeting
        return Rollover(meeting=meeting, next=next_upcoming)

    async def _add_next(
        self,
        conn: aiosqlite.Connection,
        meeting: Meeting,
        after: Occurrence,
        community: Community,
    ) -> UpcomingMeeting | None:
        """Insert the series' next date after ``after`` (skipping dates already begun)."""
        now = self._core.clock.now()
        instant = next_occurrence(
            meeting.first_date,
            meeting.local_time,
            meeting.timezone,
            meeting.repeat,
            after_day=after.local_date,
            now=now,
        )
        if instant is None:
            return None
        occurrence_id = await meetings_db.insert_occurrence(
            conn, meeting.guild_id, meeting.id, instant.local_date, instant.starts_at, now
        )
        for listener in self._occurrence_listeners:
            await listener.occurrence_created(
                conn, meeting.guild_id, meeting.id, occurrence_id, instant.starts_at
            )
        upcoming = await _upcoming(conn, occurrence_id)
        await self._plan_timers(conn, upcoming, community)
        return upcoming

    # -- timers ---------------------------------------------------------------------------

    async def _plan_timers(
        self, conn: aiosqlite.Connection, upcoming: UpcomingMeeting, community: Community
    ) -> None:
        """Reminders at each offset still ahead, and the end that rolls the series on."""
        meeting, occurrence = upcoming.meeting, upcoming.occurrence
        now = self._core.clock.now()
        prefix = occurrence_key(meeting.id, occurrence.starts_at)
        offsets = meeting.reminder_offsets or community.reminder_offsets
        payload = {
            "occurrence_id": occurrence.id,
            "starts_at": _stamp(occurrence.starts_at),
        }
        for offset in offsets:
            due = occurrence.starts_at - timedelta(minutes=offset)
            if due <= now:
                continue  # scheduled too close for this reminder: it would only be noise
            await self._core.scheduler.schedule(
                conn,
                meeting.guild_id,
                REMINDER_KIND,
                f"{prefix}{offset}",
                due,
                {**payload, "offset": offset},
            )
        await self._core.scheduler.schedule(
            conn, meeting.guild_id, END_KIND, f"{prefix}end", upcoming.ends_at, payload
        )

    async def _cancel_timers(
        self, conn: aiosqlite.Connection, meeting_id: int, occurrence: Occurrence
    ) -> None:
        prefix = occurrence_key(meeting_id, occurrence.starts_at)
        await self._core.scheduler.cancel_prefix(conn, REMINDER_KIND, prefix)
        await self._core.scheduler.cancel(conn, END_KIND, f"{prefix}end")

    async def reminder(self, payload: dict[str, Any]) -> ReminderPlan | None:
        """Who a due reminder goes to; None when it no longer applies (cancelled, moved)."""
        found = await self._live_occurrence(payload)
        if found is None:
            return None
        upcoming, community = found
        today = local_today(self._core.clock.now(), community.timezone)
        async with self._core.db.read() as conn:
            rsvps = await meetings_db.rsvps_for(conn, upcoming.occurrence.id, ("going", "maybe"))
            members = await members_db.get_many(
                conn, community.guild_id, [r.user_id for r in rsvps]
            )
        dm_user_ids: list[int] = []
        closed: list[int] = []
        for rsvp in rsvps:
            member = members.get(rsvp.user_id)
            if member is not None and (not member.dm_reminders or member.is_away(today)):
                continue
            if member is not None and member.dm_closed_at is not None:
                closed.append(rsvp.user_id)  # known closed: mention, do not knock again
            else:
                dm_user_ids.append(rsvp.user_id)
        return ReminderPlan(
            upcoming=upcoming,
            language=community.language,
            channel_id=community.announcements_channel_id,
            offset_minutes=int(payload["offset"]),
            dm_user_ids=dm_user_ids,
            closed_dm_user_ids=closed,
        )

    async def missed_reminder(self, payload: dict[str, Any]) -> MissedNotice | None:
        """Where to tell the facilitators that a reminder could not go out in time."""
        found = await self._live_occurrence(payload)
        if found is None:
            return None
        upcoming, community = found
        channel_id = community.moderation_channel_id or community.announcements_channel_id
        if channel_id is None:
            return None
        return MissedNotice(
            upcoming=upcoming,
            language=community.language,
            channel_id=channel_id,
            offset_minutes=int(payload["offset"]),
        )

    async def _live_occurrence(
        self, payload: dict[str, Any]
    ) -> tuple[UpcomingMeeting, Community] | None:
        async with self._core.db.read() as conn:
            occurrence = await meetings_db.get_occurrence(conn, int(payload["occurrence_id"]))
            if occurrence is None or occurrence.status != "scheduled":
                return None
            if _stamp(occurrence.starts_at) != payload.get("starts_at"):
                return None  # moved since; the timers of the new time apply
            upcoming = await _upcoming(conn, occurrence.id)
            community = await communities_db.get(conn, occurrence.guild_id)
        if upcoming.meeting.cancelled_at is not None or community is None:
            return None
        if community.left_at is not None:
            return None
        return upcoming, community

    # -- the Discord event mirror ---------------------------------------------------------------

    async def event_targets(self, guild_id: int) -> list[EventTarget]:
        """Each meeting whose event must exist (its next occurrence) or go (cancelled, over)."""
        async with self._core.db.read() as conn:
            meetings = await meetings_db.meetings_with_events(conn, guild_id)
            targets = []
            for meeting in meetings:
                occurrence = (
                    await meetings_db.scheduled_occurrence(conn, meeting.id)
                    if meeting.cancelled_at is None
                    else None
                )
                if occurrence is None and meeting.event_id is None:
                    continue
                targets.append(EventTarget(meeting=meeting, occurrence=occurrence))
        return targets

    async def event_target(self, meeting_id: int) -> EventTarget | None:
        async with self._core.db.read() as conn:
            meeting = await meetings_db.get_meeting(conn, meeting_id)
            if meeting is None:
                return None
            occurrence = (
                await meetings_db.scheduled_occurrence(conn, meeting.id)
                if meeting.cancelled_at is None
                else None
            )
        return EventTarget(meeting=meeting, occurrence=occurrence)

    async def record_event(
        self, meeting_id: int, event_id: int | None, occurrence_id: int | None
    ) -> None:
        """Remember which Discord event mirrors which occurrence (None: none now)."""
        async with self._core.db.transaction() as conn:
            await meetings_db.set_event(
                conn, meeting_id, event_id, occurrence_id, self._core.clock.now()
            )

    async def known_event_ids(self, guild_id: int) -> set[int]:
        async with self._core.db.read() as conn:
            return await meetings_db.known_event_ids(conn, guild_id)

    async def guilds_to_reconcile(self) -> list[int]:
        async with self._core.db.read() as conn:
            return await meetings_db.guilds_with_meetings(conn)

    # -- calendar, status, personal data ---------------------------------------------------------

    async def calendar(self, guild_id: int | None) -> bytes:
        """An RFC 5545 file of the upcoming meetings."""
        community = await self._community.require(guild_id)
        upcoming = await self.upcoming(community.guild_id)
        return build_calendar(upcoming, guild_id=community.guild_id, now=self._core.clock.now())

    async def status_lines(self, guild_id: int) -> list[StatusLine]:
        upcoming = await self.upcoming(guild_id)
        if not upcoming:
            return [StatusLine(key="meetings.status.none")]
        first = upcoming[0]
        return [
            StatusLine(
                key="meetings.status.next",
                params={
                    "title": inert_markdown(first.meeting.title),
                    "timestamp": int(first.occurrence.starts_at.timestamp()),
                },
            )
        ]

    async def export_member(
        self, conn: aiosqlite.Connection, guild_id: int, user_id: int
    ) -> dict[str, Any]:
        rsvps = []
        for rsvp in await meetings_db.member_rsvps(conn, guild_id, user_id):
            occurrence = await meetings_db.get_occurrence(conn, rsvp.occurrence_id)
            meeting = (
                await meetings_db.get_meeting(conn, occurrence.meeting_id) if occurrence else None
            )
            rsvps.append(
                {
                    "meeting": meeting.title if meeting else None,
                    "starts_at": occurrence.starts_at.isoformat() if occurrence else None,
                    "answer": rsvp.answer,
                    "answered_at": rsvp.answered_at.isoformat(),
                }
            )
        created = await meetings_db.meetings_created_by(conn, guild_id, user_id)
        facilitated = await meetings_db.facilitated_by(conn, guild_id, user_id)
        return {
            "rsvps": rsvps,
            "meetings_scheduled": [
                {"id": m.id, "title": m.title, "created_at": m.created_at.isoformat()}
                for m in created
            ],
            "occurrences_facilitated": [
                {"meeting_id": o.meeting_id, "starts_at": o.starts_at.isoformat()}
                for o in facilitated
            ],
        }

    async def delete_member(self, conn: aiosqlite.Connection, guild_id: int, user_id: int) -> None:
        await meetings_db.delete_member_rsvps(conn, guild_id, user_id)
        await meetings_db.forget_creator(conn, guild_id, user_id)
        await meetings_db.forget_facilitator(conn, guild_id, user_id)


def _require_announcements(community: Community) -> None:
    if community.announcements_channel_id is None:
        raise UserError("meetings.errors.no_announcements_channel")


async def _still_scheduled(conn: aiosqlite.Connection, occurrence: Occurrence) -> None:
    """Inside the write: the occurrence read before has not ended or moved meanwhile."""
    current = await meetings_db.get_occurrence(conn, occurrence.id)
    if (
        current is None
        or current.status != "scheduled"
        or current.starts_at != occurrence.starts_at
    ):
        raise UserError("meetings.errors.changed_meanwhile")


async def _upcoming(conn: aiosqlite.Connection, occurrence_id: int) -> UpcomingMeeting:
    occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
    assert occurrence is not None
    meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
    assert meeting is not None
    counts = await meetings_db.rsvp_counts(conn, [occurrence_id])
    return UpcomingMeeting(meeting=meeting, occurrence=occurrence, counts=counts[occurrence_id])
