"""The rotation's values: the line as shown, answers to offers, timer keys, availability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.db.facilitation.rotation import AssignmentStatus, Volunteer
from bot.db.members import Member
from bot.frozen import Frozen
from bot.i18n import Language
from bot.services.meetings import DateAhead

OFFER_KIND = "rotation_offer"
DEADLINE_KIND = "rotation_deadline"
NOTICE_KIND = "rotation_notice"
TOLD_KIND = "rotation_told"

NoticeReason = Literal["empty", "all_away", "all_declined", "vacated", "unanswered", "accepted"]
"""What the rotation tells the facilitators it could not settle (or settled late)."""

TAKEABLE: frozenset[NoticeReason] = frozenset(
    {"empty", "all_away", "all_declined", "vacated", "unanswered"}
)
"""The notices of a coming date nobody holds (or nobody answered for): they carry the
button "I'll facilitate it"."""

ToldReason = Literal["named", "withdrawn"]
"""What a member is told when a date is taken: a facilitator named them for it, or the
offer they had been sent is withdrawn (someone took the date)."""


# The line and the dates as shown are built from rows the database just gave, only to be
# shown: plain slotted dataclasses, not models validated again for each reply.
@dataclass(frozen=True, slots=True)
class RotationEntry:
    user_id: int
    times_assigned: int
    """Dates given to the member, coming ones included (the line's fairness counts them)."""
    away: bool
    """Away today, or gone from the server."""
    first_in_line: bool
    next_up: bool
    times_facilitated: int = 0
    """Meetings the member facilitated: dates that took place, never a coming one."""
    away_until: date | None = None
    """Away today (not gone): the last day of their away period."""


@dataclass(frozen=True, slots=True)
class UpcomingAssignment:
    occurrence_id: int
    meeting_title: str
    starts_at: datetime
    user_id: int | None
    status: AssignmentStatus | None
    """None: the date was not assigned (the community did not use the rotation yet)."""


@dataclass(frozen=True, slots=True)
class RotationView:
    """``/rotation show``: the line in the order the next dates go (who is next first),
    counts, who is away."""

    line: tuple[RotationEntry, ...]
    next_user_id: int | None
    """Who gets the next date to assign: the first in line free on that date."""
    upcoming: tuple[UpcomingAssignment, ...]
    next_date: DateAhead | None = None
    """The next date to assign (the next one a meeting announces); None: no meeting
    announces another date, and who is next is judged on today."""


@dataclass(frozen=True, slots=True)
class RotationChange:
    """What ``/rotation skip`` or ``set-next`` did, said above the line shown after it."""

    view: RotationView
    user_id: int
    """Skip: who was skipped, or who stays next (nothing changed); set-next: the member."""
    changed: bool = True
    """Skip: False when nobody else is free on the date, so the line was left as it was."""
    date: DateAhead | None = None
    """The date it was judged on: the next to assign, or the vacant date set-next filled."""
    asked: bool = False
    """Set-next: the member was asked at once for ``date``, a coming date nobody held."""
    away: bool = False
    """Set-next: away on ``date``, so passed over for it, keeping their place after."""


class OfferAnswer(Frozen):
    occurrence_id: int
    meeting_title: str
    starts_at: datetime
    accepted: bool
    next_user_id: int | None = None
    """After a decline: who was offered the date instead (None: nobody; facilitators told)."""
    language: Language = "en"
    """The community's: an offer asked in a channel is edited in it."""


@dataclass(frozen=True, slots=True)
class Taken:
    """A coming date taken by a member (the notice's button, ``/rotation assign``)."""

    occurrence_id: int
    meeting_title: str
    starts_at: datetime
    user_id: int
    """Who facilitates it now (accepted)."""
    previous_user_id: int | None
    """Who had been asked for it (their offer withdrawn), if anyone else."""
    language: Language
    """The community's: the notice clicked is edited in it."""


def offer_key(occurrence_id: int, offer: int) -> str:
    return f"{offer_prefix(occurrence_id)}{offer}"


def offer_prefix(occurrence_id: int) -> str:
    """What the keys of every offer sent for a date start with."""
    return f"rotation:{occurrence_id}:offer:"


def deadline_key(occurrence_id: int) -> str:
    return f"rotation:{occurrence_id}:deadline"


def notice_key(occurrence_id: int, reason: str, serial: int) -> str:
    return f"rotation:{occurrence_id}:notice:{reason}:{serial}"


def told_key(occurrence_id: int, serial: int, user_id: int) -> str:
    return f"rotation:{occurrence_id}:told:{serial}:{user_id}"


def unavailable(left: bool, away_until: date | None, on: date) -> bool:
    """Whether a volunteer cannot take a date: gone from the server, or away on it."""
    return left or (away_until is not None and on <= away_until)


def available(volunteers: list[Volunteer], members: dict[int, Member], on: date) -> list[Volunteer]:
    """Volunteers who can take a date: not away on it, still in the server."""
    found = []
    for volunteer in volunteers:
        member = members.get(volunteer.user_id)
        if member is not None and unavailable(member.left_at is not None, member.away_until, on):
            continue
        found.append(volunteer)
    return found
