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
        h.user("alice"), shown, f"plc:act:done:{h.guild.id}:12:all:0:2", locale="en-US"
    )
    await done.wait_followups()
    assert "Action #12 is done" in await answer(done)


async def test_end_retires_its_controls_and_an_end_of_an_earlier_version_still_ends(
    harness: Harness,
) -> None:
    """End shows the controls it was pressed on without their buttons (the step as it
    was); an End button posted by an earlier version (``plc:ses:end:<session>``, no step)
    still ends the session, after a restart, and its controls (the opening's, here) lose
    their buttons too, by an edit the session plans."""
    await harness.setup_community(language="en")
    await run(harness, "alice", "session start", protocol="checkin-round")
    thread = await live_thread(harness)
    await click(harness, "alice", last_with(harness, thread, "plc:ses:next:"), "plc:ses:next:")
    step = last_with(harness, thread, "plc:ses:end:")
    clicked = await harness.emu.click(harness.user("alice"), step, button_of(step, "plc:ses:end:"))
    await clicked.final()
    [said] = await clicked.wait_followups(1)  # the update of the controls, then the answer
    assert "compte rendu est publié" in said.content and said.ephemeral  # her client: French
    shown = harness.emu.state.messages[step.id]
    assert shown.embeds[0]["title"] == "Step 1/1 — Check-in round" and shown.custom_ids() == []

    await run(harness, "alice", "session start", protocol="checkin-round")
    second = await live_thread(harness)
    panel = last_with(harness, second, "plc:ses:end:")
    [end_id] = [c for c in panel.custom_ids() if c.startswith("plc:ses:end:")]
    session_id = end_id.split(":")[3]
    old = f"plc:ses:end:{session_id}"  # as versions before this one wrote it
    for component in harness.emu.state.messages[panel.id].iter_components():
        if component.get("custom_id") == end_id:
            component["custom_id"] = old
    await harness.restart()
    said = await answer(await harness.emu.click(harness.user("alice"), panel, old))
    assert "compte rendu est publié" in said
    assert "Aucune séance n'est en cours" in await run(harness, "alice", "session next")
    shown = harness.emu.state.messages[panel.id]
    assert shown.content == "⏹️ The session ended before step 1: **Check-in round**."
    assert shown.custom_ids() == []
