"""What the meeting service returns, and the names its timers and events use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, NamedTuple, get_args

from bot.chat import Posted
from bot.dates import LocalInstant
from bot.db.meeting_rsvps import Answer, RsvpCounts
from bot.db.meetings import ListedDate, Meeting, NewMeeting, Occurrence, OccurrenceStatus, Repeat
from bot.errors import UserError
from bot.frozen import Frozen
from bot.services.meetings.cards import MeetingAnnouncement
from bot.services.meetings.times import reminders_ahead

REMINDER_KIND = "meeting_reminder"
END_KIND = "meeting_end"
Scope = Literal["occurrence", "series"]
SCOPES: tuple[Scope, ...] = get_args(Scope)


class AnnouncementRefused(UserError):
    """A confirmed meeting could not be announced (the channel refused it for good), so
    nothing was saved."""


class UpcomingMeeting(Frozen):
    """A meeting with its current occurrence and the RSVP counts of that occurrence."""

    meeting: Meeting
    occurrence: Occurrence
    counts: RsvpCounts
    facilitator_id: int | None = None
    """Who facilitates the date, when a feature names facilitators (the rotation)."""

    @property
    def ends_at(self) -> datetime:
        return self.occurrence.starts_at + timedelta(minutes=self.meeting.duration_minutes)

    @property
    def announcement(self) -> Posted | None:
        """Where the occurrence was announced, once it was."""
        occurrence = self.occurrence
        if occurrence.announcement_channel_id is None or occurrence.announcement_message_id is None:
            return None
        return Posted(
            self.meeting.guild_id,
            occurrence.announcement_channel_id,
            occurrence.announcement_message_id,
        )


@dataclass(frozen=True, slots=True)
class ListedMeeting:
    """A line of ``/meeting list``: the date as shown and who facilitates it. Only shown,
    so not validated; hashable, so its line is built once for what it shows."""

    date: ListedDate
    facilitator_id: int | None = None


class MeetingDate(Frozen):
    """One date of a meeting as other features read it (the rotation, live sessions)."""

    occurrence_id: int
    meeting_id: int
    guild_id: int
    title: str
    starts_at: datetime
    status: OccurrenceStatus
    """``cancelled`` too when the whole series was cancelled."""
    protocol_id: str | None
    """The live-session protocol the meeting preselects, if any."""

    @property
    def scheduled(self) -> bool:
        """Still to come, or under way."""
        return self.status == "scheduled"


class DateAhead(NamedTuple):
    """A meeting's date ahead as another feature names it (the rotation's next date to
    assign): which meeting, its title and when it starts. Announced or not yet, so no
    occurrence id; a plain tuple, since it is only shown and compared."""

    meeting_id: int
    title: str
    starts_at: datetime


def meeting_date(meeting: Meeting, occurrence: Occurrence) -> MeetingDate:
    return MeetingDate(
        occurrence_id=occurrence.id,
        meeting_id=meeting.id,
        guild_id=occurrence.guild_id,
        title=meeting.title,
        starts_at=occurrence.starts_at,
        status="cancelled" if meeting.cancelled_at is not None else occurrence.status,
        protocol_id=meeting.protocol_id,
    )


class MeetingDraft(Frozen):
    """A checked ``/meeting schedule``, waiting for the facilitator's confirmation."""

    guild_id: int
    created_by: int
    title: str
    duration_minutes: int
    repeat: Repeat
    when: LocalInstant
    """In the community's zone, where the series is kept."""
    typed: LocalInstant | None = None
    """``when`` as the member typed it, in their own zone, when it is not the community's."""
    channel_id: int | None
    link: str | None
    agenda: str
    announcements_channel_id: int
    """Where it will be announced once confirmed."""
    reminder_offsets: tuple[int, ...] | None = None
    """Minutes before the start; None: the community's offsets."""
    community_reminders: tuple[int, ...] = ()
    """The community's offsets, which apply when the meeting has none of its own (the
    preview says which)."""
    drafted_at: datetime
    """When the preview was made: the first date's reminders are those still ahead then."""
    protocol_id: str | None = None
    """The live-session protocol this meeting runs (``/session start`` preselects it)."""

    @property
    def reminders(self) -> tuple[int, ...]:
        """The reminder offsets that apply: the meeting's own, else the community's."""
        return self.reminder_offsets or self.community_reminders

    @property
    def first_reminders(self) -> tuple[int, ...]:
        """Those the first date gets: the ones still ahead when previewed (the rule its
        timers are planned by)."""
        return reminders_ahead(self.when.starts_at, self.reminders, self.drafted_at)

    @property
    def minutes_left(self) -> int:
        """How long before the start the preview was made, to the nearest minute."""
        return round((self.when.starts_at - self.drafted_at).total_seconds() / 60)

    def new_meeting(self) -> NewMeeting:
        """The series to save once confirmed."""
        return NewMeeting(
            guild_id=self.guild_id,
            title=self.title,
            duration_minutes=self.duration_minutes,
            repeat=self.repeat,
            first_date=self.when.local_date,
            local_time=self.when.local_time,
            timezone=self.when.timezone,
            channel_id=self.channel_id,
            link=self.link,
            agenda=self.agenda,
            reminder_offsets=self.reminder_offsets,
            protocol_id=self.protocol_id,
            created_by=self.created_by,
        )


class ScheduleResult(Frozen):
    """A confirmed meeting, saved and announced (or to be announced: see ``announcement``)."""

    upcoming: UpcomingMeeting
    announcement: Posted | None
    """None: the platform is down for now; the outbox posts it as soon as it answers."""
    announcements_channel_id: int
    event_problem: str | None
    """A catalog key when the platform event could not be created (the meeting works)."""


class RsvpResult(Frozen):
    answer: Answer | None
    """The member's answer now; None when the click removed it (toggle)."""
    previous: Answer | None
    upcoming: UpcomingMeeting
    announcement: MeetingAnnouncement
    """The announcement as it now reads (counts), in the community's language."""


class EditResult(Frozen):
    before: UpcomingMeeting
    after: UpcomingMeeting
    when: LocalInstant | None
    """The new time when ``when`` was given (with any DST adjustment to show)."""
    typed: LocalInstant | None = None
    """``when`` in the member's own zone, when it is not the community's."""
    notify: list[int]
    """Members who had answered (told in the announcements channel)."""
    told: int = 0
    announcements_channel_id: int | None = None
    event_problem: str | None = None


class CancelResult(Frozen):
    cancelled: UpcomingMeeting
    series_ended: bool
    next: UpcomingMeeting | None
    notify: list[int]
    told: int = 0
    """How many of ``notify`` the notice reached (it needs the announcements channel)."""


class Rollover(Frozen):
    """After an occurrence ended: the meeting's next occurrence, if the series goes on."""

    meeting: Meeting
    next: UpcomingMeeting | None
    ended: UpcomingMeeting | None = None
    """The date that ended, its announcement to be shown over."""


class ReminderPlan(Frozen):
    """Who a reminder goes to (members whose DMs are known closed are mentioned instead)."""

    upcoming: UpcomingMeeting
    language: str
    channel_id: int | None
    offset_minutes: int
    dm_user_ids: list[int]
    closed_dm_user_ids: list[int]


class MissedNotice(Frozen):
    upcoming: UpcomingMeeting
    language: str
    channel_id: int
    offset_minutes: int


class EventTarget(Frozen):
    """A meeting whose platform event must match ``occurrence`` (None: no event wanted)."""

    meeting: Meeting
    occurrence: Occurrence | None


def stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def occurrence_key(meeting_id: int, starts_at: datetime) -> str:
    """Timer key prefix of one occurrence: ``meeting:{id}:occ:{UTC start}:``."""
    return f"meeting:{meeting_id}:occ:{stamp(starts_at)}:"


def announce_key(occurrence_id: int) -> str:
    """The outbox key of a date's announcement: one post per date, whatever the retries."""
    return f"meeting-announce:{occurrence_id}"
