"""Facilitation: the rotation of facilitators, live sessions, the actions members commit
to, and the practice log; installed by :func:`.feature.declare`.

- :mod:`.rotation`: who facilitates each meeting date (assigned in the transaction that
  creates the date), the offer and the notices to facilitators, ``/rotation``;
- :mod:`.sessions`: ``/session`` and its buttons: steps, rounds, time, notes, decisions;
- :mod:`.actions`: actions, their due-date reminders, ``/actions``;
- :mod:`.practices`: every session summary as one Markdown file, ``/practices export``.
"""

from bot.services.facilitation.actions.service import ActionService
from bot.services.facilitation.practices.service import PracticeLog
from bot.services.facilitation.rotation.service import RotationService
from bot.services.facilitation.sessions.records import SessionRecords
from bot.services.facilitation.sessions.service import SessionService, SessionStarted

__all__ = [
    "ActionService",
    "PracticeLog",
    "RotationService",
    "SessionRecords",
    "SessionService",
    "SessionStarted",
]
