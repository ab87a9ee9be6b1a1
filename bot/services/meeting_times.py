"""When meetings happen: reading ``when``, recurrence rules, local time across DST.

Pure functions (no database, no Discord) so every rule is tested on its own:

- :func:`parse_when` reads what a facilitator typed (ISO, ``3 déc. 15h30``,
  ``Dec 3 3:30pm``, ``jeudi 15h``) in the community's zone with ``dateparser``,
  after checking the numbers itself, because dateparser quietly "fixes" some
  impossible dates (``2026-13-03`` becomes March 13) and misreads French hours
  (``demain 10h``).
- A series is a local date + a wall-clock time + an IANA zone + a rule. Each
  occurrence's instant is computed from its local date in that zone, so a weekly
  15:00 stays 15:00 local on both sides of a DST change (RELIABILITY S4).
- A wall-clock time that does not exist (spring-forward gap) moves forward by
  the gap (02:30 → 03:30) and is reported; one that happens twice (fall-back)
  means its first pass (``fold=0``). Either way an occurrence is one instant,
  so it fires once (S5).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser
from pydantic import BaseModel

from bot.db.meetings import Repeat
from bot.errors import UserError
from bot.frozen import Frozen

MAX_AHEAD = timedelta(days=366)
LAST = -1
"""Monthly position of a 5th weekday: not every month has one, so it means "the last"."""


class LocalInstant(Frozen):
    """A wall-clock time in a zone, the instant it stands for, and any DST adjustment."""

    local_date: date
    local_time: time
    timezone: str
    starts_at: datetime
    shifted_to: time | None = None
    """Set when ``local_time`` does not exist that day (spring-forward gap)."""
    repeated: bool = False
    """``local_time`` happens twice that day (fall-back); the first one is meant."""


# -- local time ↔ UTC --------------------------------------------------------------


def to_instant(day: date, at: time, timezone: str) -> LocalInstant:
    """The UTC instant of ``day`` ``at`` in ``timezone`` (first pass when repeated)."""
    zone = ZoneInfo(timezone)
    wall = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    starts_at = wall.astimezone(UTC)
    round_trip = starts_at.astimezone(zone)
    shifted = (
        round_trip.time() if round_trip.replace(tzinfo=None) != wall.replace(tzinfo=None) else None
    )
    other_fold = wall.replace(fold=1)
    repeated = shifted is None and other_fold.utcoffset() != wall.utcoffset()
    return LocalInstant(
        local_date=day,
        local_time=at,
        timezone=timezone,
        starts_at=starts_at,
        shifted_to=shifted,
        repeated=repeated,
    )


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


# -- reading what people type ------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "janv", "january", "janvier"),
            ("feb", "fev", "fevr", "february", "fevrier"),
            ("mar", "march", "mars"),
            ("apr", "avr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "juil", "july", "juillet"),
            ("aug", "august", "aou", "aout"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+(?:de\s+)?([a-z]{3,9})\b")
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_YEAR = re.compile(r"\b(\d{4})\b")
_FRENCH_HOUR = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?\b", re.IGNORECASE)
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap])?\.?(m\b\.?)?", re.IGNORECASE)
_MERIDIEM = re.compile(r"\b(\d{1,2})\s*([ap])\.?m\b\.?", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\b(prochaine?|suivante?)\b", re.IGNORECASE)


def _plain(text: str) -> str:
    """Lowercase without accents, to match month names typed either way."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _normalize(text: str) -> str:
    """Rewrite French hours (``15h30``, ``15 h``) as ``15:30`` and drop "prochain"."""
    text = _FRENCH_HOUR.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)
    return " ".join(_NEXT_WORD.sub(" ", text).split())


class _Expected(BaseModel):
    """The numbers the text states, to compare with what dateparser returned."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    hour: int | None = None
    minute: int | None = None


def _impossible(field: str, text: str) -> UserError:
    return UserError("meetings.errors.when_impossible", field=field, text=text)


def _check_day(field: str, text: str, year: int | None, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise _impossible(field, text)
    longest = calendar.monthrange(year or 2028, month)[1]  # 2028: leap, allows Feb 29
    if not 1 <= day <= longest:
        raise _impossible(field, text)


def _stated_date(plain: str, day_first: bool) -> tuple[int | None, int, int] | None:
    """(year, month, day) as the text writes them: ISO, d/m (or m/d), or a month name."""
    if (iso := _ISO_DATE.search(plain)) is not None:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    if (slash := _SLASH_DATE.search(plain)) is not None:
        first, second = int(slash.group(1)), int(slash.group(2))
        year = slash.group(3)
        day, month = (first, second) if day_first else (second, first)
        return (int(year) if year and len(year) == 4 else None), month, day
    years = _YEAR.findall(plain)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(plain):
            month_number = _MONTHS.get(match.group(month_group))
            if month_number is not None:
                return (int(years[0]) if years else None), month_number, int(match.group(day_group))
    return None


def _expected_numbers(text: str, *, field: str, original: str, day_first: bool) -> _Expected:
    """Read the date and time numbers the text states; refuse impossible ones (I2)."""
    found = _Expected()
    stated = _stated_date(_plain(text), day_first)
    if stated is not None:
        year, month, day = stated
        _check_day(field, original, year, month, day)
        found = _Expected(day=day, month=month, year=year)
    times: list[tuple[int, int]] = []
    for match in _CLOCK.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        if match.group(3):
            hour = _twelve_hour(field, original, hour, match.group(3))
        if hour > 23 or minute > 59:
            raise _impossible(field, original)
        times.append((hour, minute))
    without_clock = _CLOCK.sub(" ", text)
    for match in _MERIDIEM.finditer(without_clock):
        times.append((_twelve_hour(field, original, int(match.group(1)), match.group(2)), 0))
    if len(times) > 1:
        raise UserError("meetings.errors.when_ambiguous", field=field, text=original)
    if times:
        found = found.model_copy(update={"hour": times[0][0], "minute": times[0][1]})
    return found


def _twelve_hour(field: str, text: str, hour: int, meridiem: str) -> int:
    if not 1 <= hour <= 12:
        raise _impossible(field, text)
    return hour % 12 + (12 if meridiem.lower() == "p" else 0)


def parse_when(
    text: str, *, field: str, now: datetime, timezone: str, language: str
) -> LocalInstant:
    """Read a meeting's date and time, in ``language`` first, then the other one.

    Refuses (naming ``field``): empty or unreadable text, impossible dates and times,
    a date without a time, past instants and instants more than a year ahead.
    """
    original = " ".join(text.split())
    if not original:
        raise UserError("meetings.errors.when_empty", field=field)
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    normalized = _normalize(original)
    day_first = language == "fr"
    expected = _expected_numbers(normalized, field=field, original=original, day_first=day_first)
    languages = [language, "en" if language == "fr" else "fr"]
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "RETURN_TIME_AS_PERIOD": True,
        "DATE_ORDER": "YMD" if _ISO_DATE.search(normalized) else "DMY" if day_first else "MDY",
    }
    data = DateDataParser(languages=languages, settings=settings).get_date_data(normalized)
    parsed = data.date_obj
    if parsed is None:
        raise UserError("meetings.errors.when_unreadable", field=field, text=original)
    if data.period != "time":
        raise UserError("meetings.errors.when_needs_time", field=field, text=original)
    stated = (
        (expected.day, parsed.day),
        (expected.month, parsed.month),
        (expected.year, parsed.year),
        (expected.hour, parsed.hour),
        (expected.minute, parsed.minute),
    )
    if any(want is not None and want != got for want, got in stated):
        # dateparser "fixed" the text (2026-13-03 → March 13): trust the text.
        raise _impossible(field, original)
    if parsed.tzinfo is not None:
        # "15:00 UTC": honour the zone typed, then think in the community's zone.
        parsed = parsed.astimezone(zone).replace(tzinfo=None)
    instant = to_instant(parsed.date(), parsed.time().replace(second=0, microsecond=0), timezone)
    if instant.starts_at <= now:
        raise UserError(
            "meetings.errors.when_past",
            field=field,
            text=original,
            timestamp=int(instant.starts_at.timestamp()),
        )
    if instant.starts_at > now + MAX_AHEAD:
        raise UserError(
            "meetings.errors.when_too_far",
            field=field,
            text=original,
            timestamp=int(instant.starts_at.timestamp()),
        )
    return instant
