"""Month names, and the ways members name a day that ``dateparser`` misreads.

- A part of a month: « fin janvier », « mi-mars », « début février », "end of January",
  "mid-March", "early February". ``dateparser`` reads none of them; they are read as the
  month's last day, its 15th and its 1st (the reply says back the day read, with its
  weekday, so a member who meant another sees it).
- A day of the month alone: « le 5 », "the 5th". ``dateparser`` takes this month's,
  even when it has passed (or, in English, the 5th for May); the next 5th is meant.

Both are written as the ISO date they stand for before ``dateparser`` reads the text.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

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


def names_a_month(text: str) -> bool:
    """Whether a word of ``text`` is a month's name or abbreviation (accents aside)."""
    return any(word in MONTHS for word in re.findall(r"[a-z]+", folded(text)))


def named_days(text: str, today: date) -> str:
    """``text`` with a part of a month or a day of the month alone written as the ISO
    date it stands for; as it was when it names neither."""
    return day_alone(month_part(text, today), today)


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
