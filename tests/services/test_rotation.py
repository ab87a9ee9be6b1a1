"""RotationService against a real SQLite file: fair round-robin, away and departed members
skipped, decliners first next time, one assignment per date, notices instead of
silence, the offer by DM or in the channel, the 24-hour deadline, personal data."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from bot.chat import Channel, DirectMessage, MemberRef
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.facilitation import rotation as rotation_db
from bot.errors import NotFacilitator, UserError
from bot.services.facilitation.rotation.cards import FacilitatorOffer, RotationNotice
from bot.services.facilitation.rotation.models import NOTICE_KIND, notice_key
from bot.services.facilitation.rotation.service import RotationService
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, ANNOUNCEMENTS, BOB, CAROL, DAVE, GUILD, MODERATION
from tests.services.status import status_lines

WEEKS = ["2026-12-03 15:30", "2026-12-10 15:30", "2026-12-17 15:30"]


async def volunteers(world: World, *user_ids: int) -> None:
    for user_id in user_ids:
        assert await world.rotation.join(member(user_id)) is True


async def assigned(world: World, when: str) -> int | None:
    upcoming = await world.schedule(when)
    await world.run_due()
    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert upcoming.facilitator_id == (assignment.user_id if assignment else None)
    return assignment.user_id if assignment else None


async def free_without_being_told(world: World, user_id: int) -> None:
    """The member's away period cleared in the database alone, as a bot before this one
    left it: nothing gave out the dates they are now free for (``/rotation set-next``
    still can)."""
    async with world.core.db.transaction() as conn:
        await members_db.set_away_until(conn, GUILD, user_id, None)


def offers_to(world: World, user_id: int) -> list[FacilitatorOffer]:
    return [
        s.card
        for s in world.chat.to(FacilitatorOffer)
        if isinstance(s.target, DirectMessage) and s.target.user_id == user_id
    ]


def notices(world: World) -> list[RotationNotice]:
    return world.chat.cards(RotationNotice)


async def next_in_status(world: World) -> tuple[str, object]:
    """What the status says of the next date: its line's key and the member it names."""
    line = (await status_lines(world.core, world.rotation, GUILD))[0]
    return line.key, line.params.get("user")


async def test_three_volunteers_over_six_meetings_take_turns_fairly(world: World) -> None:
    await volunteers(world, ALICE, BOB, CAROL)
    order = [await assigned(world, f"2026-12-{3 + 7 * i:02d} 15:30") for i in range(4)]
    order += [await assigned(world, f"2027-01-{7 + 7 * i:02d} 15:30") for i in range(2)]
    assert order == [ALICE, BOB, CAROL, ALICE, BOB, CAROL]
    counts = Counter(order)
    assert max(counts.values()) - min(counts.values()) <= 1
    view = await world.rotation.show(member(DAVE))
    assert [(e.user_id, e.times_assigned) for e in view.line] == [
        (ALICE, 2),
        (BOB, 2),
        (CAROL, 2),
    ]
    for user_id in (ALICE, BOB, CAROL):  # one DM per assignment, each with the date's title
        assert len(offers_to(world, user_id)) == 2
    assert notices(world) == []


async def test_an_assignment_runs_once_per_date_whatever_reruns(world: World) -> None:
    """A second run for the same date moves the rotation once."""
    await volunteers(world, ALICE, BOB)
    upcoming = await world.schedule(WEEKS[0])
    for _ in range(2):
        async with world.core.db.transaction() as conn:
            again = await world.rotation.assign(
                conn, GUILD, upcoming.occurrence.id, upcoming.occurrence.starts_at
            )
            assert again is not None and again.user_id == ALICE
    await world.run_due()
    await world.run_due()
    view = await world.rotation.show(member(ALICE))
    assert [e.times_assigned for e in view.line] == [0, 1]  # Bob is next; Alice once
    assert view.next_user_id == BOB
    assert len(offers_to(world, ALICE)) == 1  # the offer timer closed once


async def test_an_away_member_is_skipped_and_keeps_their_place(world: World) -> None:
    await volunteers(world, ALICE, BOB, CAROL)
    await world.members.set_away(GUILD, ALICE, "2026-12-05", "en")
    assert await assigned(world, WEEKS[0]) == BOB  # Alice is away on Dec 3
    assert await assigned(world, WEEKS[1]) == ALICE  # back by Dec 10: still first in line
    assert await assigned(world, WEEKS[2]) == CAROL
    view = await world.rotation.show(member(BOB))
    assert [e.user_id for e in view.line] == [BOB, ALICE, CAROL]  # least recently assigned
    assert {e.user_id: e.away for e in view.line} == {ALICE: True, BOB: False, CAROL: False}


async def test_a_member_who_left_the_server_is_skipped(world: World) -> None:
    await volunteers(world, ALICE, BOB)
    await world.members.member_left(GUILD, ALICE)
    assert await assigned(world, WEEKS[0]) == BOB


async def test_a_decliner_passes_the_date_on_and_is_first_next_time(world: World) -> None:
    await volunteers(world, ALICE, BOB, CAROL)
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    answer = await world.rotation.decline(member(ALICE), upcoming.occurrence.id)
    assert answer.accepted is False and answer.next_user_id == BOB
    await world.run_due()
    assert [o.occurrence_id for o in offers_to(world, BOB)] == [upcoming.occurrence.id]
    found = await world.meetings.upcoming_occurrence(upcoming.occurrence.id)
    assert found is not None and found.facilitator_id == BOB
    accepted = await world.rotation.accept(member(BOB), upcoming.occurrence.id)
    assert accepted.accepted
    with pytest.raises(UserError) as caught:
        await world.rotation.accept(member(ALICE), upcoming.occurrence.id)
    assert caught.value.key == "facilitation.rotation.not_your_offer"
    assert await assigned(world, WEEKS[1]) == ALICE  # the decliner first in line
    assert await assigned(world, WEEKS[2]) == CAROL
    view = await world.rotation.show(member(ALICE))
    assert {e.user_id: e.times_assigned for e in view.line} == {ALICE: 1, BOB: 1, CAROL: 1}


async def test_when_everyone_declines_the_facilitators_are_told(world: World) -> None:
    await volunteers(world, ALICE, BOB)
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    await world.rotation.decline(member(ALICE), upcoming.occurrence.id)
    last = await world.rotation.decline(member(BOB), upcoming.occurrence.id)
    assert last.next_user_id is None
    await world.run_due()
    [notice] = world.chat.to(RotationNotice)
    assert notice.target == Channel(GUILD, MODERATION)
    assert isinstance(notice.card, RotationNotice) and notice.card.reason == "all_declined"
    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert assignment is not None and (assignment.user_id, assignment.status) == (
        None,
        "declined",
    )


async def test_a_community_that_never_volunteered_is_told_nothing(world: World) -> None:
    """A community where nobody ever joined the rotation does not use it: its meetings
    are left unassigned without a notice (one said "has no facilitator" at the first)."""
    for week in WEEKS[:3]:
        assert await assigned(world, week) is None
    assert notices(world) == []


async def test_a_pending_notice_of_an_earlier_version_about_nobody_joined_is_dropped(
    world: World,
) -> None:
    """Earlier versions planned "nobody has joined the rotation yet" at a first meeting;
    one still pending when this version starts is not sent."""
    upcoming = await world.schedule(WEEKS[0])
    async with world.core.db.transaction() as conn:
        await world.core.scheduler.schedule(
            conn,
            GUILD,
            NOTICE_KIND,
            notice_key(upcoming.occurrence.id, "unused", 0),
            world.core.clock.now(),
            {"occurrence_id": upcoming.occurrence.id, "reason": "unused"},
        )
    await world.run_due()
    assert notices(world) == []
    async with world.core.db.read() as conn:
        timer = await timers_db.find(
            conn, NOTICE_KIND, notice_key(upcoming.occurrence.id, "unused", 0)
        )
    assert timer is not None and (timer.status, timer.attempts) == ("done", 0)  # no failure


async def test_an_empty_or_unavailable_rotation_tells_the_facilitators(world: World) -> None:
    """Never a silent stall: what the rotation cannot settle is told."""
    assert await assigned(world, WEEKS[0]) is None  # nobody ever volunteered: not told
    assert notices(world) == []
    # Away before joining: joining gives her no date (the next test's case), so each
    # date below is left to what the rotation can settle when it is announced.
    await world.members.set_away(GUILD, ALICE, "2026-12-31", "en")
    await volunteers(world, ALICE)
    assert await assigned(world, WEEKS[1]) is None
    await world.rotation.leave(member(ALICE))
    assert await assigned(world, WEEKS[2]) is None
    assert [n.reason for n in notices(world)] == ["all_away", "empty"]
    assert all(n.meeting_title == "CAP" for n in notices(world))
    lines = await status_lines(world.core, world.rotation, GUILD)
    assert [line.key for line in lines] == ["facilitation.status.no_assignment"]  # Dec 3
    view = await world.rotation.show(member(BOB))
    assert [(u.user_id, u.status) for u in view.upcoming] == [
        (None, None),
        (None, "none"),
        (None, "none"),
    ]


async def test_a_lost_moderation_channel_tells_the_facilitators_in_the_announcements(
    world: World,
) -> None:
    """Where facilitators read is the chat policy's: the moderation channel, else the
    announcements channel when the first is gone."""
    world.chat.lost_channels.add(MODERATION)
    await volunteers(world, ALICE)
    await world.rotation.leave(member(ALICE))
    assert await assigned(world, WEEKS[0]) is None  # the rotation is empty: told
    told = [s.target for s in world.chat.to(RotationNotice)]
    assert told == [Channel(GUILD, ANNOUNCEMENTS)]


async def test_a_closed_or_declined_dm_asks_in_the_announcements_channel(world: World) -> None:
    """The offer falls back to a mention in the channel, never retried."""
    await volunteers(world, ALICE, BOB)
    world.chat.closed_dms.add(ALICE)
    await world.members.set_dm_reminders(GUILD, BOB, False)
    await assigned(world, WEEKS[0])
    await assigned(world, WEEKS[1])
    in_channel = world.chat.to(FacilitatorOffer)
    assert [(s.target, s.mention) for s in in_channel] == [
        (Channel(GUILD, ANNOUNCEMENTS), (ALICE,)),
        (Channel(GUILD, ANNOUNCEMENTS), (BOB,)),
    ]
    assert all(isinstance(s.card, FacilitatorOffer) and s.card.in_channel for s in in_channel)
    await world.run_due()
    assert len(world.chat.to(FacilitatorOffer)) == 2


async def test_no_answer_24_hours_before_is_reported_then_a_late_yes_too(world: World) -> None:
    await volunteers(world, ALICE)
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    [offer] = offers_to(world, ALICE)
    assert offer.answer_by == upcoming.occurrence.starts_at - timedelta(hours=24)
    await world.clock.set(upcoming.occurrence.starts_at - timedelta(hours=23))
    await world.run_due()
    [notice] = notices(world)
    assert (notice.reason, notice.user_id) == ("unanswered", ALICE)
    assert (await next_in_status(world))[0] == "facilitation.status.next_unanswered"
    await world.rotation.accept(member(ALICE), upcoming.occurrence.id)
    await world.run_due()
    assert [n.reason for n in notices(world)] == ["unanswered", "accepted"]
    accepted = ("facilitation.status.next_accepted", MemberRef(user_id=ALICE))
    assert await next_in_status(world) == accepted


async def test_answers_after_the_date_began_are_refused(world: World) -> None:
    await volunteers(world, ALICE)
    upcoming = await world.schedule(WEEKS[0])
    await world.clock.set(upcoming.occurrence.starts_at + timedelta(minutes=1))
    with pytest.raises(UserError) as caught:
        await world.rotation.decline(member(ALICE), upcoming.occurrence.id)
    assert caught.value.key == "facilitation.rotation.date_over"


async def test_skip_and_set_next_are_for_facilitators(world: World) -> None:
    await volunteers(world, ALICE, BOB, CAROL)
    with pytest.raises(NotFacilitator):
        await world.rotation.skip(member(BOB))
    with pytest.raises(NotFacilitator):
        await world.rotation.set_next(member(BOB), BOB)
    skipped = await world.rotation.skip(facilitator(DAVE))
    assert (skipped.user_id, skipped.view.next_user_id) == (ALICE, BOB)
    chosen = await world.rotation.set_next(facilitator(DAVE), CAROL)
    assert chosen.view.next_user_id == CAROL and chosen.user_id == CAROL
    with pytest.raises(UserError) as caught:
        await world.rotation.set_next(facilitator(DAVE), DAVE)
    assert caught.value.key == "facilitation.rotation.not_volunteer"
    assert await assigned(world, WEEKS[0]) == CAROL
    assert await assigned(world, WEEKS[1]) == BOB
    assert await assigned(world, WEEKS[2]) == ALICE  # skipped once, not counted


async def test_join_and_leave(world: World) -> None:
    assert await world.rotation.join(member(ALICE)) is True
    assert await world.rotation.join(member(ALICE)) is False
    await world.rotation.leave(member(ALICE))
    with pytest.raises(UserError) as caught:
        await world.rotation.leave(member(ALICE))
    assert caught.value.key == "facilitation.rotation.not_in"
    assert (await world.rotation.show(member(ALICE))).line == ()


async def test_a_failing_assignment_never_loses_the_meeting(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await volunteers(world, ALICE)

    record_assigned = rotation_db.record_assigned

    async def broken(*args: object) -> None:
        await record_assigned(*args)  # type: ignore[arg-type]
        raise RuntimeError("boom")

    monkeypatch.setattr(rotation_db, "record_assigned", broken)
    upcoming = await world.schedule(WEEKS[0])
    assert upcoming.facilitator_id is None
    assert await world.rotation.assignment(upcoming.occurrence.id) is None
    view = await world.rotation.show(member(ALICE))
    assert view.line[0].times_assigned == 0  # the half-done work was rolled back


async def test_export_and_delete_cover_the_rotation(world: World) -> None:
    """A member's rotation data is exported, and erased with them."""
    await volunteers(world, ALICE, BOB)
    upcoming = await world.schedule(WEEKS[0])
    await world.rotation.decline(member(ALICE), upcoming.occurrence.id)
    exported = await world.members.export(GUILD, ALICE)
    rotation = exported["rotation"]
    assert rotation["volunteer"]["user_id"] == ALICE
    assert [d["occurrence_id"] for d in rotation["declined"]] == [upcoming.occurrence.id]
    assert rotation["occurrences_facilitated"] == []  # declined: Bob holds it now
    bob = (await world.members.export(GUILD, BOB))["rotation"]
    assert exported["rotation"] != bob
    assert bob["occurrences_facilitated"] == [
        {"meeting_id": upcoming.meeting.id, "starts_at": upcoming.occurrence.starts_at.isoformat()}
    ]
    await world.members.delete(GUILD, BOB)
    async with world.core.db.read() as conn:
        assert await rotation_db.get_volunteer(conn, GUILD, BOB) is None
        assignment = await rotation_db.get_assignment(conn, upcoming.occurrence.id)
        assert assignment is not None and assignment.user_id is None
        row = await (
            await conn.execute(
                "SELECT COUNT(*) FROM facilitator_declines WHERE user_id = ?", (BOB,)
            )
        ).fetchone()
        assert row[0] == 0
        assert await members_db.get(conn, GUILD, BOB) is None
    erased = (await world.members.export(GUILD, BOB))["rotation"]
    assert erased["occurrences_facilitated"] == []


def test_only_the_rotation_service_owns_its_name() -> None:
    assert RotationService.name == "rotation"
    assert date(2026, 12, 3).isoformat() == WEEKS[0][:10]


async def test_the_retention_purge_erases_a_member_gone_30_days(world: World) -> None:
    """A member gone for 30 days loses their rotation slot, like /me delete."""
    from bot.services.community import RetentionService

    await volunteers(world, ALICE, BOB)
    await world.members.member_left(GUILD, ALICE)
    await world.clock.advance(timedelta(days=31))
    removed = await world.services.get(RetentionService).purge()
    assert removed["members gone 30 days"] == 1
    view = await world.rotation.show(member(BOB))
    assert [e.user_id for e in view.line] == [BOB]
