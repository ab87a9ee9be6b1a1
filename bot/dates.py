"""The one reader of the dates and times members type, in French or English.

Every option or form field where a member types a date (``/session action due``, the
Add action form, ``/me away until``, a goal's due date) goes through :func:`parse_day`;
every date and time (``/meeting schedule|edit when``) through :func:`parse_when`.
Both read the text in a time zone (the member's own, else the community's) and in a
language first, then the other one.

``dateparser`` reads the words, but the numbers the text states are checked first
and compared with its result afterwards, because it quietly "fixes" impossible dates
(``2026-13-03`` becomes March 13), takes a French hour for a day of the month
(``jeudi 15h`` as the 15th) and keeps a day of the month that contradicts the weekday
typed with it. A weekday name means the next such day: never today, never a past one.

A wall-clock time that does not exist (spring-forward gap) moves forward by the gap
(02:30 → 03:30) and is reported; one that happens twice (fall-back) means its first
pass (``fold=0``).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.chat.refs import CalendarDay, Moment, TimeOfDay
from bot.chat.text import Text, Trusted
from bot.date_words import MONTHS, hours_meant, named_days, names_a_month
from bot.errors import UserError
from bot.frozen import Frozen
from bot.text import folded

MAX_AHEAD = timedelta(days=366)
Kind = Literal["date", "when"]
"""Which messages a refusal uses: ``errors.date_*`` (a date) or ``errors.when_*``."""


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


class LocalDay(Frozen):
    """A calendar date a member typed, and the time zone it was read in."""

    day: date
    timezone: str


def read_as(day: date, zone: str) -> Text:
    """The line that says back a date a member typed: with its weekday, so a misreading
    shows, and the time zone it was read in."""
    return Text.of("dates.read_as", date=day_in_words(day), zone=Trusted(text=zone))


def day_in_words(day: date) -> Text:
    """A calendar day with its weekday, the reader's way: « vendredi 27 novembre 2026 »,
    "Friday 27 November 2026"."""
    weekday = Text.of(f"dates.weekdays.{day.weekday()}")
    return Text.of("dates.day", weekday=weekday, date=CalendarDay(day=day))


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


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


def in_zone(instant: LocalInstant, timezone: str) -> LocalInstant:
    """The same moment as a wall-clock time of ``timezone``."""
    if instant.timezone == timezone:
        return instant
    local = instant.starts_at.astimezone(ZoneInfo(timezone))
    return to_instant(local.date(), local.time().replace(second=0, microsecond=0), timezone)


# -- what the text states ----------------------------------------------------------------

# "mar" is left out: it is March as often as mardi.
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("lundi", "lun", "monday", "mon"),
            ("mardi", "tuesday", "tue", "tues"),
            ("mercredi", "mer", "wednesday", "wed"),
            ("jeudi", "jeu", "thursday", "thu", "thur", "thurs"),
            ("vendredi", "ven", "friday", "fri"),
            ("samedi", "sam", "saturday", "sat"),
            ("dimanche", "dim", "sunday", "sun"),
        )
    )
    for name in names
}
_WORD = re.compile(r"[a-z]+")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+(?:de\s+)?([a-z]{3,9})\b")
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_YEAR = re.compile(r"\b(\d{4})\b")
_FRENCH_HOUR = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?\b", re.IGNORECASE)
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap])?\.?(m\b\.?)?", re.IGNORECASE)
_MERIDIEM = re.compile(r"\b(\d{1,2})\s*([ap])\.?m\b\.?", re.IGNORECASE)
_DOTTED_CLOCK = re.compile(r"\b(\d{1,2})\.(\d{2})\b")
# "vendredi prochain" is the coming Friday, which dateparser only finds without the word.
_NEXT_AFTER_WEEKDAY = re.compile(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+(?:prochain|suivant)e?\b",
    re.IGNORECASE,
)


#: A when that says how often ("every Tuesday", "chaque mardi", "tous les mardis").
_REPEATING = re.compile(r"(every|each|chaque|tou(?:te)?s\s+les)\b", re.IGNORECASE)


def _normalize(text: str) -> str:
    """French hours (``15h30``, ``15 h``) as ``15:30``; "vendredi prochain" as "vendredi"."""
    text = text.replace("\u2019", "'")
    text = _FRENCH_HOUR.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)
    return " ".join(_NEXT_AFTER_WEEKDAY.sub(r"\1", text).split())


class _Stated(Frozen):
    """The numbers and the weekday the text states, to compare with dateparser's result."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    hour: int | None = None
    minute: int | None = None
    weekday: int | None = None
    day_first: bool = True
    iso: bool = False


def _refusal(kind: Kind, problem: str, field: str, **params: object) -> UserError:
    return UserError(f"errors.{kind}_{problem}", field=field, **params)


def _slash_order(first: int, second: int, day_first: bool) -> bool:
    """Whether ``first/second`` is day/month: the language's order, unless only the other
    order makes a date (``15/12`` is 15 December in English too)."""
    if first > 12 >= second:
        return True
    if second > 12 >= first:
        return False
    return day_first


def _stated_date(plain: str, stated: _Stated) -> _Stated:
    """The (year, month, day) the text writes: ISO, d/m (or m/d), or a month name."""
    if (iso := _ISO_DATE.search(plain)) is not None:
        numbers = dict(zip(("year", "month", "day"), map(int, iso.groups()), strict=True))
        return stated.model_copy(update={**numbers, "iso": True})
    if (slash := _SLASH_DATE.search(plain)) is not None:
        first, second, year_text = int(slash.group(1)), int(slash.group(2)), slash.group(3)
        day_first = _slash_order(first, second, stated.day_first)
        day, month = (first, second) if day_first else (second, first)
        full_year = int(year_text) if year_text and len(year_text) == 4 else None
        return stated.model_copy(
            update={"year": full_year, "month": month, "day": day, "day_first": day_first}
        )
    years = _YEAR.findall(plain)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(plain):
            month_number = MONTHS.get(match.group(month_group))
            if month_number is not None:
                return stated.model_copy(
                    update={
                        "year": int(years[0]) if years else None,
                        "month": month_number,
                        "day": int(match.group(day_group)),
                    }
                )
    return stated


def _names_no_day(plain: str, stated: _Stated, period: str | None) -> bool:
    """Whether the text names a month or a year and no day of it ("June 2027", "2027");
    "in 2 months" and "next week" are days."""
    if period == "year":
        return True
    return period == "month" and names_a_month(plain) and stated.day is None


def _twelve_hour(hour: int, meridiem: str) -> int | None:
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if meridiem.lower() == "p" else 0)


def _stated_times(text: str) -> list[tuple[int, int]] | None:
    """Every time of day the text writes; None when one of them cannot exist."""
    times: list[tuple[int, int]] = []
    for match in _CLOCK.finditer(text):
        hour: int | None = int(match.group(1))
        minute = int(match.group(2))
        if match.group(3):
            hour = _twelve_hour(int(match.group(1)), match.group(3))
        if hour is None or hour > 23 or minute > 59:
            return None
        times.append((hour, minute))
    for match in _MERIDIEM.finditer(_CLOCK.sub(" ", text)):
        bare_hour = _twelve_hour(int(match.group(1)), match.group(2))
        if bare_hour is None:
            return None
        times.append((bare_hour, 0))
    return times


def _read_stated(text: str, kind: Kind, field: str, original: str, day_first: bool) -> _Stated:
    """The numbers and weekday ``text`` states; refuses impossible ones and two times."""
    plain = folded(text)
    stated = _stated_date(plain, _Stated(day_first=day_first))
    if stated.month is not None and stated.day is not None:
        longest = 31
        if 1 <= stated.month <= 12:
            longest = calendar.monthrange(stated.year or 2028, stated.month)[1]  # 2028: leap
        if not (1 <= stated.month <= 12 and 1 <= stated.day <= longest):
            raise _refusal(kind, "impossible", field, text=original)
    times = _stated_times(text)
    if times is None:
        raise _refusal(kind, "impossible", field, text=original)
    if len(times) > 1 and kind == "when":
        raise _refusal(kind, "ambiguous", field, text=original)
    if times and kind == "when":
        stated = stated.model_copy(update={"hour": times[0][0], "minute": times[0][1]})
    weekdays = [_WEEKDAYS[w] for w in _WORD.findall(plain) if w in _WEEKDAYS]
    if weekdays:
        stated = stated.model_copy(update={"weekday": weekdays[0]})
    return stated


# -- reading -------------------------------------------------------------------------------


class _Read(Frozen):
    """What dateparser made of the text, as a wall-clock time of the zone."""

    local: datetime
    has_time: bool
    original: str
    later: bool = False
    """It named the afternoon or the evening ("tonight"): an example time is the evening's."""


def _read(
    text: str, *, kind: Kind, field: str, now: datetime, timezone: str, language: str
) -> _Read:
    try:
        return _read_text(
            text, kind=kind, field=field, now=now, timezone=timezone, language=language
        )
    except UserError as refused:
        # Its example is a week ahead, never a date already past ("Try 2026-12-14").
        ahead = (local_today(now, timezone) + timedelta(days=7)).isoformat()
        refused.params.setdefault("example", ahead if kind == "date" else f"{ahead} 15:30")
        raise


def _read_text(
    text: str, *, kind: Kind, field: str, now: datetime, timezone: str, language: str
) -> _Read:
    original = " ".join(text.split())
    if not original:
        raise _refusal(kind, "empty", field)
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    days, later = named_days(original, today)
    normalized = hours_meant(_normalize(days), later=later, english=language == "en")
    stated = _read_stated(normalized, kind, field, original, day_first=language == "fr")
    order = "YMD" if stated.iso else "DMY" if stated.day_first else "MDY"
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
        "RETURN_TIME_AS_PERIOD": True,
        "DATE_ORDER": order,
    }
    languages = [language, "en" if language == "fr" else "fr"]
    data = DateDataParser(languages=languages, settings=settings).get_date_data(normalized)
    parsed = data.date_obj
    if parsed is None:
        raise _refusal(kind, "unreadable", field, text=original)
    if _names_no_day(normalized, stated, data.period):
        # "juin 2027", "2027": dateparser would take today's day of that month or year.
        raise _refusal(kind, "no_day", field, text=original)
    wanted = (
        (stated.day, parsed.day),
        (stated.month, parsed.month),
        (stated.year, parsed.year),
        (stated.hour, parsed.hour),
        (stated.minute, parsed.minute),
    )
    if any(want is not None and want != got for want, got in wanted):
        # dateparser "fixed" the text (2026-13-03 → March 13): trust the text.
        raise _refusal(kind, "impossible", field, text=original)
    if stated.weekday is not None and stated.weekday != parsed.weekday():
        raise _refusal(kind, "weekday", field, text=original, date=parsed.date().isoformat())
    if parsed.tzinfo is not None:
        # "15:00 UTC": honour the zone typed, then think in the reading zone.
        parsed = parsed.astimezone(zone).replace(tzinfo=None)
    # dateparser says "day" when the time typed is the clock's (9:00 typed at 9:00).
    has_time = data.period == "time" or stated.hour is not None
    return _Read(local=parsed, has_time=has_time, original=original, later=later)


def time_of_day(text: str) -> time | None:
    """A time of day alone, as members write it: ``17:00``, ``9:05``, ``18h30``, ``18 h``,
    ``07.30``, ``6pm``, ``9:30 am``; None when the text is anything else (``18``,
    ``24:00``, ``noon``, a date with it)."""
    plain = _normalize(_DOTTED_CLOCK.sub(r"\1:\2", folded(text)))
    found = _stated_times(plain)
    if found is None or len(found) != 1:
        return None
    if _MERIDIEM.sub(" ", _CLOCK.sub(" ", plain)).strip():
        return None
    hour, minute = found[0]
    return time(hour, minute)


def parse_when(
    text: str, *, field: str, now: datetime, timezone: str, language: str
) -> LocalInstant:
    """A date and a time of day, as a wall-clock time of ``timezone``.

    Refuses (``errors.when_*``, naming ``field``): empty or unreadable text, a repeat
    ("every Tuesday"), impossible dates and times, a weekday that is not the date's, a
    date without a time, two times, past instants and instants more than a year ahead.
    """
    if _REPEATING.match(text.strip()):  # "every Tuesday 4pm": the repeat is an option
        raise _refusal("when", "repeats", field, text=" ".join(text.split()))
    read = _read(text, kind="when", field=field, now=now, timezone=timezone, language=language)
    if not read.has_time:
        example = TimeOfDay(at=time(19, 30) if read.later else time(15, 30))
        raise _refusal("when", "needs_time", field, text=read.original, at=example)
    at = read.local.time().replace(second=0, microsecond=0)
    instant = to_instant(read.local.date(), at, timezone)
    when = Moment(at=instant.starts_at)
    if instant.starts_at <= now:
        raise _refusal("when", "past", field, text=read.original, when=when)
    if instant.starts_at > now + MAX_AHEAD:
        raise _refusal("when", "too_far", field, text=read.original, when=when)
    return instant


def parse_day(text: str, *, field: str, now: datetime, timezone: str, language: str) -> LocalDay:
    """A calendar date (a time of day typed with it is checked, then left aside).

    Today counts as ahead. Refuses (``errors.date_*``, naming ``field``): empty or
    unreadable text, impossible dates, a weekday that is not the date's, past dates and
    dates more than a year ahead.
    """
    read = _read(text, kind="date", field=field, now=now, timezone=timezone, language=language)
    day = read.local.date()
    today = local_today(now, timezone)
    if day < today:
        raise _refusal("date", "past", field, date=day.isoformat(), zone=timezone)
    if day > today + MAX_AHEAD:
        raise _refusal("date", "too_far", field, date=day.isoformat(), zone=timezone)
    return LocalDay(day=day, timezone=timezone)
