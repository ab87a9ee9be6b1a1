"""The line as ``/rotation show`` lists it, judged on the next date to assign.

A date goes to the first volunteer in line who is free on that date (:mod:`.assign`):
someone away then is passed over and keeps their place. So who is *next* is judged on
the next date a meeting announces, not on today, and is listed first; the others follow
in line order. Without such a date (no meeting announces another), today stands in.
"""

from __future__ import annotations

from datetime import date

from bot.dates import local_today
from bot.db.connection import Connection
from bot.db.facilitation import rotation_shown
from bot.db.facilitation.rotation_shown import Holder, ShownVolunteer
from bot.services.facilitation.rotation.models import (
    RotationEntry,
    RotationView,
    UpcomingAssignment,
    unavailable,
)
from bot.services.meetings import ComingDate, DateAhead


def judged_on(next_date: DateAhead | None, today: date, zone: str) -> date:
    """The day who is next is judged on: the next date's, in the community's zone."""
    return today if next_date is None else local_today(next_date.starts_at, zone)


def free_on(line: list[ShownVolunteer], day: date) -> list[ShownVolunteer]:
    """The volunteers who can take a date on ``day``, in line order (the first gets it)."""
    return [v for v in line if not unavailable(v.left, v.away_until, day)]


def line_view(
    line: list[ShownVolunteer],
    upcoming: list[UpcomingAssignment],
    next_date: DateAhead | None,
    today: date,
    zone: str,
) -> RotationView:
    """The view shown: who gets ``next_date`` first, then the line in its order; each
    volunteer marked away as of today (with the last day of their away period)."""
    free = free_on(line, judged_on(next_date, today, zone))
    next_user_id = free[0].user_id if free else None
    ordered = sorted(line, key=lambda v: v.user_id != next_user_id)  # stable: line order
    entries = tuple(
        RotationEntry(
            user_id=v.user_id,
            times_assigned=v.times_assigned,
            away=unavailable(v.left, v.away_until, today),
            first_in_line=v.first_in_line,
            next_up=v.next_up,
            times_facilitated=v.facilitated,
            away_until=v.away_until
            if not v.left and unavailable(False, v.away_until, today)
            else None,
        )
        for v in ordered
    )
    return RotationView(
        line=entries, next_user_id=next_user_id, upcoming=tuple(upcoming), next_date=next_date
    )


async def assigned(conn: Connection, dates: list[ComingDate]) -> list[UpcomingAssignment]:
    """The dates with who holds each."""
    holders = await rotation_shown.holders_of(conn, [d.occurrence_id for d in dates])
    return upcoming_of(dates, holders)


def upcoming_of(dates: list[ComingDate], holders: dict[int, Holder]) -> list[UpcomingAssignment]:
    """The coming dates, each with whom it was given to and their answer."""
    found = []
    for date_ in dates:
        holder = holders.get(date_.occurrence_id)
        found.append(
            UpcomingAssignment(
                occurrence_id=date_.occurrence_id,
                meeting_title=date_.title,
                starts_at=date_.starts_at,
                user_id=holder.user_id if holder else None,
                status=holder.status if holder else None,
            )
        )
    return found
