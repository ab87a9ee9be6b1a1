"""``/meeting calendar``: the upcoming meetings as an RFC 5545 (iCalendar) file.

One VEVENT per meeting with a UID stable across exports, so importing the file
again updates the same entries instead of duplicating them. Times are wall-clock
times with a ``TZID`` and its VTIMEZONE, so Outlook, Google and Teams keep a
weekly 15:00 at 15:00 local across DST, like the bot does; a series carries its
RRULE (the bot's own fixed choices only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.services.meetings.times import LAST, monthly_position

if TYPE_CHECKING:
    from bot.services.meetings.models import UpcomingMeeting

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRODID = "-//plc-bot//meetings//EN"


def meeting_uid(guild_id: int, meeting_id: int) -> str:
    return f"meeting-{meeting_id}-{guild_id}@plc-bot"


def _rrule(repeat: str, first_date: date) -> dict[str, Any] | None:
    if repeat == "weekly":
        return {"freq": "weekly"}
    if repeat == "biweekly":
        return {"freq": "weekly", "interval": 2}
    if repeat == "monthly":
        position = monthly_position(first_date)
        prefix = "-1" if position == LAST else str(position)
        return {"freq": "monthly", "byday": f"{prefix}{_WEEKDAYS[first_date.weekday()]}"}
    return None


def build_calendar(
    upcoming: Sequence[UpcomingMeeting],
    *,
    guild_id: int,
    now: datetime,
    channel_urls: Mapping[int, str],
) -> bytes:
    """The calendar file of ``upcoming`` (each from its next occurrence on). A meeting's
    place is its link, else the address of its channel in ``channel_urls`` (by channel
    id; the chat platform's, which may have none)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for item in upcoming:
        meeting, occurrence = item.meeting, item.occurrence
        event = Event()
        event.add("uid", meeting_uid(guild_id, meeting.id))
        event.add("dtstamp", now)
        event.add("last-modified", meeting.updated_at)
        start = datetime.combine(occurrence.local_date, meeting.local_time).replace(
            tzinfo=ZoneInfo(meeting.timezone)
        )
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=meeting.duration_minutes))
        event.add("summary", meeting.title)
        rule = _rrule(meeting.repeat, meeting.first_date)
        if rule is not None:
            event.add("rrule", rule)
        place = meeting.link or (
            channel_urls.get(meeting.channel_id) if meeting.channel_id else None
        )
        if place is not None:
            event.add("location", place)
            event.add("url", place)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        calendar.add_component(event)
    today = now.date()
    # Transitions from a year back to five years ahead: enough for every series'
    # next dates without a 70-year VTIMEZONE.
    calendar.add_missing_timezones(
        first_date=today - timedelta(days=366), last_date=today + timedelta(days=5 * 366)
    )
    return bytes(calendar.to_ical())
