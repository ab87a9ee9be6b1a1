"""``/checkin now`` end to end: what the facilitator is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.checkins_steps import scheduled
from tests.e2e.harness import Harness

TORONTO = ZoneInfo("America/Toronto")


async def test_checkin_now_again_says_whether_the_week_is_open_or_done(
    harness: Harness,
) -> None:
    h = harness
    await scheduled(h, day=4, time="17:00")  # Fridays; today is Monday
    await (await h.slash("alice", "checkin now", locale="en-US")).final()
    again = await (await h.slash("alice", "checkin now", locale="en-US")).final()
    assert "This week's check-in is already open: it closes <t:" in (again.content or "")
    assert "or done" not in (again.content or "")
    await h.advance(timedelta(days=2, hours=1))  # closed after its 48 hours
    done = await (await h.slash("alice", "checkin now", locale="fr")).final()
    assert "Le bilan de cette semaine est déjà terminé : il a fermé le <t:" in (
        done.content or ""
    ), done.content
    # The next opening's date, as the other replies give it (before: « comme prévu »).
    next_friday = int(datetime(2026, 12, 4, 17, tzinfo=TORONTO).timestamp())
    assert f"Le prochain ouvrira le <t:{next_friday}:F>." in (done.content or ""), done.content


async def test_checkin_now_says_which_scheduled_opening_it_replaces(harness: Harness) -> None:
    """START is Monday 23 November: Friday's scheduled opening this week is replaced (no
    second check-in that Friday), and the reply says so, with the next opening."""
    h = harness
    await scheduled(h, day=4, time="09:00")
    opened = await (await h.slash("alice", "checkin now", locale="en-US")).final()
    text = opened.content or ""
    friday = int(datetime(2026, 11, 27, 9, tzinfo=TORONTO).timestamp())
    next_friday = int(datetime(2026, 12, 4, 9, tzinfo=TORONTO).timestamp())
    assert (
        f"This check-in replaces this week's scheduled opening (<t:{friday}:F>); "
        f"the next one opens <t:{next_friday}:F>."
    ) in text, text


async def test_checkin_now_replacing_nothing_says_nothing_of_it(harness: Harness) -> None:
    """It is Monday 09:00 and the schedule opens Mondays at 08:00: this week's opening is
    past, none is planned this week, so nothing is replaced."""
    h = harness
    await scheduled(h, day=0, time="08:00")
    opened = await (await h.slash("alice", "checkin now", locale="en-US")).final()
    assert "replaces" not in (opened.content or "")
