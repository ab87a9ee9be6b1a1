"""SessionService against a real SQLite file and a moved clock: a full codéveloppement
session, the review at the next one, concurrency, timers, resume after a restart, and
every bad input of issue 10 refused with nothing half-written."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from bot.chat import Channel
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.sessions import Snapshot
from bot.errors import UserError
from bot.protocols import Protocol, load_builtin
from bot.services.facilitation.sessions.cards import (
    ActionPosted,
    ActionReview,
    EntryPosted,
    OpeningControl,
    ReviewAnswered,
    RoundComplete,
    SessionEnded,
    SessionOpened,
    SessionOverview,
    StepExtended,
    StepStarted,
    TimeNotice,
    TurnPrompt,
)
from bot.services.facilitation.sessions.service import SessionService
from bot.services.facilitation.sessions.state import NEARLY_KIND, TIME_UP_KIND, protocol_of
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, BOB, CAROL, DAVE, ERIN, GUILD, ROOM


async def start_codev(world: World) -> int:
    started = await world.start_session("codev", client_id=BOB)
    assert started.protocol_name == "Co-development"
    await world.sessions.join(member(CAROL), started.session.id)
    return started.session.id


def turns(world: World) -> list[tuple[int, int, int]]:
    return [(c.step_index, c.turn_index, c.user_id) for c in world.chat.cards(TurnPrompt)]


async def pending(world: World, kind: str) -> list[str]:
    async with world.core.db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT key FROM timers WHERE kind = ? AND status = 'pending' ORDER BY key",
                (kind,),
            )
        ).fetchall()
    return [row[0] for row in rows]


async def test_a_full_codeveloppement_session(world: World) -> None:
    session_id = await start_codev(world)
    [opened] = world.chat.to(SessionOpened)
    assert opened.target == Channel(GUILD, ROOM)
    session = await world.sessions.get(session_id)
    assert session is not None and session.thread_id not in (None, ROOM)
    thread = Channel(GUILD, session.thread_id)  # type: ignore[arg-type]
    [overview] = world.chat.to(SessionOverview)
    assert overview.target == thread
    assert isinstance(overview.card, SessionOverview) and len(overview.card.steps) == 6
    assert world.chat.cards(ActionReview) == []  # nothing to review the first time
    assert len(world.chat.cards(OpeningControl)) == 1

    # Step 1, the client's account: the client is mentioned, nobody else.
    await world.sessions.next_step(facilitator(ALICE), session_id, expected_step=-1)
    step1 = world.chat.to(StepStarted)[-1]
    assert step1.mention == (BOB,)
    assert isinstance(step1.card, StepStarted) and step1.card.title == "The client's account"

    # Step 2, a round of the consultants only (not the client), least spoken first.
    await world.sessions.next_step(facilitator(ALICE), session_id, expected_step=0)
    assert turns(world) == [(1, 0, ALICE)]
    prompt = world.chat.to(TurnPrompt)[-1]
    assert prompt.mention == (ALICE,)  # one message per turn, mentioning only the speaker
    with pytest.raises(UserError) as caught:  # the client is not the speaker
        await world.sessions.end_turn(member(BOB), session_id, 1, 0, "passed")
    assert caught.value.key == "facilitation.session.not_your_turn_pass"
    with pytest.raises(UserError) as caught:
        await world.sessions.end_turn(member(CAROL), session_id, 1, 0, "spoke")
    assert caught.value.key == "facilitation.session.not_your_turn_done"
    await world.sessions.end_turn(member(ALICE), session_id, 1, 0, "spoke")
    assert turns(world) == [(1, 0, ALICE), (1, 1, CAROL)]
    with pytest.raises(UserError) as caught:  # a stale Done from the turn before
        await world.sessions.end_turn(member(ALICE), session_id, 1, 0, "spoke")
    assert caught.value.key == "facilitation.session.turn_over"
    await world.sessions.end_turn(member(CAROL), session_id, 1, 1, "passed")
    [complete] = world.chat.cards(RoundComplete)
    assert complete.step_index == 1 and not complete.is_last

    # Timers: nearly up at 13 minutes, over at 15; +2 min moves the end.
    await world.advance(timedelta(minutes=13))
    assert [(c.phase, c.step_index) for c in world.chat.cards(TimeNotice)] == [("nearly", 1)]
    await world.sessions.extend(facilitator(ALICE), session_id, expected_step=1)
    [extended] = world.chat.cards(StepExtended)
    assert extended.extra_minutes == 2
    await world.advance(timedelta(minutes=2))  # 15 min: the old "over" was re-planned
    assert [c.phase for c in world.chat.cards(TimeNotice)] == ["nearly", "nearly"]
    await world.advance(timedelta(minutes=2))
    assert [c.phase for c in world.chat.cards(TimeNotice)] == ["nearly", "nearly", "over"]
    assert all(s.target == thread for s in world.chat.to(TimeNotice))

    # Notes, a decision and two actions, from participants.
    await world.records.add_entry(member(CAROL), "note", "Le contexte : une classe de 6e")
    await world.records.add_entry(member(BOB), "decision", "Essayer le tutorat par les pairs")
    first = await world.records.add_action(
        member(BOB), "Rencontrer l'orthopédagogue", due="2026-12-10"
    )
    second = await world.records.add_action(
        facilitator(ALICE), "Partager la grille", owner_id=CAROL, due="Dec 17"
    )
    assert (first.owner_id, str(first.due_on)) == (BOB, "2026-12-10")
    assert (second.owner_id, str(second.due_on)) == (CAROL, "2026-12-17")
    assert len(world.chat.cards(EntryPosted)) == 2 and len(world.chat.cards(ActionPosted)) == 2

    # Steps 3 to 6; the last round includes the client.
    for expected in (1, 2):
        await world.sessions.next_step(facilitator(ALICE), session_id, expected_step=expected)
    # The consultation round: Carol passed before, so she has spoken least and opens it.
    assert turns(world)[-1] == (3, 0, CAROL)
    await world.sessions.end_turn(member(CAROL), session_id, 3, 0, "spoke")
    assert turns(world)[-1] == (3, 1, ALICE)
    for expected in (3, 4):  # Next while Alice speaks: her turn counts as spoken
        await world.sessions.next_step(facilitator(ALICE), session_id, expected_step=expected)
    assert turns(world)[-1] == (5, 0, BOB)  # the client has spoken least
    last = world.chat.cards(StepStarted)[-1]
    assert last.is_last and last.round_size == 3
    with pytest.raises(UserError) as caught:
        await world.sessions.next_step(facilitator(ALICE), session_id)
    assert caught.value.key == "facilitation.session.last_step"

    summary = (await world.sessions.end(facilitator(ALICE))).summary
    assert [s.number for s in summary.covered] == [1, 2, 3, 4, 5, 6]
    assert summary.not_reached == ()
    assert [n.text for n in summary.notes] == ["Le contexte : une classe de 6e"]
    assert [(d.text, d.author_id) for d in summary.decisions] == [
        ("Essayer le tutorat par les pairs", BOB)
    ]
    assert [(a.owner_id, str(a.due_on)) for a in summary.actions] == [
        (BOB, "2026-12-10"),
        (CAROL, "2026-12-17"),
    ]
    spoken = {t.user_id: (t.spoke, t.passed) for t in summary.turns}
    # Alice: Done in round 2, moved on by Next in round 4; Carol: passed, then Done;
    # Bob (the client) had the floor in no round before the last, and End cut his turn
    # short there: a turn not taken.
    assert spoken == {ALICE: (2, 0), BOB: (0, 0), CAROL: (1, 1)}
    [ended] = world.chat.to(SessionEnded)
    assert ended.target == thread
    assert await pending(world, NEARLY_KIND) == [] and await pending(world, TIME_UP_KIND) == []
    stored = await world.sessions.get(session_id)
    assert stored is not None and stored.status == "ended" and stored.summary is not None


async def test_moving_on_mid_turn_prompts_nobody_else(world: World) -> None:
    """Next while someone speaks: their turn counts; End: it does not. No stray prompt
    follows either."""
    started = await world.start_session("exchange")
    await world.sessions.join(member(BOB), started.session.id)
    await world.sessions.next_step(facilitator(ALICE))
    assert turns(world) == [(0, 0, ALICE)]
    await world.sessions.next_step(facilitator(ALICE))  # mid-round: Bob never prompted
    await world.sessions.next_step(facilitator(ALICE))  # the advice round
    assert turns(world) == [(0, 0, ALICE), (2, 0, BOB)]
    summary = (await world.sessions.end(facilitator(ALICE))).summary
    await world.advance(timedelta(minutes=1))
    assert turns(world) == [(0, 0, ALICE), (2, 0, BOB)]
    assert {t.user_id: t.spoke for t in summary.turns} == {ALICE: 1, BOB: 0}


async def test_ending_early_keeps_the_unreached_steps(world: World) -> None:
    session_id = await start_codev(world)
    await world.sessions.next_step(facilitator(ALICE), session_id)
    summary = (await world.sessions.end(facilitator(ALICE), session_id)).summary
    assert [s.number for s in summary.covered] == [1]
    assert [s.number for s in summary.not_reached] == [2, 3, 4, 5, 6]
    with pytest.raises(UserError) as caught:
        await world.sessions.next_step(facilitator(ALICE))
    assert caught.value.key == "facilitation.session.none_live"


async def test_the_next_session_reviews_open_actions(world: World) -> None:
    await start_codev(world)
    one = await world.records.add_action(member(BOB), "Observer une classe")
    two = await world.records.add_action(member(CAROL), "Lire l'article")
    await world.sessions.end(facilitator(ALICE))
    started = await world.start_session("plc")
    [review] = world.chat.cards(ActionReview)
    assert [i.action_id for i in review.items] == [one.id, two.id]
    assert world.chat.cards(OpeningControl)[-1].reviewed_actions == 2
    sid = started.session.id
    with pytest.raises(UserError) as caught:  # not theirs, and not steering
        await world.records.review_action(member(CAROL), sid, one.id, "done")
    assert caught.value.key == "facilitation.errors.not_your_action"
    done = await world.records.review_action(member(BOB), sid, one.id, "done")
    carried = await world.records.review_action(facilitator(ALICE), sid, two.id, "carried")
    assert (done.status, carried.status, carried.carried_count) == ("done", "carried", 1)
    with pytest.raises(UserError) as caught:
        await world.records.review_action(facilitator(ALICE), sid, two.id, "carried")
    assert caught.value.key == "facilitation.errors.action_already_carried"
    assert [c.outcome for c in world.chat.cards(ReviewAnswered)] == ["done", "carried"]
    mine = await world.actions.listing(member(CAROL), "mine")
    assert [a.id for a in mine.items] == [two.id]
    finished = await world.actions.mark_done(member(CAROL), two.id)
    assert finished.status == "done"
    assert (await world.actions.listing(member(CAROL), "all")).items == ()


async def test_two_nexts_at_the_same_moment_move_one_step(world: World) -> None:
    session_id = await start_codev(world)
    results = await asyncio.gather(
        world.sessions.next_step(facilitator(ALICE), session_id, expected_step=-1),
        world.sessions.next_step(facilitator(DAVE), session_id, expected_step=-1),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, UserError)]
    assert len(refused) == 1 and refused[0].key == "facilitation.session.already_moved"
    session = await world.sessions.get(session_id)
    assert session is not None and session.step_index == 0
    assert len(world.chat.cards(StepStarted)) == 1  # nothing posted twice


async def test_bad_input_is_refused_and_nothing_is_half_written(world: World) -> None:
    async def refused(coro: object) -> str:
        with pytest.raises(UserError) as caught:
            await coro  # type: ignore[misc]
        return caught.value.key

    assert await refused(world.sessions.next_step(facilitator(ALICE))) == (
        "facilitation.session.none_live"
    )
    assert await refused(world.records.add_entry(member(BOB), "note", "x")) == (
        "facilitation.session.none_live"
    )
    assert await refused(world.start_session("plc", by=member(BOB))) == (
        "facilitation.session.not_allowed_no_meeting"  # no meeting he could be assigned to
    )
    assert await refused(world.start_session("debate")) == ("facilitation.session.unknown_protocol")
    # A protocol's name, in either language, names it too (Teams suggests nothing).
    assert world.sessions.protocols.require("Échange de pratiques").id == "exchange"
    assert world.sessions.protocols.require(" practice EXCHANGE ").id == "exchange"
    codev = world.start_session("codev")
    assert await refused(codev) == "facilitation.session.client_needed"
    session_id = await start_codev(world)
    assert await refused(world.start_session(by=facilitator(DAVE))) == (
        "facilitation.session.already_live"
    )
    assert await refused(world.records.add_entry(member(DAVE), "note", "x")) == (
        "facilitation.session.join_first"
    )
    assert await refused(world.records.add_entry(member(CAROL), "note", "   ")) == (
        "facilitation.errors.note_empty"
    )
    assert await refused(world.records.add_entry(member(CAROL), "decision", "x" * 1001)) == (
        "facilitation.errors.decision_too_long"
    )
    world.chat.members.update({CAROL: "Carol", BOB: "Bob"})  # the platform knows no Dave
    assert await refused(world.records.add_action(member(CAROL), "x", owner_id=DAVE)) == (
        "facilitation.errors.owner_left"
    )
    await world.members.member_left(GUILD, BOB)
    assert await refused(world.records.add_action(member(CAROL), "x", owner_id=BOB)) == (
        "facilitation.errors.owner_left"
    )
    assert await refused(world.records.add_action(member(CAROL), "x", due="2026-11-01")) == (
        "errors.date_past"
    )
    assert await refused(world.records.add_action(member(CAROL), "x", due="2028-01-01")) == (
        "errors.date_too_far"
    )
    assert await refused(world.records.add_action(member(CAROL), "x", due="Feb 30")) == (
        "errors.date_impossible"
    )
    assert await refused(world.sessions.next_step(member(CAROL), session_id)) == (
        "facilitation.session.not_steering"
    )
    assert await refused(world.sessions.extend(facilitator(), session_id)) == (
        "facilitation.session.no_step"
    )
    async with world.core.db.read() as conn:
        count = await (await conn.execute("SELECT COUNT(*) FROM action_items")).fetchone()
        entries = await (await conn.execute("SELECT COUNT(*) FROM session_entries")).fetchone()
        live = await (await conn.execute("SELECT COUNT(*) FROM sessions")).fetchone()
    assert (count[0], entries[0], live[0]) == (0, 0, 1)


async def test_the_assigned_facilitator_may_start_and_steer(world: World) -> None:
    await world.rotation.join(member(DAVE))
    upcoming = await world.schedule("2026-11-23 15:30", title="Rencontre")  # in 6.5 hours
    assert upcoming.facilitator_id == DAVE
    started = await world.start_session("exchange", by=member(DAVE))
    assert started.session.occurrence_id == upcoming.occurrence.id
    assert started.session.meeting_title == "Rencontre"
    await world.sessions.next_step(member(DAVE))
    summary = (await world.sessions.end(member(DAVE))).summary
    assert summary.meeting_title == "Rencontre" and summary.facilitator_id == DAVE
    ended = await world.sessions.get(started.session.id)  # the session keeps its date
    assert ended is not None and ended.occurrence_id == upcoming.occurrence.id
    assert ended.status == "ended"


async def test_rsvp_going_members_take_part_and_order_favours_who_spoke_least(
    world: World,
) -> None:
    upcoming = await world.schedule("2026-11-23 15:30")
    for user_id in (BOB, CAROL, DAVE):
        await world.meetings.rsvp(member(user_id), upcoming.occurrence.id, "going")
    first = await world.start_session("checkin-round")
    await world.sessions.next_step(facilitator(ALICE))
    assert [t[2] for t in turns(world)] == [ALICE]
    for turn, speaker in enumerate((ALICE, BOB, CAROL)):
        await world.sessions.end_turn(member(speaker), first.session.id, 0, turn, "spoke")
    await world.sessions.end_turn(member(DAVE), first.session.id, 0, 3, "passed")  # Dave passes
    await world.sessions.end(facilitator(ALICE))
    second = await world.start_session("checkin-round")
    await world.sessions.next_step(facilitator(ALICE))
    session = await world.sessions.get(second.session.id)
    assert session is not None and session.round_order[0] == DAVE
    assert session.round_order[1:] == (BOB, CAROL, ALICE)  # equals rotate: Bob opens now


async def test_a_late_joiner_gets_a_turn_at_the_end_of_the_round(world: World) -> None:
    started = await world.start_session("checkin-round")
    sid = started.session.id
    await world.sessions.next_step(facilitator(ALICE))
    await world.sessions.end_turn(member(ALICE), sid, 0, 0, "spoke")  # round complete
    assert len(world.chat.cards(RoundComplete)) == 1
    assert await world.sessions.join(member(ERIN), sid) is True
    assert await world.sessions.join(member(ERIN), sid) is False
    assert turns(world)[-1] == (0, 1, ERIN)


def test_the_service_has_its_name() -> None:
    assert SessionService.name == "sessions"


async def test_a_late_nearly_up_never_contradicts_the_clock(world: World) -> None:
    """The bot woke after the step's end (late wake-up, restart): "nearly up" would say
    "ends 1 minute ago"; only "time is over" is posted."""
    session_id = await start_codev(world)
    await world.sessions.next_step(facilitator(ALICE), session_id, expected_step=-1)
    # The 15-minute step: "nearly up" due at 13 min, within its grace at 16 min.
    await world.clock.advance(timedelta(minutes=16))
    await world.run_due()
    notices = world.chat.cards(TimeNotice)
    assert [c.phase for c in notices] == ["over"]
    assert all(c.ends_at <= world.clock.now() for c in notices)
    assert await pending(world, NEARLY_KIND) == []


async def test_a_turn_cut_short_by_end_is_not_counted(world: World) -> None:
    """``/session end`` while someone has the floor: that turn was never taken, neither in
    the summary nor in who speaks first next time."""
    first = await world.start_session("checkin-round")
    await world.sessions.join(member(BOB), first.session.id)
    await world.sessions.next_step(facilitator(ALICE))
    assert turns(world) == [(0, 0, ALICE)]
    await world.sessions.end_turn(member(ALICE), first.session.id, 0, 0, "spoke")
    assert turns(world)[-1] == (0, 1, BOB)
    summary = (await world.sessions.end(facilitator(ALICE))).summary  # Bob is still speaking
    assert {t.user_id: (t.spoke, t.passed) for t in summary.turns} == {
        ALICE: (1, 0),
        BOB: (0, 0),
    }
    second = await world.start_session("checkin-round")
    await world.sessions.join(member(BOB), second.session.id)
    await world.sessions.next_step(facilitator(ALICE))
    session = await world.sessions.get(second.session.id)
    assert session is not None and session.round_order == (BOB, ALICE)  # Bob spoke least


async def test_a_sessions_protocol_is_decoded_and_validated_once_for_all_its_turns(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live session reads its row, and its protocol's snapshot (~4 KB of JSON), at
    every turn: it was decoded and validated each time (0.1-0.2 ms of a turn's ~1 ms
    write); now once per stored snapshot, which never changes once written."""
    started = await world.start_session("exchange")
    sid = started.session.id
    for user in (BOB, CAROL, DAVE):
        await world.sessions.join(member(user), sid)
    await world.sessions.next_step(facilitator(ALICE))
    validated: list[object] = []
    validate = Protocol.model_validate

    def counted(snapshot: object) -> Protocol:
        validated.append(snapshot)
        return validate(snapshot)

    monkeypatch.setattr(Protocol, "model_validate", counted)
    for index in range(4):
        session = await world.sessions.live(GUILD)
        assert session is not None and session.current_speaker is not None
        await world.sessions.end_turn(member(session.current_speaker), sid, 0, index, "spoke")
    assert len(turns(world)) >= 4
    assert len(validated) <= 1
    async with world.core.db.read() as conn:
        first, again = await sessions_db.get(conn, sid), await sessions_db.get(conn, sid)
    assert first is not None and again is not None and first is not again
    assert first.protocol is again.protocol  # decoded once, shared
    assert protocol_of(first.protocol) is protocol_of(again.protocol)


def test_each_snapshot_keeps_its_own_protocol() -> None:
    """A snapshot read from the database keeps what it validated to; another snapshot is
    never answered with it, and a plain dict (not read from the database) keeps nothing."""
    plc, codev = (
        Snapshot(json.loads(json.dumps(p.model_dump(mode="json"))))
        for p in load_builtin()
        if p.id in ("plc", "codev")
    )
    assert protocol_of(plc).id == "plc" and protocol_of(codev).id == "codev"
    assert plc.validated is protocol_of(plc) and codev.validated is protocol_of(codev)
    again = dict(plc)  # equal, not read from the database: validated anew, to the same
    assert protocol_of(again) == protocol_of(plc) and protocol_of(again) is not plc.validated
