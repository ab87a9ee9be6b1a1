"""A confirmed meeting's announcement goes through the outbox: Discord down at Confirm keeps
the meeting and posts the announcement once Discord answers, once."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import (
    announcements,
    confirm,
    labels,
    meeting_rows,
    preview,
    rsvp,
    upcoming,
)


async def test_discord_down_at_confirm_keeps_the_meeting_and_announces_it_later(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    result = await preview(harness, locale="en-US", when="Dec 3 3:30pm", repeat="weekly")
    harness.fail_posts("announcements", 503, times=None)
    done = await confirm(harness, result, locale="en-US")
    said = done.content or ""
    assert said.startswith("Saved.")
    assert f"posted in <#{harness.channel('announcements')}> as soon as Discord answers" in said
    assert done.components == []
    assert announcements(harness) == []
    assert await meeting_rows(harness) == 1
    assert len(harness.emu.state.scheduled_events) == 1

    harness.emu.faults.clear()  # Discord answers again
    await harness.advance(timedelta(minutes=1))
    [announcement] = announcements(harness)
    assert labels(harness, announcement) == ["Going (0)", "Maybe (0)", "Can't (0)"]
    [item] = await upcoming(harness)
    assert item.announcement is not None and item.announcement.message_id == announcement.id
    await rsvp(harness, "bob", announcement, "going")
    assert labels(harness, announcement) == ["Going (1)", "Maybe (0)", "Can't (0)"]

    await harness.restart()  # the start-up repair posts nothing twice
    await harness.bot.startup_done.wait()
    assert len(announcements(harness)) == 1
