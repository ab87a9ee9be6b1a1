"""When check-ins open: parsing the schedule, weekly instants in the community's zone.

Pure functions, tested on DST boundaries. Weekly instants are computed in the
community's IANA zone with zoneinfo and stored in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.chat import CalendarDay, Text
from bot.dates import time_of_day
from bot.db.checkins import CheckinSchedule
from bot.errors import UserError
from bot.text import clean_text, folded

OPEN_KIND = "checkin_open"
NUDGE_KIND = "checkin_nudge"
CLOSE_KIND = "checkin_close"

DEFAULT_CLOSE_AFTER_HOURS = 48
MAX_CLOSE_AFTER_HOURS = 168
MAX_TEXT_QUESTIONS = 3
QUESTION_MAX = 100
NUDGE_BEFORE_CLOSE = timedelta(hours=12)


def parse_time_of_day(text: str) -> time:
    """``18:00``, ``9:05``, ``18h30``, ``6pm``: a time of day (:func:`bot.dates.time_of_day`);
    anything else, ``24:61`` or ``18`` say, is refused."""
    found = time_of_day(text or "")
    if found is None:
        raise UserError("checkins.errors.bad_time", text=(text or "").strip()[:20])
    return found


BUILT_IN_QUESTIONS = frozenset({"default", "defaut", "par defaut", "built-in", "built in"})
"""What ``questions`` may say to go back to the built-in questions (accents, case aside)."""


def wants_built_in(text: str | None) -> bool:
    """Whether ``questions`` asks for the built-in questions by name ("default")."""
    return text is not None and folded(text) in BUILT_IN_QUESTIONS


def parse_questions(text: str | None, *, field: str | None = None) -> list[str] | None:
    """Custom questions separated by ``|`` or new lines; None keeps the built-in ones.

    A question is named in errors by its position: ``field`` with ``{number}`` in it, or
    the catalog's "question N".
    """
    if text is None or not text.strip():
        return None
    parts = [part for part in re.split(r"[|\n]", text.replace("\r\n", "\n")) if part.strip()]
    if len(parts) > MAX_TEXT_QUESTIONS:
        raise UserError(
            "checkins.errors.too_many_questions", count=len(parts), limit=MAX_TEXT_QUESTIONS
        )
    return [
        clean_text(
            part,
            field=Text.of("checkins.fields.question", number=index)
            if field is None
            else field.format(number=index),
            max_length=QUESTION_MAX,
        )
        for index, part in enumerate(parts, start=1)
    ]


def schedule_settings(
    current: CheckinSchedule | None,
    questions_text: str | None,
    close_after_hours: int | None,
    pulse: bool | None,
) -> tuple[list[str] | None, int, bool]:
    """The questions, window and pulse of a new schedule: those given, else the current
    schedule's (None: left out), else the defaults; questions "default" are the
    built-in ones (None)."""
    if wants_built_in(questions_text):
        questions = None
    elif (questions_text or "").strip():
        questions = parse_questions(questions_text)
    else:
        questions = list(current.questions) if current and current.questions else None
    if close_after_hours is None and current is not None:
        close_after_hours = current.close_after_hours
    if pulse is None:
        pulse = current.pulse if current is not None else False
    return questions, parse_close_after(close_after_hours), pulse


def parse_close_after(hours: int | None) -> int:
    """Hours a check-in stays open: 1 to 168, 48 by default."""
    value = DEFAULT_CLOSE_AFTER_HOURS if hours is None else hours
    if not 1 <= value <= MAX_CLOSE_AFTER_HOURS:
        raise UserError("checkins.errors.bad_close_after", value=value, limit=MAX_CLOSE_AFTER_HOURS)
    return value


def week_of(instant: datetime, zone: str) -> str:
    """The ISO week (``2026-W48``) of the local day of ``instant``."""
    year, week, _ = instant.astimezone(ZoneInfo(zone)).date().isocalendar()
    return f"{year}-W{week:02d}"


@lru_cache(maxsize=1024)
def week_monday(week: str) -> date:
    """The Monday of the ISO week ``week`` (``2026-W50``: 7 December 2026)."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


@lru_cache(maxsize=1024)
def week_shows_year(week: str, this_year: int | None = None) -> bool:
    """Whether the week ``week`` is named with its year: when the week runs into the next
    year, or when its Monday is not in ``this_year`` (None: the week is a current one,
    a post's or a form's)."""
    monday = week_monday(week)
    spans = (monday + timedelta(days=6)).year != monday.year
    return spans or (this_year is not None and monday.year != this_year)


def week_shown(week: str, this_year: int | None = None) -> CalendarDay:
    """The week ``week`` (an ISO id, ``2026-W50``) as members say it: by its Monday, the
    day the catalog writes as "week of 7 December", « semaine du 7 décembre », with the
    year when :func:`week_shows_year`. The ISO id stays what is stored and exported."""
    return CalendarDay(day=week_monday(week), year=week_shows_year(week, this_year))


def next_open_after(after: datetime, weekday: int, at: time, zone: str) -> datetime:
    """The first instant strictly after ``after`` that is ``weekday`` ``at`` local time.

    A wall time in the spring-forward gap resolves with the pre-transition offset (one
    hour later on the clock, once); a time repeated at fall-back takes its first
    occurrence (``fold=0``), so each week fires exactly once.
    """
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.weekday() != weekday:
            continue
        candidate = datetime.combine(candidate_day, at, tzinfo=tz).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a weekday always recurs within 15 days")


def gap_days(weekday: int, at: time, zone: str, start: date, days: int = 366) -> list[date]:
    """Days of the coming year on which ``at`` does not exist locally (spring forward)."""
    tz = ZoneInfo(zone)
    found = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() != weekday:
            continue
        wall = datetime.combine(day, at)
        round_trip = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != wall:
            found.append(day)
    return found


def nudge_time(opened_at: datetime, closes_at: datetime) -> datetime:
    """Twelve hours before the close, or halfway through a shorter window."""
    return max(opened_at + (closes_at - opened_at) / 2, closes_at - NUDGE_BEFORE_CLOSE)


def checkin_key(checkin_id: int) -> str:
    """The key of a check-in's ``checkin_nudge`` and ``checkin_close`` timers."""
    return f"checkin:{checkin_id}"


def open_key(schedule_id: int, week: str) -> str:
    """The key of a week's ``checkin_open`` timer; a new schedule never reuses one."""
    return f"checkin:{schedule_id}:{week}"
