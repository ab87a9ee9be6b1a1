"""When check-ins open: the same local time on both sides of a DST change, a time in the
spring-forward gap or repeated at fall-back opening once, times, questions."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chat import CalendarDay, Text
from bot.errors import UserError
from bot.services.checkins import schedule
from tests.conftest import START
from tests.markup import rendered_plainly

TORONTO = "America/Toronto"


def _local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def _weekly(start: datetime, weekday: int, at: time, zone: str, count: int) -> list[datetime]:
    found, after = [], start
    for _ in range(count):
        after = schedule.next_open_after(after, weekday, at, zone)
        found.append(after)
    return found


@pytest.mark.parametrize(
    ("zone", "transition"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("America/Toronto", date(2026, 3, 8)),
        ("America/Toronto", date(2026, 11, 1)),
        ("Europe/Paris", date(2026, 3, 29)),
        ("Europe/Paris", date(2026, 10, 25)),
    ],
)
def test_a_weekly_18h_opening_stays_at_18h_local_across_dst(zone: str, transition: date) -> None:
    """The same wall time on both sides of the change, so the UTC instant moves."""
    start = datetime.combine(transition - timedelta(days=15), time(12), tzinfo=UTC)
    openings = _weekly(start, transition.weekday(), time(18), zone, 4)
    assert [_local(o, zone).time() for o in openings] == [time(18)] * 4
    assert all(_local(o, zone).weekday() == transition.weekday() for o in openings)
    offsets = {_local(o, zone).utcoffset() for o in openings}
    assert len(offsets) == 2  # the UTC instant moved with the clock change
    gaps = [b - a for a, b in itertools.pairwise(openings)]
    assert set(gaps) - {timedelta(days=7)} in (
        {timedelta(days=7, hours=1)},
        {timedelta(days=6, hours=23)},
    )


def test_a_time_in_the_spring_gap_opens_once_an_hour_later_and_is_announced() -> None:
    """02:30 does not exist on 2026-03-08 in New York (the spring-forward gap)."""
    zone = "America/New_York"
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    openings = _weekly(start, 6, time(2, 30), zone, 3)
    local = [_local(o, zone) for o in openings]
    assert [lt.date() for lt in local] == [date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22)]
    assert local[0].time() == time(3, 30)
    assert [lt.time() for lt in local[1:]] == [time(2, 30)] * 2
    assert schedule.gap_days(6, time(2, 30), zone, date(2026, 1, 1)) == [date(2026, 3, 8)]
    assert schedule.gap_days(6, time(18), zone, date(2026, 1, 1)) == []


def test_a_time_repeated_at_fall_back_opens_once() -> None:
    """01:30 happens twice on 2026-11-01 in New York (fall-back); the week opens once."""
    zone = "America/New_York"
    start = datetime(2026, 10, 30, tzinfo=UTC)
    first, second = _weekly(start, 6, time(1, 30), zone, 2)
    assert _local(first, zone).date() == date(2026, 11, 1)
    assert _local(first, zone).fold == 0 and _local(first, zone).utcoffset() == timedelta(hours=-4)
    assert _local(second, zone).date() == date(2026, 11, 8)


def test_next_open_is_strictly_after_and_the_week_is_the_local_iso_week() -> None:
    at = datetime(2026, 11, 23, 14, tzinfo=UTC)  # Monday 09:00 Toronto
    assert schedule.next_open_after(at, 0, time(9), TORONTO) == at + timedelta(days=7)
    assert schedule.next_open_after(at - timedelta(seconds=1), 0, time(9), TORONTO) == at
    assert schedule.week_of(at, TORONTO) == "2026-W48"
    # Sunday 23:30 in Toronto is already Monday in UTC: the local day decides.
    sunday = datetime(2026, 11, 30, 4, 30, tzinfo=UTC)
    assert schedule.week_of(sunday, TORONTO) == "2026-W48"
    assert schedule.week_of(sunday, "Europe/Paris") == "2026-W49"


def test_a_week_is_named_by_its_monday_with_the_year_only_when_needed() -> None:
    """Members read "week of 7 December", never the ISO id; the year is named for a week
    of another year, or one that runs into the next year."""
    assert schedule.week_shown("2026-W50") == CalendarDay(day=date(2026, 12, 7), year=False)
    assert schedule.week_shown("2026-W50", 2026).year is False
    assert schedule.week_shown("2026-W50", 2027).year is True
    assert schedule.week_shown("2026-W53") == CalendarDay(day=date(2026, 12, 28), year=True)
    assert schedule.week_shown("2027-W01", 2027) == CalendarDay(day=date(2027, 1, 4), year=False)
    line = Text.of("checkins.me.answered", monday=schedule.week_shown("2027-W05", 2027))
    assert rendered_plainly([line], "en") == ["✅ Week of 1 February"]
    assert rendered_plainly([line], "fr") == ["✅ Semaine du 1er février"]
    prompt = Text.of("checkins.prompt.title", monday=schedule.week_shown("2026-W53"))
    assert rendered_plainly([prompt], "fr") == ["Bilan hebdomadaire · semaine du 28 décembre 2026"]


def test_the_nudge_comes_12_hours_before_close_or_halfway() -> None:
    opened = START
    assert schedule.nudge_time(opened, opened + timedelta(hours=48)) == opened + timedelta(hours=36)
    assert schedule.nudge_time(opened, opened + timedelta(hours=6)) == opened + timedelta(hours=3)
    assert schedule.nudge_time(opened, opened + timedelta(hours=1)) == opened + timedelta(
        minutes=30
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:00", time(18)),
        ("9:05", time(9, 5)),
        ("18h30", time(18, 30)),
        ("18 h", time(18)),
        ("07.30", time(7, 30)),
        (" 00:00 ", time(0)),
        ("6pm", time(18)),
        ("9:30 am", time(9, 30)),
        ("12am", time(0)),
        ("12 PM", time(12)),
    ],
)
def test_times_of_day_as_members_write_them(text: str, expected: time) -> None:
    assert schedule.parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    ["24:00", "24:61", "12:60", "13pm", "", "18", "18:0", "-1:00", "noon", "9am 10am", "Dec 3 9am"],
)
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        schedule.parse_time_of_day(text)
    assert caught.value.key == "checkins.errors.bad_time"


def test_custom_questions_are_split_cleaned_and_limited() -> None:
    assert schedule.parse_questions(None) is None
    assert schedule.parse_questions("  ") is None
    assert schedule.parse_questions("What did you try? | What surprised you?\n\nNext step?") == [
        "What did you try?",
        "What surprised you?",
        "Next step?",
    ]
    with pytest.raises(UserError) as caught:
        schedule.parse_questions("a|b|c|d")
    assert caught.value.key == "checkins.errors.too_many_questions"
    with pytest.raises(UserError) as caught:
        schedule.parse_questions("ok|" + "x" * 101, field="Question {number}")
    assert caught.value.key == "errors.text_too_long"
    assert caught.value.params["field"] == "Question 2"
