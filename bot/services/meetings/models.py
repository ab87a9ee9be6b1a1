"""What the meeting service returns, and the names its timers and events use."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from bot.chat import Posted
from bot.db.meeting_rsvps import Answer, RsvpCounts
from bot.db.meetings import Meeting, Occurrence, Repeat
from bot.errors import UserError
from bot.scheduler import nonce_for
from bot.services.meeting_times import LocalInstant
from bot.services.meetings.cards import MeetingAnnouncement

REMINDER_KIND = "meeting_reminder"
END_KIND = "meeting_end"
Scope = Literal["occurrence", "series"]
SCOPES: tuple[Scope, ...] = get_args(Scope)


class AnnouncementRefused(UserError):
    """A confirmed meeting could not be announced, so nothing was saved."""


class UpcomingMeeting(BaseModel):
    """A meeting with its current occurrence and the RSVP counts of that occurrence."""

    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    occurrence: Occurrence
    counts: RsvpCounts

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
    announcements_channel_id: int
    """Where it will be announced once confirmed."""
    reminder_offsets: tuple[int, ...] | None = None
    """Minutes before the start; None: the community's offsets."""
    protocol_id: str | None = None
    """The live-session protocol this meeting runs (``/session start`` preselects it)."""


class ScheduleResult(BaseModel):
    """A confirmed meeting, saved and announced."""

    model_config = ConfigDict(frozen=True)

    upcoming: UpcomingMeeting
    announcement: Posted
    event_problem: str | None
    """A catalog key when the platform event could not be created (the meeting works)."""


class RsvpResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: Answer | None
    """The member's answer now; None when the click removed it (toggle)."""
    previous: Answer | None
    upcoming: UpcomingMeeting
    announcement: MeetingAnnouncement
    """The announcement as it now reads (counts), in the community's language."""


class EditResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    before: UpcomingMeeting
    after: UpcomingMeeting
    when: LocalInstant | None
    """The new time when ``when`` was given (with any DST adjustment to show)."""
    notify: list[int]
    """Members who had answered (told in the announcements channel)."""
    told: int = 0
    announcements_channel_id: int | None = None
    event_problem: str | None = None


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
    """A meeting whose platform event must match ``occurrence`` (None: no event wanted)."""

    model_config = ConfigDict(frozen=True)

    meeting: Meeting
    occurrence: Occurrence | None


def stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def occurrence_key(meeting_id: int, starts_at: datetime) -> str:
    """Timer key prefix of one occurrence: ``meeting:{id}:occ:{UTC start}:``."""
    return f"meeting:{meeting_id}:occ:{stamp(starts_at)}:"


def announce_nonce(occurrence_id: int) -> str:
    """The same announcement posted twice (a retry, a re-run) is one message."""
    return nonce_for("meeting-announce", occurrence_id)
