"""``/session`` end to end, as members clicking the bot's buttons: a full codéveloppement
session with three participants, the review of its actions at the next session and
``/actions``, a restart in the middle of a round, and ``/practices export``."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import pytest

from bot.emulator import Message
from bot.services.facilitation.sessions import buttons
from tests.e2e.facilitation import (
    answer,
    bot_messages,
    button_of,
    click,
    find,
    last_with,
    live_thread,
    round_going,
    run,
)
from tests.e2e.harness import Harness


def turn_of(harness: Harness, thread: int, user: str) -> Message:
    """The latest turn prompt in the thread, checked to be ``user``'s."""
    message = last_with(harness, thread, "plc:ses:done:")
    assert message.content.startswith(f"🎤 <@{harness.user(user)}>"), message.content
    return message


async def click_answered(harness: Harness, user: str, message: Message, prefix: str) -> str:
    """A click that updates the clicked message, then answers the clicker: both."""
    result = await harness.emu.click(harness.user(user), message, button_of(message, prefix))
    await result.wait_followups()
    return await answer(result)


async def run_codev(harness: Harness) -> int:
    """A full codéveloppement session (Alice facilitates, Bob is the client, Chloé joins);
    returns its thread. Asserts each step of the way."""
    alice, bob, chloe = (harness.user(u) for u in ("alice", "bob", "chloe"))
    started = await run(harness, "alice", "session start", protocol="codev", client=bob)
    assert "Codéveloppement professionnel" in started  # Alice's Discord speaks French
    thread = await live_thread(harness)
    [opening] = find(bot_messages(harness, harness.channel("general")), "session has started")
    assert await click(harness, "chloe", opening, "plc:ses:join:") == "Vous participez à la séance."
    assert "already in" in await click(harness, "bob", opening, "plc:ses:join:")
    overview = find(bot_messages(harness, thread), "Co-development")[0]
    assert "The client's account — 15 min, discussion" in overview.all_text()

    # Step 1: the client's, mentioning the client only.
    # Next retires the controls it was pressed on: the new step's post has them.
    panel = last_with(harness, thread, "plc:ses:next:")
    began = await click(harness, "alice", panel, "plc:ses:next:")
    assert began == "▶️ The facilitator began step 1: **The client's account**."
    assert harness.emu.state.messages[panel.id].custom_ids() == []
    step1 = find(bot_messages(harness, thread), "Step 1/6")[-1]
    assert step1.mention_user_ids == [bob]
    assert "plc:ses:next:" in " ".join(step1.custom_ids())
    # Step 2: the clarification round, consultants only, one message per turn.
    left = await click(harness, "alice", step1, "plc:ses:next:")
    assert "Step 1/6 — The client's account" in left  # the step as it was, without controls
    assert harness.emu.state.messages[step1.id].custom_ids() == []
    assert "15 min — ended early" in harness.emu.state.messages[step1.id].all_text()
    assert "<t:" not in harness.emu.state.messages[step1.id].all_text()  # no "ends in …"
    assert find(bot_messages(harness, thread), "Step 2/6")
    first_turn = turn_of(harness, thread, "alice")
    assert first_turn.mention_user_ids == [alice]
    refused = await click(harness, "chloe", first_turn, "plc:ses:pass:")
    assert refused.startswith("Ce n'est pas votre tour")
    # Each prompt then says, for everyone, how its turn ended, and keeps no button.
    spoke = await click(harness, "alice", first_turn, "plc:ses:done:")
    assert spoke == f"🎤 <@{alice}> (1/2) — Clarifying questions: ✅ done."
    second_turn = turn_of(harness, thread, "chloe")
    assert second_turn.mention_user_ids == [chloe]
    passed = await click(harness, "chloe", second_turn, "plc:ses:pass:")
    assert passed == f"🎤 <@{chloe}> (2/2) — Clarifying questions: ⏩ passed."
    assert find(bot_messages(harness, thread), "Round complete: **Clarifying questions**")
    for prompt in (first_turn, second_turn):
        assert harness.emu.state.messages[prompt.id].custom_ids() == []

    # Time: nearly up at 13 minutes, +2 min, then over at 17.
    await harness.advance(timedelta(minutes=13))
    assert len(find(bot_messages(harness, thread), "time is nearly up")) == 1
    step2 = find(bot_messages(harness, thread), "Step 2/6")[-1]
    assert "2 minute" in await click(harness, "alice", step2, "plc:ses:more:")
    # The step's post says its new length with its new end (15 min planned, +2).
    assert "17 min — ends" in harness.emu.state.messages[step2.id].all_text()
    await harness.advance(timedelta(minutes=2))
    await harness.advance(timedelta(minutes=2))
    assert len(find(bot_messages(harness, thread), "the suggested time is over")) == 1
    assert len(find(bot_messages(harness, thread), "extended by 2 min")) == 1

    # Notes, a decision and two actions.
    assert "ajoutée" in await run(harness, "chloe", "session note", text="Contexte : classe de 6e")
    assert "recorded" in await run(
        harness, "bob", "session decision", text="Try peer tutoring for six weeks"
    )
    one = await run(
        harness, "bob", "session action", text="Meet the resource teacher", due="Dec 10"
    )
    two = await run(
        harness, "alice", "session action", text="Partager la grille", owner=chloe, due="2026-12-17"
    )
    assert "#1" in one and f"<@{bob}>" in one and "nº 2" in two and f"<@{chloe}>" in two
    for step in (1, 2, 3, 4):
        panel = last_with(harness, thread, "plc:ses:next:")
        await click(harness, "alice", panel, "plc:ses:next:")
        if step in (2,):  # the consultation round: Chloé has spoken least, she opens it
            done = await click(harness, "chloe", turn_of(harness, thread, "chloe"), "plc:ses:done:")
            assert done.startswith(f"🎤 <@{chloe}> (1/") and done.endswith(": ✅ done.")
    ended = await run(harness, "alice", "session end")
    assert "6 étapes couvertes" in ended
    [summary] = find(bot_messages(harness, thread), "Summary — Co-development")
    text = summary.all_text()
    assert "Steps covered" in text and "Steps not reached" not in text
    assert "Try peer tutoring for six weeks" in text and "Contexte : classe de 6e" in text
    assert f"Meet the resource teacher — <@{bob}> (due 10 December 2026)" in text
    assert f"Partager la grille — <@{chloe}> (due 17 December 2026)" in text
    assert f"<@{chloe}>: spoke 1 time, passed 1 time" in text
    return thread


async def test_a_full_codeveloppement_session(harness: Harness) -> None:
    await harness.setup_community(language="en")
    thread = await run_codev(harness)
    status = await run(harness, "david", "plc status")
    assert "A session is running" not in status
    after = await run(harness, "alice", "session next")
    assert "Aucune séance n'est en cours" in after
    assert len(find(bot_messages(harness, thread), "Summary")) == 1


async def test_the_next_session_reviews_the_actions_and_actions_marks_one_done(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    await run_codev(harness)
    await harness.advance(timedelta(days=7))
    started = await run(harness, "alice", "session start", protocol="plc")
    assert "à passer en revue : 2" in started
    thread = await live_thread(harness)
    [review] = find(bot_messages(harness, thread), "Actions from earlier sessions")
    assert "Meet the resource teacher" in review.all_text()
    assert "Partager la grille" in review.all_text()
    answered = await click_answered(harness, "bob", review, "plc:ses:rev:2:1:done")
    assert "#1 is marked done" in answered
    refused = await click(harness, "bob", review, "plc:ses:rev:2:2:carried")
    assert "Only the action's owner" in refused
    carried = await click_answered(harness, "chloe", review, "plc:ses:rev:2:2:carried")
    assert "reportée" in carried
    listing = await harness.slash("chloe", "actions")
    text = await answer(listing)
    assert "Partager la grille" in text and "reportée" in text
    assert listing.message is not None
    done = await harness.emu.click(
        harness.user("chloe"), listing.message, "plc:act:done:" + f"{harness.guild.id}:2:mine:0:1"
    )
    await done.wait_followups()
    assert "L'action nº 2 est faite" in await answer(done)
    assert "Aucune action" in await run(harness, "chloe", "actions")


async def test_a_restart_mid_round_resumes_on_the_same_speaker_timer_due_once(
    harness: Harness,
) -> None:
    thread = await round_going(harness, joining=("bob", "chloe"))
    await click(harness, "alice", turn_of(harness, thread, "alice"), "plc:ses:done:")
    speaking = turn_of(harness, thread, "bob")
    await harness.advance(timedelta(minutes=3))
    await harness.restart()
    await harness.advance(timedelta(minutes=5))  # 8 minutes into a 10-minute step
    assert len(find(bot_messages(harness, thread), "time is nearly up")) == 1
    assert "✅ done" in await click(harness, "bob", speaking, "plc:ses:done:")  # same speaker
    turn_of(harness, thread, "chloe")
    await harness.advance(timedelta(minutes=2))
    await harness.restart()
    await harness.advance(timedelta(minutes=10))
    assert len(find(bot_messages(harness, thread), "time is nearly up")) == 1
    assert len(find(bot_messages(harness, thread), "the suggested time is over")) == 1


async def test_the_next_prompt_does_not_wait_for_the_clicks_acknowledgement(
    harness: Harness,
) -> None:
    """The group waits for the next speaker's prompt, not for the speaker's own answer:
    while Discord takes its time over the acknowledgement of a Done, the prompt goes out."""
    thread = await round_going(harness)
    done = turn_of(harness, thread, "alice")
    prompts_when_acknowledged: list[int] = []

    def acknowledged() -> None:
        prompts_when_acknowledged.append(len(bot_messages(harness, thread)))

    before = len(bot_messages(harness, thread))
    harness.emu.faults.add(method="POST", path="/callback", delay=2.0, hook=acknowledged)
    assert "✅ done" in await click(harness, "alice", done, "plc:ses:done:")  # her prompt, updated
    assert prompts_when_acknowledged == [before + 1]
    turn_of(harness, thread, "bob")


@pytest.mark.sqlite_only  # SQLite's statements, as its trace gives them
async def test_a_done_is_acknowledged_once_its_turn_is_committed(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The acknowledgement of a Done starts once the turn is committed, right behind the
    next prompt's post: started at the click, it held up the write, and the prompt."""
    monkeypatch.setattr(buttons, "ACKNOWLEDGE_WITHIN_S", 60.0)  # only the write starts it
    thread = await round_going(harness)
    done = turn_of(harness, thread, "alice")
    seen: list[str] = []
    acknowledged = asyncio.Event()

    def arrived() -> None:
        seen.append("acknowledged")
        acknowledged.set()

    harness.emu.faults.add(method="POST", path="/callback", hook=arrived)
    db = harness.bot.core.db
    await db.trace(seen.append)
    try:
        async with db.transaction():  # the writer busy: the turn's write waits for it
            clicking = asyncio.ensure_future(
                harness.emu.click(harness.user("alice"), done, button_of(done, "plc:ses:done:"))
            )
            # Time enough for an acknowledgement started at the click to arrive.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(acknowledged.wait(), timeout=0.5)
        await answer(await clicking)
    finally:
        await db.trace(None)
    turn = next(i for i, s in enumerate(seen) if "INSERT INTO session_turns" in s)
    assert seen.index("acknowledged") > seen.index("COMMIT", turn), seen
    turn_of(harness, thread, "bob")


@pytest.mark.sqlite_only  # SQLite's statements and its log
async def test_a_turns_prompt_goes_out_before_its_sync_and_its_answer_after(
    harness: Harness,
) -> None:
    """The group waits for the next prompt, not for the disk: the turn commits without
    waiting for it, the prompt is posted, and the speaker is answered only once the turn
    is on the disk."""
    thread = await round_going(harness)
    done = turn_of(harness, thread, "alice")
    db = harness.bot.core.db
    events: list[tuple[str, int]] = []
    harness.emu.faults.add(
        method="POST",
        path=f"/channels/{thread}/messages",
        hook=lambda: events.append(("posted", db.log.syncs)),
    )
    harness.emu.faults.add(
        method="POST", path="/callback", hook=lambda: events.append(("acknowledged", db.log.syncs))
    )
    seen: list[str] = []
    await db.trace(seen.append)
    try:
        syncs = db.log.syncs
        assert "✅ done" in await click(harness, "alice", done, "plc:ses:done:")
    finally:
        await db.trace(None)
    turn = next(i for i, s in enumerate(seen) if "INSERT INTO session_turns" in s)
    began = max(i for i, s in enumerate(seen[:turn]) if s == "BEGIN IMMEDIATE")
    assert seen[began - 1] == "PRAGMA synchronous=NORMAL", seen
    [(first, _), (then, synced)] = events
    assert (first, then) == ("posted", "acknowledged")
    assert synced > syncs  # the turn's own sync, before its acknowledgement
    turn_of(harness, thread, "bob")


@pytest.mark.sqlite_only  # SQLite's one writer, held
async def test_a_done_held_up_by_another_write_is_still_acknowledged(harness: Harness) -> None:
    """A turn's write waiting for the writer does not hold its acknowledgement past the
    platform's few seconds: it goes out anyway, and the turn is done once it can be."""
    thread = await round_going(harness)
    done = turn_of(harness, thread, "alice")
    acknowledged = asyncio.Event()
    harness.emu.faults.add(method="POST", path="/callback", hook=acknowledged.set)
    async with harness.bot.core.db.transaction():  # the writer, busy
        clicking = asyncio.ensure_future(
            harness.emu.click(harness.user("alice"), done, button_of(done, "plc:ses:done:"))
        )
        await asyncio.wait_for(acknowledged.wait(), timeout=10)
        assert turn_of(harness, thread, "alice") == done  # no prompt before the turn's write
    assert "✅ done" in await answer(await clicking)  # her prompt, updated
    turn_of(harness, thread, "bob")


async def test_practices_export_holds_both_summaries(harness: Harness) -> None:
    await harness.setup_community(language="en")
    await run_codev(harness)
    await harness.advance(timedelta(days=7))
    await run(harness, "alice", "session start", protocol="exchange")
    refused = await run(harness, "bob", "session decision", text="Share one success per meeting")
    assert "Press **Join**" in refused  # Bob has not joined this session
    await run(harness, "alice", "session decision", text="Share one success per meeting")
    await run(harness, "alice", "session end")
    export = await harness.slash("david", "practices export")
    assert "practice log" in await answer(export)
    files = [a for m in [export.message, *export.followups] if m for a in m.attachments]
    [document] = files
    text = document.data.decode("utf-8")
    assert document.filename == "practices.md"
    assert text.startswith("# Practice log")
    assert "Exported on 30 November 2026, " in text  # in words (it said 2026-11-30 14:…)
    exchange = text.index("## 30 November 2026 — Practice exchange")
    codev = text.index("## 23 November 2026 — Co-development")
    assert exchange < codev
    assert "Share one success per meeting" in text and "Try peer tutoring for six weeks" in text
    assert "Meet the resource teacher — Bob Nguyen (due 10 December 2026)" in text
    assert "⏭️ 1. Round of successes and challenges (not reached)" in text


def done_buttons(message: Message) -> list[str]:
    return [c for c in message.custom_ids() if c.startswith("plc:act:done:")]


async def test_actions_all_pages_so_every_listed_action_has_its_done_button(
    harness: Harness,
) -> None:
    """Issue 20: `/actions scope:all` showed 6 actions with 5 Done buttons."""
    h = harness
    await h.setup_community(language="en")
    await run(h, "alice", "session start", protocol="exchange")
    await click(h, "alice", last_with(h, h.channel("general"), "plc:ses:join:"), "plc:ses:join:")
    for n in range(1, 7):
        await run(h, "alice", "session action", text=f"Action {n}")
    six = await h.slash("alice", "actions", scope="all")
    await six.final()
    assert six.message is not None
    assert done_buttons(six.message) == [
        f"plc:act:done:{h.guild.id}:{n}:all:0:1" for n in range(1, 7)
    ]
    assert not [c for c in six.message.custom_ids() if c.startswith("plc:act:page:")]

    for n in range(7, 13):
        await run(h, "alice", "session action", text=f"Action {n}")
    first = await h.slash("alice", "actions", scope="all", locale="en-US")
    await first.final()
    assert first.message is not None
    footer = first.message.embeds[0]["footer"]["text"]
    assert footer.startswith("Page 1 of 2 · 12 actions") and "a Done button for each" in footer
    assert done_buttons(first.message) == [
        f"plc:act:done:{h.guild.id}:{n}:all:0:1" for n in range(1, 11)
    ]
    assert "plc:act:page:all:0:2" in first.message.custom_ids()
    following = await h.emu.click(
        h.user("alice"), first.message, "plc:act:page:all:0:2", locale="en-US"
    )
    await following.final()
    shown = h.emu.state.messages[first.message.id]
    assert "Action 11" in shown.all_text() and "Action 1 " not in shown.all_text()
    assert done_buttons(shown) == [f"plc:act:done:{h.guild.id}:{n}:all:0:2" for n in (11, 12)]
    done = await h.emu.click(h.user("alice"), shown, f"plc:act:done:{h.guild.id}:12:all:0:2")
    await done.wait_followups()
    assert "#12 is done" in await answer(done) or "nº 12" in await answer(done)


async def test_the_practice_log_before_any_session_says_so_without_a_file(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    export = await harness.slash("david", "practices export")
    text = await answer(export)
    assert "No session has ended yet, so the practice log is empty" in text
    assert "`/session end`" in text
    assert not [a for m in [export.message, *export.followups] if m for a in m.attachments]


async def test_the_practice_log_is_in_the_language_of_who_asks(harness: Harness) -> None:
    """Chloé (French) exporting in an English community got a French reply with an
    English file."""
    await harness.setup_community(language="en")
    await run(harness, "alice", "session start", protocol="exchange")
    await run(harness, "alice", "session decision", text="Share one success per meeting")
    await run(harness, "alice", "session end")
    export = await harness.slash("chloe", "practices export")
    assert "référentiel de pratiques" in await answer(export)
    [document] = [a for m in [export.message, *export.followups] if m for a in m.attachments]
    text = document.data.decode("utf-8")
    assert text.startswith("# Référentiel de pratiques")
    assert "Décisions" in text and "Share one success per meeting" in text
