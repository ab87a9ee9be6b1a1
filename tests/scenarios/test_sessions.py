"""A live session on each platform: started by the facilitator, joined by two members, a
round where each speaker in turn presses Done or Pass, an action for a member, and the
end with its summary in the session's thread."""

from __future__ import annotations

from tests.scenarios.drivers import Driver, Member, Post

PEOPLE = ("alice", "bob", "chloe")


def speaker(chat: Driver, turn: Post) -> str:
    """Whose turn the prompt gives (it names them first)."""
    first_line = turn.text.split("\n")[0]
    return next(member for member in PEOPLE if chat.named(member) in first_line)


async def test_a_live_session_runs_a_round_records_an_action_and_ends(chat: Driver) -> None:
    await chat.setup()
    started = await chat.run("alice", "session start", protocol="checkin-round")
    assert "Session **Quick check-in round** started in" in started.text
    [opening] = [p for p in chat.posts("general") if "session has started" in p.text]
    assert "🙋 Join" in opening.labels()
    assert (await chat.press("bob", opening, "Join", answered=True)).text == (
        "You joined the session."
    )
    assert (await chat.press("chloe", opening, "Join", answered=True)).text == (
        "Vous participez à la séance."
    )
    assert "already in" in (await chat.press("bob", opening, "Join", answered=True)).text

    [panel] = [p for p in chat.thread(opening) if "⏭️ Next" in p.labels()]
    await chat.press("alice", panel, "Next")
    # The controls pressed lose their buttons; the step's post, under them, has them.
    assert panel.text == "▶️ The facilitator began step 1: **Check-in round**."
    assert panel.labels() == []
    [step] = [p for p in chat.thread(opening) if "Step 1/1 — Check-in round" in p.text]
    assert "🏁 End" in step.labels()
    spoke: list[str] = []
    for n in (1, 2, 3):
        turn = [p for p in chat.thread(opening) if "✅ Done" in p.labels()][-1]
        assert f"it is your turn ({n}/3) — Check-in round" in turn.text
        member = speaker(chat, turn)
        assert member not in spoke
        spoke.append(member)
        if member == "bob":
            await chat.press("bob", turn, "Pass")
            ended = "⏩ passed."
        else:
            other = next(m for m in PEOPLE if m not in (member, "bob"))
            refused = await chat.press(other, turn, "Done", answered=True)
            assert refused.text.startswith(("It is not your turn", "Ce n'est pas votre tour"))
            assert "✅ Done" in turn.labels()  # a refusal leaves the prompt as it was
            await chat.press(member, turn, "Done")
            ended = "✅ done."
        # The prompt now says, for everyone, how the turn ended, and keeps no button.
        assert turn.text.endswith(f"({n}/3) — Check-in round: {ended}"), turn.text
        assert chat.named(member) in turn.text and turn.labels() == []
    assert any("Round complete: **Check-in round**" in p.text for p in chat.thread(opening))

    action = await chat.run(
        "alice", "session action", text="Share the rubric", owner=Member("chloe"), due="Dec 10"
    )
    assert f"Action #1 was recorded for {chat.named('chloe')}" in action.text
    ended = await chat.run("alice", "session end")
    assert "the summary is posted in the thread (1 step covered)" in ended.text
    assert "Step 1/1 — Check-in round" in step.text and step.labels() == []  # typed End
    # Where it was started, the post says it ended, without Join; its thread stays.
    assert opening.text.startswith("🏁 A **Quick check-in round** session, facilitated by")
    assert opening.text.endswith("has ended. Its summary has been posted.")
    assert opening.labels() == []
    [summary] = [p for p in chat.thread(opening) if "Summary — Quick check-in round" in p.text]
    assert "3 participants" in summary.text and "✅ 1. Check-in round" in summary.text
    assert f"#1 Share the rubric — {chat.named('chloe')} (due 10 December 2026)" in summary.text
    assert f"{chat.named('bob')}: spoke 0 times, passed 1 time" in summary.text
    assert f"{chat.named('chloe')}: spoke 1 time, passed 0 times" in summary.text
    assert f"{chat.named('alice')}: spoke 1 time, passed 0 times" in summary.text


async def test_moving_on_and_ending_by_command_leave_no_live_button_behind(chat: Driver) -> None:
    """``/session next`` and ``/session end`` typed: the controls they moved past, and the
    prompt of a turn they cut short, say what happened and keep no button."""
    await chat.setup()
    await chat.run("alice", "session start", protocol="exchange")
    [opening] = [p for p in chat.posts("general") if "session has started" in p.text]
    await chat.press("bob", opening, "Join", answered=True)
    [panel] = [p for p in chat.thread(opening) if "⏭️ Next" in p.labels()]

    await chat.run("alice", "session next")
    assert panel.text == "▶️ The facilitator began step 1: **Round of successes and challenges**."
    assert panel.labels() == []
    [step] = [p for p in chat.thread(opening) if "Step 1/5" in p.text]
    [turn] = [p for p in chat.thread(opening) if "✅ Done" in p.labels()]
    first = speaker(chat, turn)

    await chat.run("alice", "session next")  # while the first speaker has the floor
    assert turn.text.endswith(
        "(1/2) — Round of successes and challenges: ⏭️ the facilitator moved on to the next step."
    ), turn.text
    assert chat.named(first) in turn.text and turn.labels() == []
    assert "Step 1/5" in step.text and step.labels() == []
    [now] = [p for p in chat.thread(opening) if "⏭️ Next" in p.labels()]
    assert "Step 2/5" in now.text

    await chat.run("alice", "session next")  # the round of advice: a new prompt
    [advice] = [p for p in chat.thread(opening) if "✅ Done" in p.labels()]
    ended = await chat.run("alice", "session end")
    assert "the summary is posted in the thread" in ended.text
    assert advice.text.endswith("— Round of advice: ⏹️ the session ended."), advice.text
    assert advice.labels() == []
    assert [p.text for p in chat.thread(opening) if p.labels()] == []  # no live button left
