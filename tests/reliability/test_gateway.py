"""The gateway dropped in the middle of an interaction and while reminders go out: the
bot resumes or identifies again and goes on, its scheduler and loops running once; the
work in flight finishes once, reminders reach each member once, later commands and
timers still run.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.harness import Harness
from tests.reliability.world import (
    ENGLISH,
    bot_posts,
    button,
    meeting_preview,
    rsvp,
    schedule_meeting,
    sends,
)

MESSAGES = "/channels/{channel_id}/messages"
GOING = ("bob", "chloe", "david", "admin")


def callbacks(h: Harness) -> int:
    """How many interactions the bot has answered (deferred or not) so far."""
    return len(h.emu.requests(method="POST", path_contains="/callback"))


async def test_a_drop_in_the_middle_of_interactions_loses_nothing(harness: Harness) -> None:
    h = harness
    await h.setup_community(language="en")
    preview = await meeting_preview(h, title="Dropped mid-way", when="2026-12-10 15:00")
    # Every call after the answer takes half a second: the work is in flight for a while.
    h.emu.faults.add(method="POST", path="/interactions/", times=None)
    h.emu.faults.add(path="/", delay=0.5, times=None)

    # Resumable drop while Confirm is announcing the meeting.
    answered = callbacks(h)
    confirm = asyncio.create_task(
        h.emu.click(
            h.user("alice"), preview.message, button(preview.message, "Confirm"), locale=ENGLISH
        )
    )
    await h.emu.wait_for(lambda: callbacks(h) > answered, timeout=5)
    await h.emu.drop_gateway(resumable=True)
    confirmed = await (await confirm).final(timeout=10)
    await h.emu.wait_for(lambda: h.emu.resume_count == 1, timeout=10)
    assert confirmed.message is not None and "/channels/" in confirmed.message.all_text()
    [announcement] = bot_posts(h.emu, h.channel("announcements"))

    # A fresh session (on_ready again) while a member's answer is being recorded.
    answered = callbacks(h)
    answer = asyncio.create_task(rsvp(h.emu, h.user("bob"), announcement))
    await h.emu.wait_for(lambda: callbacks(h) > answered, timeout=5)
    await h.emu.drop_gateway(resumable=False)
    assert "Going" in await answer
    await h.emu.wait_for(lambda: h.emu.identify_count == 2, timeout=15)
    await h.emu.wait_until_connected(timeout=10)

    listing = await h.emu.slash(h.guild.id, h.user("chloe"), "meeting list", locale=ENGLISH)
    await listing.final()
    assert listing.message is not None and "✅ 1" in listing.message.all_text()
    assert len(bot_posts(h.emu, h.channel("announcements"))) == 1


async def test_drops_while_reminders_go_out_neither_lose_nor_double_them(
    harness: Harness,
) -> None:
    h = harness
    await h.setup_community(language="en")
    starts = h.clock.now() + timedelta(days=2)
    announcement = await schedule_meeting(h, title="Drop watch", starts=starts)
    for user in GOING:
        assert "Going" in await rsvp(h.emu, h.user(user), announcement)
    await h.advance(timedelta(0))  # what scheduling left due now (the rotation's notice)
    after_id = max(h.emu.state.messages)
    h.emu.faults.add(method="POST", path=MESSAGES, delay=0.2, times=None)

    first = asyncio.create_task(h.advance(starts - timedelta(days=1) - h.clock.now()))
    await h.emu.wait_for(lambda: sends(h.emu, [], after_id=after_id).distinct >= 1, timeout=10)
    await h.emu.drop_gateway(resumable=False)  # mid-burst: re-identify, on_ready again
    await first
    await h.emu.wait_for(lambda: h.emu.identify_count == 2, timeout=15)
    await h.emu.wait_until_connected(timeout=10)

    second = asyncio.create_task(h.advance(starts - timedelta(hours=1) - h.clock.now()))
    await h.emu.wait_for(lambda: sends(h.emu, [], after_id=after_id).distinct >= 6, timeout=10)
    await h.emu.drop_gateway(resumable=True)
    await second
    await h.emu.wait_for(lambda: h.emu.resume_count == 1, timeout=10)

    counted = sends(h.emu, [h.channel("announcements")], after_id=after_id)
    assert counted.duplicates == {}
    assert counted.distinct == 2 * (1 + len(GOING))  # two reminders, five targets each
    for user in GOING:
        assert len([m for m in h.emu.dms_to(h.user(user)) if m.id > after_id]) == 2
    status = await h.emu.slash(h.guild.id, h.user("admin"), "plc status", locale=ENGLISH)
    await status.final()
    assert status.message is not None
