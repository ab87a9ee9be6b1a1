"""SessionService, continued: the question pool, a restart in the middle of a round, a
channel that refuses the session, the practice log, and a member's data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.chat import Channel
from bot.clock import ControlledClock
from bot.db.facilitation import sessions as sessions_db
from bot.errors import UserError
from bot.scheduler import Scheduler
from bot.services.base import Core
from bot.services.facilitation.sessions.cards import RoundComplete, StepStarted, TimeNotice
from tests.services.facilitation_world import World, build_world, facilitator, member
from tests.services.sample import ALICE, BOB, CAROL, DAVE, GUILD, ROOM
from tests.services.test_sessions import start_codev


async def test_opening_questions_do_not_repeat_until_the_pool_is_used(world: World) -> None:
    asked = []
    for _ in range(13):
        await world.start_session("checkin-round")
        await world.sessions.next_step(facilitator(ALICE))
        asked.append(world.chat.cards(StepStarted)[-1].question)
        await world.sessions.end(facilitator(ALICE))
    assert len(set(asked[:12])) == 12 and None not in asked
    assert asked[12] in asked[:12]


async def test_a_restart_resumes_the_same_speaker_and_timers_due_once(
    world: World, core: Core, clock: ControlledClock
) -> None:
    session_id = await start_codev(world)
    for expected in (-1, 0):
        await world.sessions.next_step(facilitator(ALICE), session_id, expected_step=expected)
    await world.sessions.end_turn(member(ALICE), session_id, 1, 0, "spoke")
    before = await world.sessions.get(session_id)
    assert before is not None and before.current_speaker == CAROL
    # "Restart": new services and scheduler on the same database, same chat.
    restarted = Core(
        db=core.db,
        clock=clock,
        settings=core.settings,
        catalog=core.catalog,
        scheduler=Scheduler(core.db, clock, core.settings.scheduler),
        chat=core.chat,
    )
    again = await build_world(restarted, clock)
    after = await again.sessions.get(session_id)
    assert after is not None
    assert (after.step_index, after.current_speaker, after.turn_index) == (1, CAROL, 1)
    await again.advance(timedelta(minutes=13))  # "nearly up" 2 minutes before the end
    await again.advance(timedelta(minutes=3))
    assert [c.phase for c in world.chat.cards(TimeNotice)] == ["nearly", "over"]
    await again.sessions.end_turn(member(CAROL), session_id, 1, 1, "spoke")
    assert len(world.chat.cards(RoundComplete)) == 1


async def test_a_refused_channel_starts_nothing_and_no_thread_stays_in_channel(
    world: World,
) -> None:
    world.chat.lost_channels.add(ROOM)
    with pytest.raises(UserError) as caught:
        await world.start_session("plc")
    assert caught.value.key == "facilitation.session.cannot_post"
    assert await world.sessions.live(GUILD) is None
    world.chat.lost_channels.clear()
    await world.core.chat.resume(GUILD, [ROOM])  # an admin gave the channel back
    world.chat.no_threads = True
    started = await world.start_session("plc")
    assert started.session.thread_id == ROOM
    session_posts = [
        s for s in world.chat.sent if getattr(s.card, "key", None) != "delivery.channel_lost"
    ]
    assert all(s.target == Channel(GUILD, ROOM) for s in session_posts)


async def test_practice_log_lists_summaries_newest_first(world: World) -> None:
    await start_codev(world)
    await world.records.add_entry(member(BOB), "decision", "Décision [un](http://x)")
    await world.records.add_action(member(BOB), "Appeler la famille", due="2026-12-10")
    await world.sessions.end(facilitator(ALICE))
    await world.advance(timedelta(days=7))
    await world.start_session("exchange")
    await world.sessions.end(facilitator(ALICE))
    world.chat.members.update({u: f"user{u}" for u in (ALICE, BOB, CAROL, DAVE)})
    text = await world.practices.export(member(DAVE))
    assert text is not None and text.startswith("# Practice log")
    exchange, codev = text.index("Practice exchange"), text.index("Co-development")
    assert exchange < codev
    # Its dates in words, as the summary in the chat says them (they were ISO, 2026-11-30).
    assert "## 30 November 2026 — Practice exchange" in text
    assert "## 23 November 2026 — Co-development" in text
    assert "Décision \\[un\\](http://x) — user12" in text  # no link: its brackets are escaped
    assert "Appeler la famille — user12 (due 10 December 2026)" in text
    assert "⏭️ 1. The client's account (not reached)" in text


async def test_the_practice_log_names_members_never_mentions_them(world: World) -> None:
    """A file, not a chat message: each member by the name the platform knows, or as a
    member by number when it knows none."""
    await start_codev(world)
    await world.records.add_action(member(BOB), "Appeler la famille")
    await world.sessions.end(facilitator(ALICE))
    world.chat.members.update({ALICE: "Alice Martin", BOB: "Bob Nguyen"})
    text = await world.practices.export(member(DAVE))
    assert text is not None and "<@" not in text
    assert "Facilitator: Alice Martin" in text and "Client: Bob Nguyen" in text
    assert "Participants: Alice Martin, Bob Nguyen, member 13" in text  # Carol is unknown


async def test_export_and_delete_cover_sessions_and_actions(world: World) -> None:
    """A member's turns, notes and actions; erased from summaries."""
    session_id = await start_codev(world)
    await world.sessions.next_step(facilitator(ALICE), session_id)
    await world.sessions.next_step(facilitator(ALICE), session_id)
    await world.sessions.end_turn(member(ALICE), session_id, 1, 0, "spoke")
    await world.records.add_entry(member(CAROL), "note", "Une note de Carol")
    await world.records.add_action(member(CAROL), "Action de Carol", due="2026-12-10")
    await world.sessions.end(facilitator(ALICE))
    exported = await world.members.export(GUILD, CAROL)
    assert [n["text"] for n in exported["sessions"]["notes_and_decisions"]] == ["Une note de Carol"]
    assert [a["text"] for a in exported["actions"]["actions"]] == ["Action de Carol"]
    assert exported["sessions"]["sessions_joined"][0]["session_id"] == session_id
    await world.members.delete(GUILD, CAROL)
    async with world.core.db.read() as conn:
        session = await sessions_db.get(conn, session_id)
        joined = await (
            await conn.execute(
                "SELECT COUNT(*) FROM session_participants WHERE user_id = ?", (CAROL,)
            )
        ).fetchone()
        actions = await (await conn.execute("SELECT COUNT(*) FROM action_items")).fetchone()
        turns_left = await (
            await conn.execute("SELECT COUNT(*) FROM session_turns WHERE user_id = ?", (CAROL,))
        ).fetchone()
    assert session is not None and session.summary is not None
    summary = session.summary
    assert CAROL not in summary["participants"]
    assert CAROL not in [t["user_id"] for t in summary["turns"]]
    assert CAROL not in [a["owner_id"] for a in summary["actions"]]
    assert CAROL not in session.round_order and joined[0] == 0
    assert session.summary["notes"][0]["author_id"] is None  # the note stays, unsigned
    assert (actions[0], turns_left[0]) == (0, 0)
