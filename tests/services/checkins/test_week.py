"""A week's life through the real scheduler: open, one nudge, close and digest; a clock
stepped back or forward, and DMs a member refused."""

from __future__ import annotations

from datetime import timedelta

from bot.chat import Channel, Posted
from bot.db import checkins as checkins_db
from bot.services.checkins import (
    CLOSE_KIND,
    NUDGE_KIND,
    OPEN_KIND,
    AnswerAuthor,
    AnswerPost,
    CheckinDigest,
    CheckinPrompt,
    ClosedCheckinPrompt,
    NudgeFallback,
)
from tests.conftest import START
from tests.services.checkins.harness import (
    ALICE,
    BOB,
    CAROL,
    CHANNEL,
    DAN,
    GUILD,
    Harness,
    member,
)


async def test_a_week_opens_nudges_once_closes_once_and_plans_the_next(plc: Harness) -> None:
    await plc.known(ALICE, BOB, CAROL, DAN)
    await plc.set_goal(ALICE, "Reading", target="80")
    await plc.schedule(weekday=0, time_text="09:30", close_after_hours=48)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    assert plc.prompts == [checkin.id] and checkin.week == "2026-W48"
    assert checkin.closes_at == START + timedelta(minutes=30, hours=48)
    assert (await plc.timer(NUDGE_KIND, f"checkin:{checkin.id}")).due_at == (
        checkin.closes_at - timedelta(hours=12)
    )
    next_open = await plc.timer(OPEN_KIND, f"checkin:{checkin.schedule_id}:2026-W49")
    assert next_open.due_at == START + timedelta(days=7, minutes=30)

    await plc.answer(ALICE, checkin.id, progress="52,5", texts=("Reading circles", "Time"))
    await plc.answer(BOB, checkin.id, texts=("Exit tickets", ""))
    plc.chat.closed_dms.add(DAN)
    await plc.advance(timedelta(hours=36))
    assert plc.nudged == [(checkin.id, CAROL)]
    await plc.advance(timedelta(hours=1))
    await plc.core.scheduler.run_due()  # a second wake-up
    assert plc.nudged == [(checkin.id, CAROL)]

    await plc.advance(timedelta(hours=11))
    (closing,) = plc.closings
    digest = closing.digest
    assert digest.answered == [ALICE, BOB]
    assert digest.expected == [ALICE, BOB, CAROL, DAN]
    assert digest.response_rate == 0.5
    assert [(h.user_id, h.text) for h in digest.help_requests] == [(ALICE, "Time")]
    assert [(g.goal.title, g.latest, g.goal.target) for g in digest.goals] == [
        ("Reading", 52.5, 80.0)
    ]
    assert digest.unreachable == [DAN]
    assert digest.pulse is None
    async with plc.core.db.read() as conn:
        stored = await checkins_db.get_checkin(conn, checkin.id)
    assert stored is not None and stored.status == "closed"

    # Closing again (a second timer run, a restart) changes nothing.
    again = await plc.checkins.close(checkin.id)
    assert again is not None and again.digest.answered == [ALICE, BOB]
    async with plc.core.db.read() as conn:
        assert (await checkins_db.get_checkin(conn, checkin.id)) == stored

    await plc.advance(timedelta(days=5))
    assert len(plc.prompts) == 2
    assert (await plc.current()).week == "2026-W49"


async def test_away_members_are_not_nudged_and_their_week_does_not_break_the_streak(
    plc: Harness,
) -> None:
    await plc.known(ALICE, BOB)
    await plc.schedule(time_text="09:30")
    # Week 1: Alice answers.
    await plc.advance(timedelta(minutes=30))
    await plc.answer(ALICE, (await plc.current()).id, texts=("w1", ""))
    await plc.advance(timedelta(days=7))
    # Week 2: Alice is away (set during the week, back early after the close).
    await plc.members.set_away(GUILD, ALICE, "2026-12-06", "en")
    week2 = await plc.current()
    await plc.advance(timedelta(hours=36))
    assert (week2.id, ALICE) not in plc.nudged and (week2.id, BOB) in plc.nudged
    await plc.advance(timedelta(hours=12))
    assert plc.closings[-1].digest.away == [ALICE]
    assert plc.closings[-1].digest.expected == [BOB]
    await plc.members.back(GUILD, ALICE)  # does not rewrite week 2
    await plc.advance(timedelta(days=5))
    # Week 3: Alice answers again.
    await plc.answer(ALICE, (await plc.current()).id, texts=("w3", ""))
    history = await plc.checkins.history(member(ALICE))
    assert [(w.week, w.status) for w in history.weeks] == [
        ("2026-W50", "answered"),
        ("2026-W49", "away"),
        ("2026-W48", "answered"),
    ]
    assert (history.streak, history.best_streak, history.answered) == (2, 2, 2)
    bob = await plc.checkins.history(member(BOB))
    assert [w.status for w in bob.weeks] == ["open", "missed", "missed"]
    assert bob.streak == 0


async def test_an_abandoned_week_cancels_its_nudge_and_close(plc: Harness) -> None:
    checkin = await plc.open_week()
    await plc.checkins.abandon(checkin.id)
    assert (await plc.timer(NUDGE_KIND, f"checkin:{checkin.id}")).status == "cancelled"
    assert (await plc.timer(CLOSE_KIND, f"checkin:{checkin.id}")).status == "cancelled"
    # /checkin now can open the week again once the channel is fixed.
    reopened = (await plc.checkins.open_now(plc.facilitator)).checkin
    assert reopened.week == checkin.week and reopened.id != checkin.id


async def test_a_clock_stepping_back_and_forth_duplicates_nothing(plc: Harness) -> None:
    """After the clock steps back, nothing is opened, nudged or closed twice."""
    await plc.known(ALICE)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    await plc.advance(timedelta(hours=36))
    await plc.advance(timedelta(hours=12))
    await plc.clock.set(START)
    await plc.core.scheduler.run_due()
    await plc.advance(timedelta(hours=49))
    assert len(plc.prompts) == 1 and len(plc.closings) == 1
    assert plc.nudged == [(plc.prompts[0], ALICE)]


async def test_members_with_reminders_off_are_not_nudged(plc: Harness) -> None:
    await plc.known(ALICE, BOB)
    await plc.members.set_dm_reminders(GUILD, BOB, False)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    await plc.advance(timedelta(hours=36))
    assert [user for _, user in plc.nudged] == [ALICE]


async def test_the_week_reaches_members_through_the_chat_port(plc: Harness) -> None:
    """The prompt and its thread, the answer under the member's name, the fallback mention
    for a closed DM, the digest (to the thread without a moderation channel), and the
    prompt closed in place."""
    await plc.known(ALICE, DAN)
    plc.chat.closed_dms.add(DAN)
    checkin = await plc.open_week()
    (prompt,) = [s for s in plc.chat.sent if isinstance(s.card, CheckinPrompt)]
    assert prompt.target == Channel(GUILD, CHANNEL) and prompt.nonce is not None
    assert plc.chat.threads == [(prompt.posted, "Check-in · week of 23 November")]
    thread = prompt.posted.message_id
    assert checkin.message_id == checkin.thread_id == thread

    alice = AnswerAuthor(name="Alice")
    saved = await plc.checkins.save_answer(
        member(ALICE), checkin.id, progress="", texts=["Tried", ""], author=alice
    )
    assert saved.posted_in == thread
    (post,) = [s for s in plc.chat.sent if isinstance(s.card, AnswerPost)]
    assert post.target == Channel(GUILD, thread) and post.card.author == alice
    assert post.mention == ()
    edited = await plc.checkins.save_answer(
        member(ALICE), checkin.id, progress="", texts=["Tried again", ""]
    )
    assert edited.posted_in == thread and edited.created is False
    assert plc.chat.edits[-1][0] == Posted(GUILD, thread, post.posted.message_id)

    await plc.advance(timedelta(hours=36))
    (fallback,) = [s for s in plc.chat.sent if isinstance(s.card, NudgeFallback)]
    assert fallback.target == Channel(GUILD, thread) and fallback.mention == (DAN,)
    await plc.advance(timedelta(hours=12))
    (digest,) = [s for s in plc.chat.sent if isinstance(s.card, CheckinDigest)]
    assert digest.target == Channel(GUILD, thread) and digest.mention == ()
    closed = [card for _, card in plc.chat.edits if isinstance(card, ClosedCheckinPrompt)]
    assert [c.answer_count for c in closed] == [1]
    assert plc.chat.edits[-1][0] == prompt.posted


async def test_a_prompt_refused_by_a_lost_channel_drops_the_week(plc: Harness) -> None:
    await plc.known(ALICE)
    plc.chat.lost_channels.add(CHANNEL)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    async with plc.core.db.read() as conn:
        assert await checkins_db.checkins_of(conn, GUILD) == []
    await plc.advance(timedelta(hours=48))
    assert plc.nudged == [] and plc.closings == []
