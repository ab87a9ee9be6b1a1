"""Every bad input of issue 10 answered clearly, in the member's language, with nothing
corrupted and nothing posted twice; custom protocol files (an invalid one reported by
file name and key, a valid one run)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.e2e.facilitation import (
    answer,
    bot_messages,
    button_of,
    find,
    last_with,
    live_thread,
    round_going,
    run,
)
from tests.e2e.harness import Harness
from tests.protocol_samples import INVALID, VALID


async def test_every_bad_input_gets_a_clear_answer(harness: Harness) -> None:
    await harness.setup_community(language="en")
    # No live session yet.
    assert "No session is running" in await run(harness, "bob", "session note", text="x")
    assert "No session is running" in await run(harness, "david", "session next")
    assert "Aucune séance n'est en cours" in await run(harness, "chloe", "session end")
    # Not a facilitator, and no meeting he could be assigned to.
    refused = await run(harness, "bob", "session start", protocol="plc")
    assert refused == "Only facilitators can start a session that is not for a meeting."
    # Unknown protocol: the choices are named.
    unknown = await run(harness, "david", "session start", protocol="debate")  # no role
    assert "Only facilitators" in unknown
    unknown = await run(harness, "alice", "session start", protocol="debate")
    assert "« debate » n'est pas un protocole connu" in unknown
    # By their names in the member's language, each with its id.
    for named in ("Rencontre de CAP (plc)", "Codéveloppement professionnel (codev)"):
        assert named in unknown
    assert "Échange de pratiques (exchange)" in unknown
    assert "Tour de table d'ouverture (checkin-round)" in unknown
    # Co-development needs its client.
    assert "client" in await run(harness, "alice", "session start", protocol="codev")
    # The other protocols have none: a client is refused before anything is written.
    bob = harness.user("bob")
    no_client = await run(harness, "admin", "session start", protocol="plc", client=bob)
    assert no_client == (
        "The `plc` protocol has no client: leave out the `client` option, which is for the"
        " protocols built around one member's situation (`codev`)."
    )
    assert "No session is running" in await run(harness, "admin", "session next")

    await run(harness, "alice", "session start", protocol="exchange")
    thread = await live_thread(harness)
    again = await run(harness, "admin", "session start", protocol="plc")
    assert "A session is already running" in again and f"<#{thread}>" in again
    # Dates: past, more than a year ahead, impossible.
    past = await run(harness, "alice", "session action", text="Lire", due="2026-11-01")
    assert "pour l'échéance (`echeance`), le 2026-11-01, est passée" in past
    far = await run(harness, "admin", "session action", text="Read", due="2028-01-01")
    assert "for the due date (`due`), 2028-01-01, is more than a year ahead" in far
    impossible = await run(harness, "admin", "session action", text="Read", due="Feb 30")
    assert "`due`" in impossible
    # Who may, before what they typed: bob has not joined, whatever he types.
    only = "Only participants can do this. Press **Join** in the session's thread first."
    assert await run(harness, "bob", "session action", text="Read") == only
    assert await run(harness, "bob", "session action", text="Read", due="2028-01-01") == only
    assert await run(harness, "bob", "session action", text="x" * 1001) == only
    assert await run(harness, "bob", "session note", text="x" * 1001) == only
    assert await run(harness, "bob", "session decision", text="   ") == only
    # An owner who left the server.
    harness.emu.remove_member(harness.guild.id, harness.user("david"))
    gone = await run(harness, "admin", "session action", text="Read", owner=harness.user("david"))
    assert "is no longer a member of this server" in gone
    # Empty and over-long text.
    assert "The note is empty" in await run(harness, "admin", "session note", text="   ")
    long = await run(harness, "admin", "session decision", text="x" * 1001)
    assert "1,001 characters, the limit is 1,000" in long
    # Next and End are the facilitator's.
    [opening] = find(bot_messages(harness, harness.channel("general")), "session has started")
    await answer(
        await harness.emu.click(harness.user("bob"), opening, button_of(opening, "plc:ses:join:"))
    )
    assert "Only the session's facilitator" in await run(harness, "bob", "session next")
    async with harness.bot.core.db.read() as conn:
        row = await (await conn.execute("SELECT COUNT(*) FROM action_items")).fetchone()
    assert row[0] == 0  # nothing half-written


async def test_two_facilitators_pressing_next_at_once_move_one_step(harness: Harness) -> None:
    await harness.setup_community(language="en")
    await run(harness, "alice", "session start", protocol="plc")
    thread = await live_thread(harness)
    panel = last_with(harness, thread, "plc:ses:next:")
    custom_id = button_of(panel, "plc:ses:next:")
    clicks = await asyncio.gather(
        harness.emu.click(harness.user("alice"), panel, custom_id),
        harness.emu.click(harness.user("admin"), panel, custom_id),
    )
    answers = sorted([await answer(c) for c in clicks])
    assert any("has already moved on (it is now at step 1)" in a for a in answers), answers
    assert any(a.startswith("▶️ The facilitator began step 1") for a in answers), answers
    assert len(find(bot_messages(harness, thread), "Step 1/7")) == 1
    assert find(bot_messages(harness, thread), "Step 2/7") == []


async def test_a_done_pressed_twice_at_once_ends_the_turn_once(harness: Harness) -> None:
    """Both clicks reach the bot before the prompt loses its buttons: one ends the turn and
    updates the prompt, the other is told privately that the turn is over."""
    thread = await round_going(harness)
    prompt = last_with(harness, thread, "plc:ses:done:")
    [speaker] = prompt.mention_user_ids
    custom_id = button_of(prompt, "plc:ses:done:")
    clicks = await asyncio.gather(
        harness.emu.click(speaker, prompt, custom_id),
        harness.emu.click(speaker, prompt, custom_id),
    )
    answers = sorted([await answer(c) for c in clicks])
    assert answers[0].startswith("Ce tour de parole est déjà terminé"), answers  # her client
    assert answers[1].startswith(f"🎤 <@{speaker}> (1/2)") and answers[1].endswith("✅ done.")
    assert harness.emu.state.messages[prompt.id].custom_ids() == []
    async with harness.bot.core.db.read() as conn:
        row = await (await conn.execute("SELECT COUNT(*) FROM session_turns")).fetchone()
    assert row[0] == 1
    assert len([m for m in bot_messages(harness, thread) if m.content.startswith("🎤")]) == 2


async def test_custom_protocols_invalid_reported_valid_run(
    unstarted_harness: Harness, tmp_path: Path
) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "retro.toml").write_text(VALID, encoding="utf-8")
    (folder / "broken.toml").write_text(INVALID, encoding="utf-8")
    harness = unstarted_harness
    await harness.start_community(facilitation={"protocols_dir": str(folder)})
    status = await run(harness, "david", "plc status")
    assert "Custom protocol file refused: broken.toml: steps[1].minutes" in status
    assert 'broken.toml: steps[2].mode: must be "discussion"' in status
    assert "Input should" not in status and "Field required" not in status
    french = await run(harness, "alice", "plc status")  # Alice's Discord is in French
    assert "broken.toml : steps[2].prompt.en : le texte anglais manque" in french
    refused = await run(harness, "admin", "session start", protocol="broken")
    assert "“broken” could not be loaded, its file was refused: broken.toml: steps[1]" in refused
    suggestions = await harness.emu.autocomplete(
        harness.guild.id, harness.user("admin"), "session start", focused="protocol", value="ret"
    )
    assert [c["value"] for c in suggestions.choices] == ["retro"]
    started = await run(harness, "admin", "session start", protocol="retro")
    assert "Retrospective" in started
    thread = await live_thread(harness)
    await answer(
        await harness.emu.click(
            harness.user("admin"),
            last_with(harness, thread, "plc:ses:next:"),
            button_of(last_with(harness, thread, "plc:ses:next:"), "plc:ses:next:"),
        )
    )
    assert find(bot_messages(harness, thread), "Step 1/2 — What worked")
    turn = last_with(harness, thread, "plc:ses:done:")
    assert turn.mention_user_ids == [harness.user("admin")]


async def test_add_action_on_an_ended_session_says_it_ended(harness: Harness) -> None:
    """The end retires the panel's buttons; one still shown as it was (a client that
    missed the edit, or an edit that failed): Add action says at once that the session
    is over (no form to fill in for nothing), and a form opened before the end says the
    same when it is sent, not that no session is running."""
    await harness.setup_community(language="en")
    await run(harness, "alice", "session start", protocol="exchange")
    thread = await live_thread(harness)
    panel = last_with(harness, thread, "plc:ses:add:")
    add = button_of(panel, "plc:ses:add:")
    opened = await harness.emu.click(harness.user("alice"), panel, add)
    assert opened.modal is not None
    shown = harness.emu.state.messages[panel.id]
    as_it_was = shown.components
    await run(harness, "alice", "session end")
    assert shown.custom_ids() == []
    shown.components = as_it_was

    late = await harness.emu.submit_modal(
        harness.user("alice"), opened, {"text": "Read"}, locale="en-US"
    )
    assert await answer(late) == "This session has ended."
    again = await harness.emu.click(harness.user("bob"), panel, add, locale="fr")
    assert again.modal is None
    assert await answer(again) == "Cette séance est terminée."
    assert not find(bot_messages(harness, thread), "Read")
