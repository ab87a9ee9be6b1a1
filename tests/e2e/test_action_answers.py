"""An action answered where it was shown: the review of earlier actions and the
``/actions`` list update in place (the action marked, its buttons gone), and whoever
closes another member's action is told whose it was."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator import Message
from tests.e2e.facilitation import answer, bot_messages, click, find, last_with, live_thread, run
from tests.e2e.harness import Harness


async def press(harness: Harness, user: str, message: Message, custom_id: str) -> str:
    """A click that updates the clicked message, then answers the clicker: both, once the
    answer came."""
    result = await harness.emu.click(harness.user(user), message, custom_id, locale="en-US")
    await result.wait_followups()
    return await answer(result)


async def two_actions(harness: Harness) -> None:
    """An English community whose first session left #1 to bob and #2 to chloe."""
    h = harness
    await h.setup_community(language="en")
    await run(h, "alice", "session start", protocol="exchange")
    await click(h, "alice", last_with(h, h.channel("general"), "plc:ses:join:"), "plc:ses:join:")
    await run(h, "alice", "session action", text="Read the report", owner=h.user("bob"))
    await run(h, "alice", "session action", text="Share the rubric", owner=h.user("chloe"))
    await run(h, "alice", "session end")


async def test_a_reviewed_action_shows_its_answer_and_loses_its_buttons(harness: Harness) -> None:
    """The review kept "#1 done" and "#1 carried over" after bob's Done, and said
    nothing of it: a second click was told "Action #1 is already done"."""
    await two_actions(harness)
    await harness.advance(timedelta(days=7))
    await run(harness, "alice", "session start", protocol="plc")
    thread = await live_thread(harness)
    [review] = find(bot_messages(harness, thread), "Actions from earlier sessions")
    answered = await press(harness, "bob", review, "plc:ses:rev:2:1:done")
    assert "Action #1 is marked done." in answered
    shown = harness.emu.state.messages[review.id]
    assert "**#1** Read the report — <@" in shown.all_text()
    assert "· ✅ done" in shown.all_text()
    ids = shown.custom_ids()
    assert not [i for i in ids if i.startswith("plc:ses:rev:2:1:")]
    assert [i for i in ids if i.startswith("plc:ses:rev:2:2:")] == [
        "plc:ses:rev:2:2:done",
        "plc:ses:rev:2:2:carried",
    ]
    await press(harness, "chloe", shown, "plc:ses:rev:2:2:carried")
    after = harness.emu.state.messages[review.id]
    assert after.custom_ids() == [] and "· ⏭️ carried over to next time" in after.all_text()
    await run(harness, "alice", "session end")  # the review retired keeps the answers
    ended = harness.emu.state.messages[review.id].all_text()
    assert "· ✅ done" in ended and "· ⏭️ carried over to next time" in ended


async def test_done_in_the_list_updates_it_and_names_the_owner(harness: Harness) -> None:
    """`/actions scope:all`: alice's Done on bob's #1 left the list showing #1 open with
    its button, and told her "Action #1 is done. Well done!"."""
    await two_actions(harness)
    listing = await harness.slash("alice", "actions", scope="all", locale="en-US")
    await listing.final()
    assert listing.message is not None
    guild = harness.guild.id
    said = await press(harness, "alice", listing.message, f"plc:act:done:{guild}:1:all:0:1")
    assert f"Action #1 (<@{harness.user('bob')}>'s) is marked done." in said
    assert "Well done" not in said
    shown = harness.emu.state.messages[listing.message.id]
    assert "**#1** Read the report" in shown.all_text() and "· done" in shown.all_text()
    assert [i for i in shown.custom_ids() if i.startswith("plc:act:done:")] == [
        f"plc:act:done:{guild}:2:all:0:1"
    ]
    mine = await harness.slash("chloe", "actions", locale="en-US")
    await mine.final()
    assert mine.message is not None
    own = await press(harness, "chloe", mine.message, f"plc:act:done:{guild}:2:mine:0:1")
    assert "Action #2 is done. Well done!" in own
    assert harness.emu.state.messages[mine.message.id].custom_ids() == []


async def test_done_under_a_reminder_marks_it_and_takes_its_button_away(harness: Harness) -> None:
    """A due-date reminder's Done answered "Action #1 is done" but left the DM as it was,
    its Done button still there (a second click: "already done"); one closed elsewhere
    kept its button too."""
    h = harness
    await h.setup_community(language="en")
    await run(h, "alice", "session start", protocol="exchange")
    await click(h, "alice", last_with(h, h.channel("general"), "plc:ses:join:"), "plc:ses:join:")
    await run(
        h, "alice", "session action", text="Read the report", owner=h.user("bob"), due="Nov 26"
    )
    await run(h, "alice", "session action", text="Share it", owner=h.user("bob"), due="Nov 26")
    await run(h, "alice", "session end")
    await h.advance(timedelta(days=3, hours=1))
    first, second = [m for m in h.emu.dms_to(h.user("bob")) if "is due today" in m.content]
    said = await press(h, "bob", first, f"plc:act:done:{h.guild.id}:1")
    assert "Action #1 is done. Well done!" in said
    shown = h.emu.state.messages[first.id]
    assert shown.custom_ids() == []
    assert "your action #1 is due today" in shown.content and "✅ Done." in shown.content
    # #2 closed in the list, then its reminder clicked
    listing = await h.slash("bob", "actions", locale="en-US")
    await listing.final()
    assert listing.message is not None
    await press(h, "bob", listing.message, f"plc:act:done:{h.guild.id}:2:mine:0:1")
    again = await press(h, "bob", second, f"plc:act:done:{h.guild.id}:2")
    assert "Action #2 is already done." in again
    assert h.emu.state.messages[second.id].custom_ids() == []
    assert "✅ Done." in h.emu.state.messages[second.id].content
