"""A live session's step post as the step changes: "+2 min" moves the end it shows, a
latecomer joining a round changes its count, a step left early says so; and the time
posts read right after the moment they name."""

from __future__ import annotations

from datetime import timedelta

from bot.services.facilitation.sessions.service import SessionService
from tests.e2e.facilitation import bot_messages, click, find, last_with, round_going
from tests.e2e.harness import Harness


async def test_more_time_edits_the_step_post_and_nearly_up_names_the_clock_time(
    harness: Harness,
) -> None:
    """The step post kept its first end after "+2 min" ("ends 14:28 (6 minutes ago)"),
    and "nearly up" read "ends 4 minutes ago" once that moment had passed."""
    thread = await round_going(harness)
    session = await harness.bot.services.get(SessionService).live(harness.guild.id)
    assert session is not None and session.step_started_at is not None
    first_end = int((session.step_started_at + timedelta(minutes=10)).timestamp())
    step = last_with(harness, thread, "plc:ses:more:")
    assert f"ends <t:{first_end}:t>" in step.all_text()

    assert "2 min" in await click(harness, "alice", step, "plc:ses:more:")
    new_end = first_end + 120
    shown = harness.emu.state.messages[step.id]
    assert f"ends <t:{new_end}:t> (<t:{new_end}:R>)" in shown.all_text()
    assert f"<t:{first_end}:" not in shown.all_text()
    assert "plc:ses:more:" in " ".join(shown.custom_ids())  # still the step's controls

    await harness.advance(timedelta(minutes=10))
    await harness.advance(timedelta(minutes=6))
    [nearly] = find(bot_messages(harness, thread), "time is nearly up")
    assert nearly.content == (
        f"⏳ **Check-in round**: time is nearly up — the step ends at <t:{new_end}:t>."
    )
