"""Month names, and the ways members name a day that ``dateparser`` misreads.

- A part of a month: « fin janvier », « mi-mars », « début février », "end of January",
  "mid-March", "early February". ``dateparser`` reads none of them; they are read as the
  month's last day, its 15th and its 1st (the reply says back the day read, with its
  weekday, so a member who meant another sees it).
- A day of the month alone: « le 5 », "the 5th". ``dateparser`` takes this month's,
  even when it has passed (or, in English, the 5th for May); the next 5th is meant.
- A weekday of next week: "Friday next week", « mardi de la semaine prochaine »: that
  day of the coming Monday-to-Sunday week, which ``dateparser`` does not read.
- A part of today or tomorrow: "tonight", « ce soir », "tomorrow evening": that day,
  and its hours typed without am/pm are the afternoon's or evening's ("tonight at 7":
  19:00).

Each is written as the ISO date it stands for before ``dateparser`` reads the text.
Then :func:`hours_meant` reads an hour typed in English without am/pm as people mean
it when they name a meeting ("Thursday at 3": 15:00).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from bot.text import folded

MONTHS = {
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
"""Every name and abbreviation of each month, in French and English, folded."""

_PART = re.compile(
    r"(?:\b(?:au|à la|a la|en|by the|by|at the|in the|in|the)\s+)?"  # "au début de mars"
    r"\b(?P<part>fin|mi|d[ée]but|end|mid|early|late|beginning|start)"
    r"(?:\s+of|\s+de|\s+d')?[\s-]+(?P<month>[^\W\d_]{3,9})\.?(?:\s+(?P<year>\d{4}))?\b",
    re.IGNORECASE,
)
_FIRST, _MIDDLE = ("debut", "early", "beginning", "start"), ("mi", "mid")
# The day, then nothing or a time ("le 5 à 15h", "the 5th at 3pm"): never "5 pm", "5 h"
# (a time) or "2 weeks" (a count).
_DAY_ALONE = re.compile(
    r"^(?:le\s+|the\s+)?(?P<day>\d{1,2})(?:er|e|st|nd|rd|th)?"
    r"(?=\s*$|\s*,\s*\d|\s+(?:(?:à|a|at)\s+)?\d)",
    re.IGNORECASE,
)


_DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|" + "|".join(
    f"{day}day" for day in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
)
_NEXT_WEEK = r"(?:next week|(?:de |de la |la )?semaine prochaine)"
_DAY_OF_NEXT_WEEK = re.compile(
    rf"\b(?:(?P<before>{_DAYS})\s*,?\s+(?:on\s+)?{_NEXT_WEEK}"
    rf"|{_NEXT_WEEK}\s*,?\s+(?:on\s+|le\s+)?(?P<after>{_DAYS}))\b",
    re.IGNORECASE,
)
_PART_OF_DAY = re.compile(
    r"\b(?:(?P<tonight>tonight|ce soir)"
    r"|(?:this|ce|cet|cette)\s+(?P<part>evening|afternoon|morning|soir|apr[eè]s-midi|matin)"
    r"|(?P<day>tomorrow|demain)\s+(?:(?:in the|au|dans l')\s*)?"
    r"(?P<next>evening|afternoon|morning|night|soir|apr[eè]s-midi|matin))\b",
    re.IGNORECASE,
)
_LATER_PARTS = ("tonight", "ce soir", "evening", "afternoon", "night", "soir", "apres-midi")
# An hour without am/pm, "h" or a date after it: "at 3", "at 3:30", "tonight at 7", "19".
_BARE_HOUR = re.compile(
    r"(?<![\d:/.-])(?P<at>\bat\s+)?(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?"
    r"(?!\s*(?:[ap]\.?m\b|h\b|[:/.\d-]|(?:st|nd|rd|th|er|e)\b))",
    re.IGNORECASE,
)


def names_a_month(text: str) -> bool:
    """Whether a word of ``text`` is a month's name or abbreviation (accents aside)."""
    return any(word in MONTHS for word in re.findall(r"[a-z]+", folded(text)))


def named_days(text: str, today: date) -> tuple[str, bool]:
    """``text`` with a part of a month, a day of the month alone, a weekday of next week
    or a part of today or tomorrow written as the ISO date it stands for (as it was when
    it names none), and whether it named the afternoon or the evening."""
    text, later = part_of_day(text, today)
    return day_alone(month_part(day_of_next_week(text, today), today), today), later


def day_of_next_week(text: str, today: date) -> str:
    """``text`` with "Friday next week" (« vendredi de la semaine prochaine », "next
    week on Friday") written as that day of the coming Monday-to-Sunday week."""
    found = _DAY_OF_NEXT_WEEK.search(text)
    if found is None:
        return text
    name = folded(found["before"] or found["after"])
    weekday = _DAYS.split("|").index(name) % 7  # the French names, then the English
    day = today + timedelta(days=7 - today.weekday() + weekday)
    return f"{text[: found.start()]}{day.isoformat()}{text[found.end() :]}"


def part_of_day(text: str, today: date) -> tuple[str, bool]:
    """``text`` with "tonight", « ce soir », "tomorrow evening"… written as the day they
    name, and whether they name the afternoon or the evening."""
    found = _PART_OF_DAY.search(text)
    if found is None:
        return text, False
    day = today + timedelta(days=1) if found["day"] else today
    part = folded(found["tonight"] or found["part"] or found["next"])
    later = part in _LATER_PARTS
    return f"{text[: found.start()]}{day.isoformat()}{text[found.end() :]}", later


def hours_meant(text: str, *, later: bool, english: bool) -> str:
    """``text`` with an hour typed without am/pm written on the 24-hour clock as meant:
    the afternoon's or evening's when ``later`` ("tonight at 7": 19:00); in English, an
    hour after "at" or with its minutes from 1 to 6 is the afternoon's ("Thursday at 3",
    "3:30": 15:00, 15:30; no one meets at 3 in the morning) and one from 7 to 12 as
    typed ("at 9": 09:00); from 13 to 23, the hour it is ("at 13": 13:00, never the
    13th). A 24-hour time (15:00, 03:30 with its zero) stays."""

    def meant(found: re.Match[str]) -> str:
        hour, minute = int(found["hour"]), found["minute"] or "00"
        zero = found["hour"].startswith("0")
        if not (found["at"] or found["minute"] or later) or hour > 23 or zero:
            return found.group(0)
        if hour <= 12 and ((later and hour < 12) or (english and 1 <= hour <= 6)):
            hour += 12
        return f"{found['at'] or ''}{hour:02d}:{minute}"

    if not (later or english):
        return text
    return _BARE_HOUR.sub(meant, text)


def month_part(text: str, today: date) -> str:
    """``text`` with a part of a month written as the day it stands for (``31 janvier``,
    ``15 March 2027``); as it was when it names none."""
    found = _PART.search(text)
    if found is None or folded(found["month"]) not in MONTHS:
        return text
    month = MONTHS[folded(found["month"])]
    if found["year"]:
        year = int(found["year"])
    else:  # the month's next time: this year's, else next year's
        year = today.year if month >= today.month else today.year + 1
    part = folded(found["part"])
    if part in _FIRST:
        day = 1
    elif part in _MIDDLE:
        day = 15
    else:
        day = calendar.monthrange(year, month)[1]
    return f"{text[: found.start()]}{year:04d}-{month:02d}-{day:02d}{text[found.end() :]}"


def day_alone(text: str, today: date) -> str:
    """``text`` with a day of the month named alone at its start (« le 5 à 15h », "the
    5th", "5") written as the next such day: this month's if it is still to come (today
    counts), else the next month's that has it."""
    found = _DAY_ALONE.match(text)
    if found is None or names_a_month(text):
        return text
    wanted = int(found["day"])
    if not 1 <= wanted <= 31:
        return text  # refused as the impossible date it is
    year, month = today.year, today.month
    if wanted < today.day:
        year, month = _following(year, month)
    while wanted > calendar.monthrange(year, month)[1]:  # the 31st: a month that has one
        year, month = _following(year, month)
    return f"{year:04d}-{month:02d}-{wanted:02d}{text[found.end() :]}"


def _following(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)
