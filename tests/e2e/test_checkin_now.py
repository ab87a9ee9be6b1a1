"""``/checkin now`` end to end: what the facilitator is told."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.checkins_steps import scheduled
from tests.e2e.harness import Harness


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
