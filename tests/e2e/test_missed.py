"""What ``/plc status`` says about timers the bot missed while it was down is true: each
line is what the timer's kind declared, and the test checks that it happened.

START (tests/conftest.py) is Monday 2026-11-23 09:00 in Toronto; the check-in opens at
09:30 for 48 hours, so its nudge is due Tuesday at 21:30 and it closes Wednesday at 09:30.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.checkins_steps import OPEN, TO_NUDGE, known, schedule
from tests.e2e.facilitation import bot_messages, run
from tests.e2e.harness import Harness


async def test_status_says_what_became_of_a_missed_nudge_and_action_reminder(
    harness: Harness,
) -> None:
    await harness.setup_community(moderation=True)
    await known(harness, "bob")
    await schedule(harness)
    await harness.advance(OPEN)
    await run(harness, "alice", "session start", protocol="checkin-round")
    await run(
        harness,
        "alice",
        "session action",
        text="Call the parents",
        owner=harness.user("bob"),
        due="2026-11-25",
    )
    await run(harness, "alice", "session end")
    dms_before = len(harness.emu.dms_to(harness.user("bob")))

    # Down from before the nudge until after its 6-hour grace: the nudge is missed.
    await harness.advance(TO_NUDGE + timedelta(hours=7))
    # Down again from before 9:00 on the action's due day until after its 12-hour grace.
    await harness.clock.set(datetime(2026, 11, 25, 22, tzinfo=ZoneInfo("America/Toronto")))
    await harness.advance(timedelta(0))

    assert len(harness.emu.dms_to(harness.user("bob"))) == dms_before  # neither was sent
    told = [
        m
        for m in bot_messages(harness, harness.channel("moderation"))
        if "check-in could not be sent in time" in m.all_text()
    ]
    assert len(told) == 1  # the facilitators were told of the nudge, once
    status = await run(harness, "david", "plc status")
    assert (
        "1 check-in nudge could not be sent in time: members who had not answered were not"
        " reminded, and the facilitators were told" in status
    )
    assert "1 action reminder could not be sent in time and was dropped" in status
    assert "Facilitators were told." not in status
    listed = await run(harness, "bob", "actions")
    assert "Call the parents" in listed  # "still listed in /actions" is true
