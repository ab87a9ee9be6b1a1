"""Meetings: scheduling, RSVPs, reminders, the event mirror, the calendar.

- :mod:`.service`: :class:`MeetingService`, one method per member's action (with the
  read side in :mod:`.queries`); :mod:`.feature`: how the application installs it;
- :mod:`.checks` and :mod:`.edits`: what a facilitator typed; :mod:`.occurrences`: the
  dates of a series, their timers and announcements; :mod:`.times`: the dates a rule
  gives; :mod:`.publisher`: announcements (through the outbox) and notices;
  :mod:`.timers`: reminders and the end of a date; :mod:`.mirror`: the platform event;
  :mod:`.ics`: the calendar file;
- :mod:`.cards`: the messages posted and how they look, :mod:`.replies`: the answers to
  the member who asked, :mod:`.texts`: the short texts both share;
  :mod:`.interface`: ``/meeting`` and its buttons; :mod:`.models`: what is returned;
  :mod:`.protocol_choices`: what the facilitation feature answers about protocols;
  :mod:`.reader`: how a date is read for showing it, and the facilitators another
  feature names.

Other features read dates through :class:`MeetingService`'s ``date_of``,
``scheduled_dates`` and ``going`` (a :class:`MeetingDate`, never a stored row), or
``coming_dates`` for dates only shown (a :class:`ComingDate` tuple), or
``dates_to_announce`` for the dates each series announces next (a :class:`DateAhead`
tuple), in their own connection.
"""

from bot.db.meetings import ComingDate
from bot.services.meetings.cards import (
    MeetingAnnouncement,
    MeetingNotice,
    MeetingReminder,
    MissedReminder,
)
from bot.services.meetings.checks import Room, check_reminders
from bot.services.meetings.mirror import event_action
from bot.services.meetings.models import (
    END_KIND,
    REMINDER_KIND,
    AnnouncementRefused,
    CancelResult,
    DateAhead,
    EditResult,
    EventTarget,
    MeetingDate,
    MeetingDraft,
    ReminderPlan,
    Rollover,
    RsvpResult,
    ScheduleResult,
    UpcomingMeeting,
    occurrence_key,
)
from bot.services.meetings.protocol_choices import ProtocolChoices
from bot.services.meetings.reader import FacilitatorSource
from bot.services.meetings.service import MeetingService

__all__ = [
    "END_KIND",
    "REMINDER_KIND",
    "AnnouncementRefused",
    "CancelResult",
    "ComingDate",
    "DateAhead",
    "EditResult",
    "EventTarget",
    "FacilitatorSource",
    "MeetingAnnouncement",
    "MeetingDate",
    "MeetingDraft",
    "MeetingNotice",
    "MeetingReminder",
    "MeetingService",
    "MissedReminder",
    "ProtocolChoices",
    "ReminderPlan",
    "Rollover",
    "Room",
    "RsvpResult",
    "ScheduleResult",
    "UpcomingMeeting",
    "check_reminders",
    "event_action",
    "occurrence_key",
]
