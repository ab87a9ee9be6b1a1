"""``/checkin export`` end to end: times a spreadsheet reads, on the community's clock."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.e2e.checkins_steps import answer, open_week
from tests.e2e.harness import Harness


async def test_the_export_writes_times_in_the_communitys_zone_to_the_second(
    harness: Harness,
) -> None:
    """The week opens Monday 23 November 09:30 in Toronto (14:30 UTC); Bob answers 1 h 15 min
    and 7 s later: the rows say so on Toronto's clock, the zone named beside them."""
    h = harness
    await open_week(h)
    await h.clock.advance(timedelta(hours=1, minutes=15, seconds=7, microseconds=250_000))
    await answer(h, "bob", tried="Exit tickets")
    export = await (await h.slash("alice", "checkin export")).final()
    assert export.message is not None
    text = export.message.attachments[0].data.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["opened_at"] == "2026-11-23 09:30:00"
    assert row["answered_at"] == row["updated_at"] == "2026-11-23 10:45:07"
    assert row["time_zone"] == "America/Toronto"
