"""Computing recurrences across DST; reading ``when`` is tested
with the other typed dates in ``tests/test_dates.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.dates import to_instant
from bot.services.meetings.times import (
    LAST,
    monthly_position,
    next_occurrence,
    next_rule_date,
    rule_dates,
)

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 in Toronto
ZONE = "America/Toronto"


# -- DST -----------------------------------------------------------------------------


def test_spring_forward_gap_is_shifted_and_reported() -> None:
    instant = to_instant(date(2027, 3, 14), time(2, 30), "America/New_York")
    assert instant.shifted_to == time(3, 30)
    assert instant.starts_at == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert not instant.repeated


def test_fall_back_repeated_time_means_the_first_pass() -> None:
    instant = to_instant(date(2026, 11, 1), time(1, 30), "America/New_York")
    assert instant.repeated
    assert instant.shifted_to is None
    assert instant.starts_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT


def test_ordinary_time_has_no_adjustment() -> None:
    instant = to_instant(date(2026, 12, 3), time(15, 0), ZONE)
    assert instant.shifted_to is None and not instant.repeated


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
        ("America/Toronto", date(2026, 3, 8), date(2026, 11, 1)),
        ("Europe/Paris", date(2026, 3, 29), date(2026, 10, 25)),
    ],
)
def test_weekly_18h_stays_18h_local_across_both_changes(
    zone: str, spring: date, autumn: date
) -> None:
    """The wall-clock time holds; the UTC instant moves by the DST hour."""
    for change in (spring, autumn):
        anchor = change - timedelta(days=7)
        dates = rule_dates(anchor, "weekly")
        before, on_change, after = next(dates), next(dates), next(dates)
        instants = [to_instant(d, time(18, 0), zone) for d in (before, on_change, after)]
        local = [i.starts_at.astimezone(ZoneInfo(zone)) for i in instants]
        assert [(d.hour, d.minute) for d in local] == [(18, 0)] * 3
        assert [d.date() for d in local] == [before, on_change, after]
        offsets = {i.starts_at.astimezone(ZoneInfo(zone)).utcoffset() for i in instants}
        assert len(offsets) == 2  # the same local hour is a different UTC hour after
        assert instants[1].starts_at - instants[0].starts_at != timedelta(days=7)


def test_weekly_series_in_the_gap_fires_once_that_day() -> None:
    """A weekly Sunday 02:30 meets the spring-forward day once, at 03:30."""
    anchor = date(2027, 3, 7)
    occurrence = next_occurrence(
        anchor,
        time(2, 30),
        "America/New_York",
        "weekly",
        after_day=anchor,
        now=datetime(2027, 3, 8, tzinfo=UTC),
    )
    assert occurrence is not None
    assert occurrence.local_date == date(2027, 3, 14)
    assert occurrence.shifted_to == time(3, 30)
    following = next_occurrence(
        anchor,
        time(2, 30),
        "America/New_York",
        "weekly",
        after_day=occurrence.local_date,
        now=occurrence.starts_at,
    )
    assert following is not None and following.local_date == date(2027, 3, 21)
    assert following.shifted_to is None


# -- rules ---------------------------------------------------------------------------


def test_weekly_and_biweekly_dates() -> None:
    anchor = date(2026, 12, 3)
    assert next_rule_date(anchor, "weekly", anchor) == date(2026, 12, 10)
    assert next_rule_date(anchor, "weekly", date(2026, 12, 9)) == date(2026, 12, 10)
    assert next_rule_date(anchor, "weekly", date(2026, 12, 10)) == date(2026, 12, 17)
    assert next_rule_date(anchor, "biweekly", anchor) == date(2026, 12, 17)
    assert next_rule_date(anchor, "biweekly", date(2027, 1, 1)) == date(2027, 1, 14)
    assert next_rule_date(anchor, "weekly", date(2026, 12, 1)) == anchor


def test_a_one_off_has_no_next_date() -> None:
    anchor = date(2026, 12, 3)
    assert next_rule_date(anchor, "none", anchor) is None
    assert next_rule_date(anchor, "none", date(2026, 12, 1)) == anchor


def test_monthly_keeps_the_weekday_position() -> None:
    first_tuesday = date(2026, 12, 1)
    assert monthly_position(first_tuesday) == 1
    dates = rule_dates(first_tuesday, "monthly")
    assert [next(dates) for _ in range(4)] == [
        date(2026, 12, 1),
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
    ]
    assert next_rule_date(first_tuesday, "monthly", date(2027, 6, 10)) == date(2027, 7, 6)


def test_a_fifth_weekday_means_the_last_one() -> None:
    fifth_tuesday = date(2026, 12, 29)
    assert monthly_position(fifth_tuesday) == LAST
    dates = rule_dates(fifth_tuesday, "monthly")
    assert [next(dates) for _ in range(3)] == [
        date(2026, 12, 29),
        date(2027, 1, 26),  # January 2027 has four Tuesdays: the last one
        date(2027, 2, 23),
    ]


def test_a_fourth_weekday_stays_the_fourth() -> None:
    fourth_thursday = date(2026, 11, 26)
    assert monthly_position(fourth_thursday) == 4
    assert next_rule_date(fourth_thursday, "monthly", fourth_thursday) == date(2026, 12, 24)


def test_next_occurrence_skips_dates_already_begun() -> None:
    """After a long outage the series resumes at its next date still ahead."""
    anchor = date(2026, 11, 26)
    occurrence = next_occurrence(
        anchor,
        time(15, 0),
        ZONE,
        "weekly",
        after_day=anchor,
        now=datetime(2026, 12, 17, 21, 0, tzinfo=UTC),  # Dec 17, 16:00 local: begun
    )
    assert occurrence is not None and occurrence.local_date == date(2026, 12, 24)
