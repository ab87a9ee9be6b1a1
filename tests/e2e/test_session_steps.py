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


async def test_a_latecomer_in_a_round_is_counted_in_the_step_post_and_the_turns(
    harness: Harness,
) -> None:
    """The step post said "round, 2 participants" after a third joined mid-round, and the
    turns went (1/2) then (2/3) with nothing said in between."""
    thread = await round_going(harness)  # alice then bob
    step = last_with(harness, thread, "plc:ses:more:")
    assert "round, 2 participants" in step.all_text()
    [opening] = find(bot_messages(harness, harness.channel("general")), "session has started")
    await click(harness, "chloe", opening, "plc:ses:join:")

    assert "round, 3 participants" in harness.emu.state.messages[step.id].all_text()
    chloe = harness.user("chloe")
    [joined] = find(bot_messages(harness, thread), "joined the round")
    assert joined.content == (
        f"➕ <@{chloe}> joined the round (**Check-in round**) and speaks last (3/3):"
        " the turns from here on are counted out of 3."
    )
    alice = harness.user("alice")
    prompt = last_with(harness, thread, "plc:ses:done:")
    done = await click(harness, "alice", prompt, "plc:ses:done:")
    assert done == f"🎤 <@{alice}> (1/3) — Check-in round: ✅ done."
    bob = last_with(harness, thread, "plc:ses:done:")
    assert bob.content.startswith(f"🎤 <@{harness.user('bob')}>, it is your turn (2/3)")
    await click(harness, "bob", bob, "plc:ses:done:")
    last = last_with(harness, thread, "plc:ses:done:")
    assert last.content.startswith(f"🎤 <@{chloe}>, it is your turn (3/3)")


async def test_a_session_without_a_meeting_does_not_speak_of_going(harness: Harness) -> None:
    """A session started with no meeting still said "Members who answered Going are
    already in"."""
    thread = await round_going(harness)
    [overview] = find(bot_messages(harness, thread), "Quick check-in round")[:1]
    assert "Anyone can press Join to take part." in overview.all_text()
    assert "Going" not in overview.all_text()


async def test_more_time_pressed_once_time_is_over_gives_two_minutes_from_now(
    harness: Harness,
) -> None:
    """ "+2 min" pressed 3 minutes after the step's end moved that old end by 2 minutes:
    the step "now ends" a minute ago, and "time is nearly up" came at once. Now it ends
    2 minutes from the click (15 min: 10, 3 over, 2 more), with no "nearly up" at once."""
    thread = await round_going(harness)
    session = await harness.bot.services.get(SessionService).live(harness.guild.id)
    assert session is not None and session.step_started_at is not None
    await harness.advance(timedelta(minutes=13))  # the 10-minute step is 3 minutes over
    step = last_with(harness, thread, "plc:ses:more:")
    assert "5 minutes de plus" in await click(harness, "alice", step, "plc:ses:more:")
    new_end = int((harness.clock.now() + timedelta(minutes=2)).timestamp())
    assert new_end == int((session.step_started_at + timedelta(minutes=15)).timestamp())
    shown = harness.emu.state.messages[step.id]
    assert f"Time\n15 min — ends <t:{new_end}:t> (<t:{new_end}:R>)" in shown.all_text()
    [extended] = find(bot_messages(harness, thread), "extended by")
    assert f"extended by 5 min in all, it now ends <t:{new_end}:t>" in extended.content
    nearly = len(find(bot_messages(harness, thread), "time is nearly up"))
    await harness.advance(timedelta(minutes=1))
    assert len(find(bot_messages(harness, thread), "time is nearly up")) == nearly
    await harness.advance(timedelta(minutes=1))
    assert len(find(bot_messages(harness, thread), "suggested time is over")) == 2
