"""Meetings (SPEC §4): scheduling, RSVPs, reminders, the event mirror, the calendar.

- :mod:`.service`: :class:`MeetingService`, one method per user action (with the
  read side in :mod:`.queries`);
- :mod:`.checks`: what a facilitator typed; :mod:`.occurrences`: the dates of a series
  and their timers; :mod:`.publisher`: announcements and notices; :mod:`.timers`:
  reminders and the end of a date; :mod:`.mirror`: the platform event;
- :mod:`.cards`: the messages sent, :mod:`.models`: what is returned.
"""

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
    EditResult,
    EventTarget,
    MeetingDraft,
    ReminderPlan,
    Rollover,
    RsvpResult,
    ScheduleResult,
    UpcomingMeeting,
    occurrence_key,
)
from bot.services.meetings.service import MeetingService

__all__ = [
    "END_KIND",
    "REMINDER_KIND",
    "AnnouncementRefused",
    "CancelResult",
    "EditResult",
    "EventTarget",
    "MeetingAnnouncement",
    "MeetingDraft",
    "MeetingNotice",
    "MeetingReminder",
    "MeetingService",
    "MissedReminder",
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
