"""Weekly check-ins end to end: the real bot, the emulator, a moved clock."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta

from bot.db import checkins as checkins_db
from bot.emulator import Message
from tests.e2e.checkins_steps import (
    NUDGE_TO_CLOSE,
    OPEN,
    TO_NUDGE,
    WEEK,
    answer,
    click_answer,
    digests,
    known,
    open_week,
    prompt,
    prompts,
    pulse_buttons,
    schedule,
    scheduled,
    set_goal,
    stored_answers,
    thread_posts,
    vote_pulse,
)
from tests.e2e.harness import Harness


async def test_a_week_opens_collects_answers_nudges_once_and_closes_with_a_digest(
    harness: Harness,
) -> None:
    h = harness
    await scheduled(h, moderation=True)
    await set_goal(h, "bob")
    await known(h, "david")
    await h.advance(OPEN)

    (posted,) = prompts(h)
    assert "week of 23 November" in posted.embeds[0]["title"]
    assert posted.thread_id == posted.id  # the week's thread, started on the prompt

    saved = await answer(h, "bob", progress="52,5", tried="Reading circles", obstacles="Time")
    assert saved.ephemeral and f"<#{posted.id}>" in (saved.content or "")
    await answer(h, "chloe", tried="Exit tickets @everyone [link](https://x.test)")
    await answer(h, "alice", tried="Peer visit", obstacles="A colleague to observe")
    posts = thread_posts(h)
    assert [p.embeds[0]["author"]["name"] for p in posts] == [
        "Bob Nguyen",
        "Chloé Bernard",
        "Alice Dupont",
    ]
    assert "52.5 · target 75" in posts[0].all_text()
    # User text is inert (no disguised links) and pings no one.
    assert all(p.mention_user_ids == [] and not p.mention_everyone for p in posts)
    assert "\\[link\\]\\(https://x.test\\)" in posts[1].all_text()

    # Chloé edits her answer: the same post is updated, nothing new is posted.
    form = await click_answer(h, "chloe", posted)  # Answer again: her answer, to edit
    assert form.modal is not None
    assert {f.custom_id: f.value for f in form.modal.fields}["q1"] == (
        "Exit tickets @everyone [link](https://x.test)"
    )
    await h.clock.advance(timedelta(hours=1))
    edited = await (
        await h.emu.submit_modal(
            h.user("chloe"), form, {"progress": "", "q1": "Exit tickets, revised", "q2": ""}
        )
    ).final()
    assert edited.ephemeral
    posts_after = thread_posts(h)
    assert [p.id for p in posts_after] == [p.id for p in posts]
    assert "Exit tickets, revised" in posts_after[1].all_text()
    assert posts_after[1].edited_timestamp is not None

    # David opens the form but submits after the close: refused, nothing stored.
    late_form = await click_answer(h, "david", posted)

    await h.advance(TO_NUDGE - timedelta(hours=1))
    (nudge,) = h.emu.dms_to(h.user("david"))
    assert f"/channels/{h.guild.id}/{h.channel('check-ins')}/{posted.id}" in nudge.content
    assert all(h.emu.dms_to(h.user(n)) == [] for n in ("alice", "bob", "chloe", "admin"))
    await h.advance(timedelta(hours=1))
    await h.bot.core.scheduler.run_due()
    assert len(h.emu.dms_to(h.user("david"))) == 1  # one nudge, whatever the wake-ups

    await h.advance(NUDGE_TO_CLOSE)
    (digest,) = digests(h)
    text = digest.all_text()
    assert "**3** of **4** members answered (75%)" in text
    assert f"<@{h.user('bob')}>: Time" in text
    assert f"<@{h.user('alice')}>: A colleague to observe" in text
    assert (
        f"<@{h.user('bob')}> — #1 **Reading fluency**: 52.5 · target 75 "
        "(% of students at level 3) · 36% of the way"
    ) in text
    assert "Not reachable" not in text
    closed_prompt = h.emu.state.messages[posted.id]
    assert closed_prompt.components == [] and "3 answers" in closed_prompt.all_text()

    refused = await (
        await h.emu.submit_modal(h.user("david"), late_form, {"q1": "too late"})
    ).final()
    assert refused.ephemeral and "closed" in (refused.content or "")
    assert len(await stored_answers(h)) == 3

    # Next week's check-in was planned when this one opened.
    await h.advance(WEEK - TO_NUDGE - NUDGE_TO_CLOSE)
    assert len(prompts(h)) == 2 and "week of 30 November" in prompt(h).embeds[0]["title"]


async def test_a_member_whose_dms_are_closed_is_mentioned_and_listed_in_the_digest(
    harness: Harness,
) -> None:
    """A DM refused: tried once, mentioned in the thread instead, never retried, listed in
    the digest."""
    h = harness
    await h.setup_community(moderation=True)
    await known(h, "chloe", "david")
    h.emu.close_dms(h.user("chloe"))
    await schedule(h)
    await h.advance(OPEN)
    await h.advance(TO_NUDGE)
    assert len(h.emu.dms_to(h.user("david"))) == 1
    refused = [r for r in h.emu.requests(method="POST", status=403) if r.error_code == 50007]
    assert len(refused) == 1
    (fallback,) = [p for p in thread_posts(h) if "Reminder" in p.content]
    assert fallback.mention_user_ids == [h.user("chloe")]

    await h.advance(NUDGE_TO_CLOSE)
    (digest,) = digests(h)
    assert "Not reachable by direct message" in digest.all_text()
    assert f"<@{h.user('chloe')}>" in digest.all_text()
    refused = [r for r in h.emu.requests(method="POST", status=403) if r.error_code == 50007]
    assert len(refused) == 1  # not retried


async def test_an_away_week_does_not_break_the_streak(harness: Harness) -> None:
    h = harness
    await open_week(h)
    await answer(h, "bob", tried="Week 1")
    await h.advance(WEEK)  # week 2 opens; Bob goes away for it
    away = await h.slash("bob", "me away", until="2026-12-05")
    assert "5 December 2026" in (away.content or "")
    await h.advance(TO_NUDGE)
    assert h.emu.dms_to(h.user("bob")) == []  # away: no nudge
    await h.advance(NUDGE_TO_CLOSE)
    await h.slash("bob", "me back")  # after the close: week 2 stays an away week
    await h.advance(WEEK - TO_NUDGE - NUDGE_TO_CLOSE)
    await answer(h, "bob", tried="Week 3")

    me = await h.slash("bob", "checkin me")
    assert me.ephemeral
    text = me.message.all_text() if me.message else ""
    assert "Streak: **2** weeks in a row" in text
    assert "Week of 30 November (away)" in text
    assert "✅ Week of 7 December" in text and "✅ Week of 23 November" in text


async def test_the_csv_export_parses_back_to_the_stored_answers(harness: Harness) -> None:
    h = harness
    await open_week(h)
    await answer(h, "bob", progress="3,5", tried='Line one\nline "two", with a comma')
    await answer(h, "chloe", tried="=SUM(A1)", obstacles="Planning time")

    refused = await h.slash("bob", "checkin export")
    assert refused.ephemeral and not (refused.message and refused.message.attachments)
    export = await (await h.slash("alice", "checkin export")).final()
    assert export.ephemeral and export.message is not None
    text = export.message.attachments[0].data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    stored = await stored_answers(h)
    assert len(rows) == len(stored) == 2
    for row, answer_row in zip(rows, stored, strict=True):
        assert int(row["user_id"]) == answer_row.user_id
        assert row["week"] == "2026-W48"
        assert (float(row["progress"]) if row["progress"] else None) == answer_row.progress
    assert rows[0]["answer_1"] == 'Line one\nline "two", with a comma'
    assert rows[0]["member"] == "Bob Nguyen"
    assert rows[1]["answer_1"] == "'=SUM(A1)"  # a spreadsheet will not run it
    assert rows[1]["answer_2"] == "Planning time"


async def test_a_restart_between_open_and_close_loses_nothing_and_posts_nothing_twice(
    harness: Harness,
) -> None:
    h = harness
    await open_week(h, "david", "admin", moderation=True)
    await answer(h, "bob", tried="Before the restart", obstacles="Help with grading")
    # David opens the form before the restart and sends it after: his text is kept.
    open_form = await click_answer(h, "david")
    await h.restart()
    await h.bot.core.scheduler.run_due()
    sent = await (
        await h.emu.submit_modal(h.user("david"), open_form, {"q1": "Typed across a restart"})
    ).final()
    assert sent.ephemeral and "Typed across a restart" in thread_posts(h)[-1].all_text()
    # The Answer button still works (routed by its id) and the week goes on.
    await answer(h, "chloe", tried="After the restart")
    await h.advance(TO_NUDGE)
    await h.restart()
    await h.bot.core.scheduler.run_due()
    await h.advance(NUDGE_TO_CLOSE)
    await h.restart()
    await h.bot.core.scheduler.run_due()

    assert len(prompts(h)) == 1
    assert len([p for p in thread_posts(h) if p.embeds]) == 3
    assert h.emu.dms_to(h.user("david")) == []  # he answered: no nudge
    assert len(h.emu.dms_to(h.user("admin"))) == 1  # nudged once across three restarts
    (digest,) = digests(h)
    assert "**3** of **4** members answered" in digest.all_text()
    assert "Help with grading" in digest.all_text()


async def test_a_502_after_the_prompt_was_created_leaves_exactly_one_prompt(
    harness: Harness,
) -> None:
    """Discord creates the message, answers 502; the retry carries the same nonce."""
    h = harness
    await scheduled(h)
    fault = h.emu.faults.add(
        method="POST", path=f"/channels/{h.channel('check-ins')}/messages", status=502
    )
    await h.advance(OPEN)
    await h.advance(timedelta(minutes=5))
    assert fault.used == 1
    assert len(prompts(h)) == 1
    assert prompt(h).thread_id is not None


async def test_the_pulse_hides_its_average_below_three_votes(harness: Harness) -> None:
    h = harness
    await open_week(h, moderation=True, pulse=True)
    posted = prompt(h)
    pulse_ids = pulse_buttons(posted)
    assert len(pulse_ids) == 5
    vote = await h.emu.click(h.user("bob"), posted, pulse_ids[4])
    assert vote.ephemeral and "anonymous" in (vote.content or "")
    await h.emu.click(h.user("bob"), posted, pulse_ids[1])  # changed: still one vote
    await h.emu.click(h.user("chloe"), posted, pulse_ids[4])
    assert "/5" not in h.emu.state.messages[posted.id].all_text()  # no live average
    await h.advance(TO_NUDGE)
    await h.advance(NUDGE_TO_CLOSE)
    closed = h.emu.state.messages[posted.id].all_text()
    assert "fewer than 3 votes" in closed and "/5" not in closed
    # Closed, it keeps the question but no longer asks to press a score it has lost.
    assert "How supported do you feel" in closed and "Press 1" not in closed
    (digest,) = digests(h)
    assert "Fewer than 3 votes, so no average is shown" in digest.all_text()
    # No message anywhere names who voted.
    assert all(str(h.user("bob")) not in m.all_text() for m in h.emu.messages_in(posted.id))


async def test_the_pulse_average_shows_from_three_votes(harness: Harness) -> None:
    h = harness
    await open_week(h, moderation=True, pulse=True)
    posted = prompt(h)
    await vote_pulse(h, posted, bob=4, chloe=5, david=3)
    await h.advance(TO_NUDGE)
    await h.advance(NUDGE_TO_CLOSE)
    assert "average 4/5 from 3 votes" in h.emu.state.messages[posted.id].all_text()
    assert "Average 4/5 from 3 votes" in digests(h)[0].all_text()


async def test_the_prompt_speaks_the_communitys_language(harness: Harness) -> None:
    h = harness
    await h.setup_community(language="fr")
    result = await schedule(h, questions="Qu'avez-vous observé ? | Votre prochaine étape ?")
    # Echoed inert (cogs.toolkit.escape): Discord shows "\-" as "-".
    assert "Qu'avez\\-vous observé" in (result.content or "")
    await h.advance(OPEN)
    text = prompt(h).all_text()
    assert "Bilan hebdomadaire · semaine du 23 novembre" in text
    assert "Votre prochaine étape ?" in text
    form = await click_answer(h, "bob")
    assert form.modal is not None
    assert [f.label for f in form.modal.fields][1:] == [
        "Qu'avez-vous observé ?",
        "Votre prochaine étape ?",
    ]


async def test_a_schedule_time_is_read_as_members_write_it(harness: Harness) -> None:
    """``5pm`` or ``17h30``, not only 24-hour HH:MM: what a member types for a meeting's
    time works for the check-in's too."""
    h = harness
    await h.setup_community()
    read = (
        ("5pm", time(17), "17 h"),
        ("17h30", time(17, 30), "17 h 30"),
        ("7.45", time(7, 45), "7 h 45"),
    )
    for typed, stored, said in read:
        result = await schedule(h, time=typed)
        # Said back in French (the harness's), as French writes a time: « 17 h 30 ».
        assert f"à **{said}** (America/Toronto)" in (result.content or ""), result.content
        async with h.bot.core.db.read() as conn:
            active = await checkins_db.active_schedule(conn, h.guild.id)
        assert active is not None and active.local_time == stored


async def test_bad_schedules_and_non_facilitators_are_refused(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    for typed in ("24:61", "13pm", "25:00", "18"):
        result = await schedule(h, time=typed)
        assert f"« {typed} » n'est pas une heure. Écrivez-la comme 08:30" in (
            result.content or ""
        ), typed
    refused = await h.slash("bob", "checkin schedule", day=0, time="09:30")
    assert refused.ephemeral and "facilitators" in (refused.content or "")
    too_many = await schedule(h, questions="a | b | c | d")
    assert "4" in (too_many.content or "")
    async with h.bot.core.db.read() as conn:
        assert await checkins_db.active_schedule(conn, h.guild.id) is None
    # Before any schedule, /checkin now opens this week with the default questions and
    # says that it now opens weekly, and how to change that.
    now = (await (await h.slash("alice", "checkin now")).final()).content or ""
    assert "chaque lundi à 9 h " in now and "/bilan planifier" in now
    assert [
        m for m in h.emu.messages_in(h.channel("check-ins")) if m.author_id == h.emu.bot_user_id
    ]


async def test_non_numeric_progress_is_refused_and_nothing_is_posted(harness: Harness) -> None:
    h = harness
    await open_week(h)
    result = await answer(h, "bob", progress="a lot", tried="Something")
    assert result.ephemeral and "“a lot” is not a number" in (result.content or "")
    assert await stored_answers(h) == []
    assert thread_posts(h) == []


async def test_a_deleted_checkin_channel_is_reported_and_nothing_is_half_open(
    harness: Harness,
) -> None:
    """The command says the channel is lost; admins are told once; no week is left."""
    h = harness
    await scheduled(h, moderation=True)
    h.emu.delete_channel(h.channel("check-ins"))
    # Alice's Discord is in French: the refusal is too.
    first = await (await h.slash("alice", "checkin now")).final()
    assert "Je ne peux pas publier dans le salon de bilan" in (first.content or "")
    second = await (await h.slash("alice", "checkin now")).final()
    assert "Je ne peux pas publier dans le salon de bilan" in (second.content or "")

    def told() -> list[Message]:
        moderation = h.emu.messages_in(h.channel("moderation"))
        return [m for m in moderation if "no longer post" in m.content]

    # The bot handles Discord's CHANNEL_DELETE beside the commands: its notice may come last.
    await h.emu.wait_for(told)
    assert len(told()) == 1
    async with h.bot.core.db.read() as conn:
        assert await checkins_db.checkins_of(conn, h.guild.id) == []


async def test_checkin_now_opens_the_week_at_once_and_status_shows_it(harness: Harness) -> None:
    h = harness
    await scheduled(h, day=4, time="17:00")  # Fridays; today is Monday
    status = await h.slash("bob", "plc status")
    assert "Next check-in: <t:" in (status.message.all_text() if status.message else "")
    opened = await (await h.slash("alice", "checkin now")).final()
    assert opened.ephemeral
    assert f"/channels/{h.guild.id}/{h.channel('check-ins')}/" in (opened.content or "")
    (posted,) = prompts(h)
    assert "week of 23 November" in posted.embeds[0]["title"]
    status = await h.slash("bob", "plc status")
    assert "Check-in open, closes <t:" in (status.message.all_text() if status.message else "")
    await h.advance(timedelta(days=4, hours=8, minutes=5))  # this Friday 17:05: no second one
    assert len(prompts(h)) == 1


async def test_custom_ids_keep_their_format_so_older_messages_still_work(
    harness: Harness,
) -> None:
    """Prompts and forms posted before an upgrade carry these ids; they still route."""
    h = harness
    await open_week(h, pulse=True)
    async with h.bot.core.db.read() as conn:
        (checkin,) = await checkins_db.checkins_of(conn, h.guild.id)
    posted = prompt(h)
    assert posted.custom_ids() == [
        f"plc:checkin:answer:{checkin.id}",
        *(f"plc:checkin:pulse:{checkin.id}:{score}" for score in range(1, 6)),
    ]
    form = await h.emu.click(h.user("bob"), posted, f"plc:checkin:answer:{checkin.id}")
    assert form.modal is not None
    assert form.modal.custom_id == f"plc:checkin:answer-form:{checkin.id}"
    saved = await (await h.emu.submit_modal(h.user("bob"), form, {"q1": "Tried"})).final()
    assert saved.ephemeral
    again = await h.emu.click(h.user("bob"), posted, f"plc:checkin:answer:{checkin.id}")
    assert again.modal is not None  # his answer, to edit: the same form
    assert again.modal.custom_id == f"plc:checkin:answer-form:{checkin.id}"
    goal_form = await h.slash("bob", "goal set")
    assert goal_form.modal is not None and goal_form.modal.custom_id == "plc:goal:form:mine"
