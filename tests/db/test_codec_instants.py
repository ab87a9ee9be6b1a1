"""Stored instants read back: the fixed UTC form ``instant_to_db`` writes, nothing else."""

from __future__ import annotations

import _strptime
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.db.codec import instant_from_db, instant_to_db
from tests.i18n.test_render_costs import calls


def test_a_stored_instant_reads_back_as_the_same_utc_instant() -> None:
    for moment in (
        datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1999, 1, 1, tzinfo=UTC),
    ):
        read = instant_from_db(instant_to_db(moment))
        assert read == moment
        assert read.tzinfo is UTC


@pytest.mark.parametrize(
    "stored",
    ["2026-12-06T09:30:15.000000", "2026-12-06T09:30:15+01:00", "yesterday", ""],
)
def test_what_was_not_stored_as_a_utc_instant_is_refused(stored: str) -> None:
    with pytest.raises(ValueError):
        instant_from_db(stored)


def test_reading_an_instant_does_not_go_through_strptime() -> None:
    """Reads parse several instants a row; ``strptime`` costs ~7 µs each, the ISO
    parser a fraction of a microsecond."""
    stored = instant_to_db(datetime(2026, 12, 6, 9, 30, tzinfo=UTC))
    assert calls(lambda: [instant_from_db(stored) for _ in range(20)], _strptime._strptime) == 0
