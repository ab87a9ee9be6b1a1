"""A weekly check-in on each platform: scheduled, opened by the clock, answered through a
form by two members (each answer posted under their name in the check-in's thread),
the nudge to a member who has not answered, and the facilitators' digest at the close."""

from __future__ import annotations

from datetime import timedelta

from bot.db import checkins as checkins_db
from tests.scenarios.drivers import Driver

OPEN = timedelta(minutes=30)  # START is Monday 09:00 in Toronto; it opens at 09:30
TO_NUDGE = timedelta(hours=36)
NUDGE_TO_CLOSE = timedelta(hours=12)


async def test_a_weekly_check_in_is_answered_by_form_and_digested(chat: Driver) -> None:
    await chat.setup()
    scheduled = await chat.run("alice", "checkin schedule", day="Monday", time="09:30")
    assert "Check-ins every **Monday** at **09:30** (America/Toronto)" in scheduled.text
    await chat.run("david", "me reminders", state="on")  # known to the bot; will not answer
    await chat.advance(OPEN)
    [prompt] = chat.posts("check-ins")
    assert "Weekly check-in · week of 23 November" in prompt.text
    assert prompt.labels() == ["📝 Answer"]

    for member, progress, tried in (("bob", "3", "Exit tickets"), ("chloe", "4", "Lecture")):
        opened = await chat.press(member, prompt, "Answer")
        assert opened.form is not None, opened.text
        saved = await chat.fill(
            member, opened.form, progress=progress, q1=tried, q2="More time to plan"
        )
        assert ("Thanks! Your answer is posted" if member == "bob" else "Merci !") in saved.text
    bob_answer, chloe_answer = chat.thread(prompt)
    assert chat.display("bob") in bob_answer.text and "Exit tickets" in bob_answer.text
    assert chat.display("chloe") in chloe_answer.text and "Lecture" in chloe_answer.text
    async with chat.app.core.db.read() as conn:
        stored = await checkins_db.answers_of_guild(conn, await chat.community())
    assert [(a.user_id, a.progress) for a in stored] == [
        (await chat.member_id("bob"), 3.0),
        (await chat.member_id("chloe"), 4.0),
    ]

    await chat.advance(TO_NUDGE)
    [nudge] = [p for p in chat.private("david") if p.text.startswith("Reminder: the weekly")]
    assert "closes" in nudge.text
    assert not [p for p in chat.private("bob") if p.text.startswith("Reminder: the weekly")]

    await chat.advance(NUDGE_TO_CLOSE)
    [digest] = [p for p in chat.posts("moderation") if "Check-in digest" in p.text]
    assert "**2** of **3** members answered (67%)" in digest.text
    assert f"{chat.named('bob')}: More time to plan" in digest.text
    assert f"{chat.named('chloe')}: More time to plan" in digest.text
    assert "· 2 answers" in prompt.text and prompt.labels() == []  # closed, no button
