"""The one reader of typed dates (``bot/dates.py``): every form it accepts, in French and
in English, for date fields (``due``, ``until``, a goal's due date) and date-and-time
fields (``when``), and every refusal (impossible, past or too distant dates), naming the
field."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.chat.refs import TimeOfDay
from bot.dates import parse_day, parse_when
from bot.errors import UserError

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 in Toronto
ZONE = "America/Toronto"
ROOT = Path(__file__).resolve().parents[1]


# -- date and time (``when``) ---------------------------------------------------------------


def parse(text: str, language: str = "fr", now: datetime = NOW, zone: str = ZONE) -> datetime:
    instant = parse_when(text, field="when", now=now, timezone=zone, language=language)
    return datetime.combine(instant.local_date, instant.local_time)


# Each instant with every form that reads as it, in either language.
WHEN_FORMS: dict[datetime, tuple[str, ...]] = {
    datetime(2026, 12, 3, 15, 30): (
        "2026-12-03 15:30",
        "2026-12-03T15:30",
        "3 déc. 15h30",
        "3 décembre 2026 à 15 h 30",
        "Dec 3 3:30pm",
    ),
    datetime(2026, 12, 1, 10, 0): ("le 1er déc à 10h", "December 1st at 10am"),
    datetime(2026, 11, 26, 15, 0): ("jeudi 15h", "jeudi prochain 15h", "Thursday 3pm"),
    datetime(2026, 11, 24, 10, 0): ("demain 10h", "demain 15:00 UTC"),  # 15:00 UTC is 10:00 here
    # The clock's own time typed (09:00 at 09:00): dateparser took it for a date alone.
    datetime(2026, 11, 24, 9, 0): ("demain 9h", "tomorrow 9am"),
    datetime(2026, 11, 30, 8, 0): ("lundi 8h",),  # today 08:00 has passed: next Monday
    datetime(2026, 11, 24, 8, 0): ("8:00",),
    datetime(2026, 11, 27, 10, 0): ("vendredi prochain 10h", "next Friday 10am"),
    datetime(2026, 11, 25, 14, 30): ("mercredi prochain à 14h30",),
    datetime(2026, 12, 3, 15, 0): ("jeudi 3 décembre 15h", "Thursday Dec 3 3pm"),
    datetime(2026, 12, 15, 10, 0): ("15/12 10h",),  # only one reading is a date
    # A day of the month alone is the next such day (in English dateparser took the 5th
    # for May); a part of a month is a day of it.
    datetime(2026, 12, 5, 15, 0): ("le 5 à 15h", "the 5th at 3pm"),
    datetime(2026, 12, 22, 15, 0): ("le 22 à 15h", "the 22nd at 3pm", "22 3pm"),
    datetime(2026, 12, 31, 9, 0): ("fin décembre 9h", "end of December 9am"),
    # A part of today or tomorrow: its hours are the evening's; a weekday of next week.
    datetime(2026, 11, 23, 19, 0): ("ce soir 19h", "ce soir 7h", "tonight at 7", "this evening 7"),
    datetime(2026, 11, 24, 19, 0): ("demain soir 19h", "tomorrow evening at 7"),
    datetime(2026, 12, 4, 10, 0): (
        "vendredi de la semaine prochaine 10h",
        "la semaine prochaine, vendredi 10h",
        "vendredi semaine prochaine 10h",
        "Friday next week 10am",
        "next week on Friday 10am",
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for expected, texts in WHEN_FORMS.items() for text in texts],
)
def test_accepted_forms_in_both_languages(text: str, expected: datetime, language: str) -> None:
    assert parse(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thursday at 3", datetime(2026, 11, 26, 15, 0)),
        ("Thursday at 3:30", datetime(2026, 11, 26, 15, 30)),
        ("Thursday 3:30", datetime(2026, 11, 26, 15, 30)),
        ("Thursday 03:30", datetime(2026, 11, 26, 3, 30)),  # a 24-hour time, as typed
        ("Jan 12 at 9", datetime(2027, 1, 12, 9, 0)),
        ("tomorrow at 9", datetime(2026, 11, 24, 9, 0)),
        ("the 12th at 9", datetime(2026, 12, 12, 9, 0)),
        ("Thursday at 12", datetime(2026, 11, 26, 12, 0)),
        ("Thursday at 13", datetime(2026, 11, 26, 13, 0)),
    ],
)
def test_an_english_hour_without_am_or_pm_is_read_as_meant(text: str, expected: datetime) -> None:
    """From 1 to 6 the afternoon's, from 7 to 12 as typed (as calendars read "at 3");
    French hours are on the 24-hour clock (``jeudi 3:30`` is 03:30)."""
    assert parse(text, "en") == expected
    assert parse("jeudi 3:30", "fr") == datetime(2026, 11, 26, 3, 30)


def test_numeric_day_month_follows_the_community_language() -> None:
    assert parse("3/12 15h", "fr") == datetime(2026, 12, 3, 15, 0)
    assert parse("3/12 15h", "en") == datetime(2027, 3, 12, 15, 0)


def test_instant_is_computed_in_the_community_zone() -> None:
    instant = parse_when("2026-12-03 15:30", field="when", now=NOW, timezone=ZONE, language="en")
    assert instant.starts_at == datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
    paris = parse_when(
        "2026-12-03 15:30", field="when", now=NOW, timezone="Europe/Paris", language="fr"
    )
    assert paris.starts_at == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)


def test_a_typed_zone_is_honoured() -> None:
    instant = parse_when("Dec 3 15:00 UTC", field="when", now=NOW, timezone=ZONE, language="en")
    assert instant.starts_at == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert instant.local_time == time(10, 0)


# Each refusal with the date-and-time fields' forms and the date fields' forms that get it
# (the key is ``errors.when_…`` for the first, ``errors.date_…`` for the second).
REFUSALS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "empty": (("", "   "), ("", "   ")),
    "unreadable": (("n'importe quoi",), ("n'importe quoi",)),
    "impossible": (
        (
            "Feb 30 2027 10:00",
            "30 février 10h",
            "2027-02-30 10:00",
            "29 févr 2027 10h",
            "31 nov 10h",
            "30/02 10h",
            "2026-13-03 10:00",  # dateparser makes it Mar 13
            "2026-12-03 24:61",
            "2026-12-03 25:00",
            "13pm",
        ),
        (
            "Feb 30",
            "30 février",
            "2027-02-30",
            "29 févr 2027",
            "31 nov",
            "30/02",
            "2026-13-03",
            "2026-12-03 24:61",
        ),
    ),
    "needs_time": (("3 déc.", "Dec 3", "jeudi"), ()),
    # A month or a year alone: dateparser took today's day of it (June 7 on December 7).
    "no_day": (("juin 2027", "June 2027", "2027"), ("juin 2027", "June 2027", "juin", "2027")),
    "ambiguous": (("3 déc 15h-17h",), ()),
    "repeats": (
        ("every Tuesday 4pm", "Each Thursday 3pm", "chaque mardi 16h", "tous les jeudis 15h"),
        (),
    ),
    # December 4 is a Friday
    "weekday": (("jeudi 4 déc 15h", "Friday Dec 3 10am"), ("jeudi 4 déc", "Friday Dec 3")),
    "past": (("2025-01-01 10:00", "2026-11-23 08:59"), ("2025-01-01", "2026-11-22")),
    "too_far": (("2028-01-01 10:00", "3 déc 2027 15h"), ("2028-01-01", "3 déc 2027")),
}


@pytest.mark.parametrize(
    ("text", "key"),
    [(text, f"errors.when_{kind}") for kind, (texts, _) in REFUSALS.items() for text in texts],
)
def test_refusals_name_the_field(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse(text)
    assert caught.value.key == key
    assert caught.value.params["field"] == "when"


def test_a_minute_ahead_is_accepted() -> None:
    assert parse("2026-11-23 09:01") == datetime(2026, 11, 23, 9, 1)


def test_gap_is_reported_when_parsing() -> None:
    instant = parse_when(
        "2027-03-14 02:30", field="when", now=NOW, timezone="America/New_York", language="en"
    )
    assert instant.shifted_to == time(3, 30)


# -- a date (``due``, ``until``, a goal's due date) -------------------------------------------


def day(text: str, language: str, now: datetime = NOW) -> date:
    return parse_day(text, field="due", now=now, timezone=ZONE, language=language).day


DECEMBER_7 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # a Monday
# At each instant, each day with every form that reads as it, in either language.
DAY_FORMS: dict[datetime, dict[date, tuple[str, ...]]] = {
    NOW: {
        date(2026, 12, 3): (
            "2026-12-03",
            "3 déc.",
            "3 décembre 2026",
            "Dec 3",
            "December 3rd",
            "jeudi 3 décembre",
            "Thursday Dec 3",
        ),
        date(2026, 12, 1): ("le 1er déc",),
        date(2026, 12, 15): ("15/12",),
        date(2026, 11, 27): (
            "vendredi",
            "vendredi prochain",
            "Vendredi Prochain",
            "Friday",
            "next Friday",
        ),
        date(2026, 11, 30): ("lundi", "Monday", "next week"),  # a weekday name is never today
        date(2026, 11, 26): ("jeudi 15h", "Thursday 3pm", "dans 3 jours"),  # never the 15th
        date(2026, 11, 23): ("aujourd'hui", "aujourd’hui", "today"),
        date(2026, 11, 24): ("demain", "tomorrow"),
        date(2026, 11, 25): ("après-demain",),
        date(2026, 12, 7): ("in 2 weeks",),
        date(2027, 1, 23): ("dans 2 mois", "in 2 months"),  # a month counted is a day
    },
    # The trial's case: on Monday 7 December, "jeudi 15h" was taken as Tuesday the 15th.
    DECEMBER_7: {
        date(2026, 12, 11): ("vendredi prochain", "next Friday"),
        date(2026, 12, 21): ("2 semaines", "2 weeks", "dans 2 semaines"),  # a count, not the 2nd
        date(2026, 12, 10): ("jeudi 15h", "3 jours", "3 days"),
        # A day of the month alone is the next such day: the 5th has passed, the 31st not.
        date(2027, 1, 5): ("le 5", "the 5th", "5"),
        date(2026, 12, 31): ("le 31", "the 31st", "fin décembre", "end of December"),
        date(2026, 12, 7): ("le 7",),  # today counts
        # A part of a month: its last day, its 15th, its 1st (the reply says the day read).
        date(2027, 1, 31): ("fin janvier", "fin de janvier", "End of January", "late Jan"),
        date(2027, 2, 28): ("fin février", "end of February 2027"),
        date(2027, 1, 15): ("mi-janvier", "mi janvier", "mid-January", "mid January"),
        date(2027, 2, 1): ("début février", "au début de février", "early February"),
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("text", "expected", "now"),
    [
        (text, expected, now)
        for now, days in DAY_FORMS.items()
        for expected, texts in days.items()
        for text in texts
    ],
)
def test_date_fields_accept_french_and_english_forms(
    text: str, expected: date, now: datetime, language: str
) -> None:
    """A weekday lands on the next such day, in November and in December alike."""
    assert day(text, language, now=now) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [(text, f"errors.date_{kind}") for kind, (_, texts) in REFUSALS.items() for text in texts],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_date_fields_refuse_naming_the_field(text: str, key: str, language: str) -> None:
    with pytest.raises(UserError) as caught:
        day(text, language)
    assert caught.value.key == key
    assert caught.value.params["field"] == "due"


def test_a_date_is_read_in_the_zone_given() -> None:
    """At 21:00 in Toronto on Monday it is already Tuesday in Paris."""
    evening = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    toronto = parse_day("demain", field="due", now=evening, timezone=ZONE, language="fr")
    paris = parse_day("demain", field="due", now=evening, timezone="Europe/Paris", language="fr")
    assert (toronto.day, toronto.timezone) == (date(2026, 11, 24), ZONE)
    assert (paris.day, paris.timezone) == (date(2026, 11, 25), "Europe/Paris")
    assert parse_day("2026-11-23", field="due", now=evening, timezone=ZONE, language="en").day
    with pytest.raises(UserError) as caught:  # Monday the 23rd is over in Tokyo
        parse_day("2026-11-23", field="due", now=evening, timezone="Asia/Tokyo", language="en")
    assert caught.value.key == "errors.date_past"
    assert caught.value.params["zone"] == "Asia/Tokyo"  # the reply says where it was read


def test_only_the_one_reader_calls_dateparser() -> None:
    """Every typed date goes through ``bot/dates.py``: no second parser elsewhere."""
    importers = []
    for folder in ("bot", "cogs"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(name.split(".")[0] == "dateparser" for name in names):
                    importers.append(path.relative_to(ROOT).as_posix())
    assert importers == ["bot/dates.py"]


@pytest.mark.parametrize(
    ("text", "kind", "example"),
    [
        ("", "date", "2026-11-30"),
        ("bientôt", "date", "2026-11-30"),
        ("32/12", "when", "2026-11-30 15:30"),
    ],
)
def test_a_refusals_example_is_a_week_ahead_never_past(text: str, kind: str, example: str) -> None:
    """The refusal shows a date to copy: one still to come, whatever the day."""
    with pytest.raises(UserError) as caught:
        parse(text) if kind == "when" else day(text, "fr")
    assert caught.value.params["example"] == example


@pytest.mark.parametrize(("text", "example"), [("Dec 3", time(15, 30)), ("tonight", time(19, 30))])
def test_a_date_without_a_time_is_refused_with_a_time_of_that_part_of_the_day(
    text: str, example: time
) -> None:
    """ "tonight" without a time: the example is an evening's, not the afternoon's."""
    with pytest.raises(UserError) as caught:
        parse(text, "en")
    assert caught.value.key == "errors.when_needs_time"
    assert caught.value.params["at"] == TimeOfDay(at=example)
