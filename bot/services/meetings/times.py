"""When meetings happen: recurrence rules, local time across DST.

Pure functions (no database, no Discord) so every rule is tested on its own
(``when`` itself is read by :func:`bot.dates.parse_when`, like every typed date):

- A series is a local date + a wall-clock time + an IANA zone + a rule. Each
  occurrence's instant is computed from its local date in that zone, so a weekly
  15:00 stays 15:00 local on both sides of a DST change.
- A reminder goes out only while it is still ahead: one whose time has come by the
  time its date is planned is not sent (:func:`reminders_ahead`).
- A wall-clock time that does not exist (spring-forward gap) moves forward by
  the gap (02:30 → 03:30) and is reported; one that happens twice (fall-back)
  means its first pass (``fold=0``). Either way an occurrence is one instant,
  so it fires once.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from bot.dates import LocalInstant, to_instant
from bot.db.meetings import Repeat

LAST = -1
"""Monthly position of a 5th weekday: not every month has one, so it means "the last"."""


# -- reminders -----------------------------------------------------------------------


def reminders_ahead(starts_at: datetime, offsets: Iterable[int], now: datetime) -> tuple[int, ...]:
    """The reminder offsets (minutes before ``starts_at``) still to come at ``now``, in
    their order: a reminder whose time has come already is never sent (it would only be
    noise). The one rule for planning a date's reminders and for saying which will go out."""
    return tuple(offset for offset in offsets if starts_at - timedelta(minutes=offset) > now)


def reminder_lead(offset: int, starts_at: datetime, now: datetime, *, late: bool) -> int | None:
    """How soon a reminder says the start is, in minutes: its own lead time when it goes
    out on time; sent late (after downtime), the real time left, rounded; None once the
    start has come (it says no lead then)."""
    if not late:
        return offset
    left = round((starts_at - now).total_seconds() / 60)
    return rounded_lead(left) if left >= 1 else None


def rounded_lead(minutes: int) -> int:
    """A time left before a start, rounded as a reminder's lead time reads: to the
    minute under two hours (at least one), to the hour under two days, to the day beyond."""
    if minutes < 120:
        return max(minutes, 1)
    if minutes < 2 * 1440:
        return round(minutes / 60) * 60
    return round(minutes / 1440) * 1440


# -- recurrence ----------------------------------------------------------------------


def monthly_position(day: date) -> int:
    """1..4 for the first..fourth weekday of its month; :data:`LAST` for a fifth."""
    position = (day.day - 1) // 7 + 1
    return LAST if position == 5 else position


def _weekday_in_month(year: int, month: int, weekday: int, position: int) -> date:
    days_in_month = calendar.monthrange(year, month)[1]
    if position == LAST:
        last = date(year, month, days_in_month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (position - 1))


def _monthly_dates(anchor: date, year: int, month: int) -> Iterator[date]:
    """Monthly dates from ``year``-``month`` on, at ``anchor``'s weekday position."""
    position = monthly_position(anchor)
    while True:
        yield _weekday_in_month(year, month, anchor.weekday(), position)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def rule_dates(anchor: date, repeat: Repeat) -> Iterator[date]:
    """The local dates of a series, from its anchor on (the anchor included)."""
    if repeat == "none":
        yield anchor
    elif repeat == "monthly":
        yield from _monthly_dates(anchor, anchor.year, anchor.month)
    else:
        step = timedelta(days=7 if repeat == "weekly" else 14)
        day = anchor
        while True:
            yield day
            day += step


def next_rule_date(anchor: date, repeat: Repeat, after: date) -> date | None:
    """The first date of the series strictly after ``after`` (None when there is none)."""
    if after < anchor:
        return anchor
    if repeat == "none":
        return None
    if repeat == "monthly":
        return next(d for d in _monthly_dates(anchor, after.year, after.month) if d > after)
    step = 7 if repeat == "weekly" else 14
    return anchor + timedelta(days=step * ((after - anchor).days // step + 1))


def next_occurrence(
    anchor: date, local_time: time, timezone: str, repeat: Repeat, *, after_day: date, now: datetime
) -> LocalInstant | None:
    """The first occurrence after ``after_day`` that has not started by ``now``."""
    day = after_day
    while True:
        found = next_rule_date(anchor, repeat, day)
        if found is None:
            return None
        instant = to_instant(found, local_time, timezone)
        if instant.starts_at > now:
            return instant
        day = found
