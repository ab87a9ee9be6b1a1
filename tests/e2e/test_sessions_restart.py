"""What members were shown before a restart still works after it: the session's controls,
the Add action form, and the Done and paging buttons of ``/actions`` (their ids are the
ones earlier versions put on messages, routed by the core)."""

from __future__ import annotations

from tests.e2e.facilitation import answer, button_of, click, last_with, live_thread, run
from tests.e2e.harness import Harness


async def test_the_add_action_form_opened_before_a_restart_is_saved_after_it(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    await run(harness, "alice", "session start", protocol="exchange")
    panel = last_with(harness, await live_thread(harness), "plc:ses:add:")
    opened = await harness.emu.click(
        harness.user("alice"), panel, button_of(panel, "plc:ses:add:"), locale="en-US"
    )
    await harness.restart()
    submitted = await harness.emu.submit_modal(
        harness.user("alice"), opened, {"text": "Read the article", "due": ""}, locale="en-US"
    )
    said = await answer(submitted)
    assert f"Action #1 was recorded for <@{harness.user('alice')}>." in said, said
    moved = await click(harness, "alice", panel, "plc:ses:next:")  # the panel's Next, too
    assert moved.startswith("▶️ The facilitator began step 1")
    step = last_with(harness, await live_thread(harness), "plc:ses:more:")  # a step's controls
    assert step.embeds[0]["title"].startswith("Step 1/")


async def test_actions_pages_and_done_buttons_work_after_a_restart(harness: Harness) -> None:
    h = harness
    await h.setup_community(language="en")
    await run(h, "alice", "session start", protocol="exchange")
    for n in range(1, 13):
        await run(h, "alice", "session action", text=f"Action {n}")
    first = await h.slash("alice", "actions", scope="all", locale="en-US")
    await first.final()
    assert first.message is not None
    await h.restart()
    following = await h.emu.click(
        h.user("alice"), first.message, "plc:act:page:all:0:2", locale="en-US"
    )
    await following.final()
    shown = h.emu.state.messages[first.message.id]
    assert "Action 12" in shown.all_text()
    done = await h.emu.click(
        h.user("alice"), shown, f"plc:act:done:{h.guild.id}:12", locale="en-US"
    )
    assert "Action #12 is done" in await answer(done)
