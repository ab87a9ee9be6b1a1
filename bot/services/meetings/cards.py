"""The messages meetings send, in domain terms (``cogs/meetings/render.py`` draws them).

Public posts are written in the community's language, direct messages too (the bot
knows no member's language outside an interaction).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from bot.chat import Card
from bot.db.meeting_rsvps import RsvpCounts
from bot.db.meetings import Repeat
from bot.i18n import Language, language_for_locale

if TYPE_CHECKING:
    from bot.services.meetings.models import UpcomingMeeting


class MeetingAnnouncement(Card):
    """An occurrence's announcement: what, when, where, and the RSVP buttons with counts."""

    occurrence_id: int
    title: str
    agenda: str
    starts_at: datetime
    duration_minutes: int
    repeat: Repeat
    first_date: date
    timezone: str
    channel_id: int | None
    link: str | None
    counts: RsvpCounts
    cancelled: bool = False
    """A cancelled date: said so, and no buttons."""
    facilitator_id: int | None = None
    """Who facilitates this date, shown without pinging them."""


class MeetingNotice(Card):
    """Members who answered are told of a change, in the announcements channel."""

    change: Literal["edited", "cancelled_occurrence", "cancelled_series"] | None
    """None: a further message carrying only more ``mentions``."""
    title: str
    starts_at: datetime
    channel_id: int | None
    link: str | None
    next_starts_at: datetime | None = None
    """The series goes on at this date (after a cancelled date)."""
    mentions: tuple[int, ...] = ()


class MeetingReminder(Card):
    """A reminder before the start: by DM (``direct``) or in the announcements channel."""

    direct: bool
    title: str
    starts_at: datetime
    channel_id: int | None
    link: str | None
    announcements_channel_id: int | None
    late: bool = False
    """Sent after the bot was offline: the message says so."""
    fallback: tuple[int, ...] = ()
    """Members whose DMs are closed, mentioned in the channel post instead."""


class MissedReminder(Card):
    """To the facilitators: a reminder could not go out in time."""

    offset_minutes: int
    title: str
    starts_at: datetime


def community_language(language: str) -> Language:
    return language_for_locale(language)


def announcement_card(
    upcoming: UpcomingMeeting, language: str, *, cancelled: bool = False
) -> MeetingAnnouncement:
    meeting, occurrence = upcoming.meeting, upcoming.occurrence
    return MeetingAnnouncement(
        language=community_language(language),
        occurrence_id=occurrence.id,
        title=meeting.title,
        agenda=meeting.agenda,
        starts_at=occurrence.starts_at,
        duration_minutes=meeting.duration_minutes,
        repeat=meeting.repeat,
        first_date=meeting.first_date,
        timezone=meeting.timezone,
        channel_id=meeting.channel_id,
        link=meeting.link,
        counts=upcoming.counts,
        cancelled=cancelled,
        facilitator_id=occurrence.facilitator_id,
    )
