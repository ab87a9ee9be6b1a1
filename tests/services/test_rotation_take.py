"""A date nobody holds taken at once: the notice's "I'll facilitate it" (a facilitator, or a
volunteer free that day, a decliner who changed their mind included) and ``/rotation
assign`` (a facilitator names someone). Stored as accepted, audited, counted once held;
the one whose offer is withdrawn is told; every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.chat import DirectMessage, MemberRef
from bot.db import audit
from bot.errors import NotFacilitator, UserError
from bot.services.facilitation.rotation.cards import (
    TAKE,
    RotationNotice,
    RotationTold,
    rotation_panel,
)
from bot.services.meetings import UpcomingMeeting
from tests.markup import rendered_plainly
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, BOB, CAROL, DAVE, ERIN, GUILD

WHEN = "2026-12-03 15:30"


async def volunteers(world: World, *user_ids: int) -> None:
    for user_id in user_ids:
        assert await world.rotation.join(member(user_id)) is True


async def all_declined(world: World) -> UpcomingMeeting:
    """Bob and Carol in the rotation, both declined the date: the facilitators told."""
    await volunteers(world, BOB, CAROL)
    upcoming = await world.schedule(WHEN)
    await world.run_due()
    for user_id in (BOB, CAROL):
        await world.rotation.decline(member(user_id), upcoming.occurrence.id)
    await world.run_due()
    return upcoming


async def refused(key: str, call: object) -> UserError:
    with pytest.raises(UserError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.key == f"facilitation.rotation.{key}"
    return caught.value


def told(world: World, user_id: int) -> list[RotationTold]:
    return [
        s.card
        for s in world.chat.to(RotationTold)
        if isinstance(s.target, DirectMessage)
        and s.target.user_id == user_id
        and isinstance(s.card, RotationTold)
    ]


async def test_the_notice_of_a_date_everyone_declined_carries_the_button(world: World) -> None:
    upcoming = await all_declined(world)
    [notice] = world.chat.cards(RotationNotice)
    assert notice.reason == "all_declined" and notice.occurrence_id == upcoming.occurrence.id
    [[button]] = notice.layout().rows
    assert button.action == TAKE.build(occurrence=upcoming.occurrence.id)


async def test_a_facilitator_takes_the_date_and_a_second_click_is_refused(world: World) -> None:
    upcoming = await all_declined(world)
    occurrence = upcoming.occurrence.id
    taken = await world.rotation.take(facilitator(ALICE), occurrence)
    assert (taken.user_id, taken.previous_user_id) == (ALICE, None)
    assignment = await world.rotation.assignment(occurrence)
    assert assignment is not None and (assignment.user_id, assignment.status) == (
        ALICE,
        "accepted",
    )
    found = await world.meetings.upcoming_occurrence(occurrence)
    assert found is not None and found.facilitator_id == ALICE  # the announcement names her
    async with world.core.db.read() as conn:
        [entry] = [e for e in await audit.recent(conn, GUILD) if e.action == "rotation.take"]
    assert entry.actor_id == ALICE and entry.detail["facilitator"] == ALICE
    again = await refused("already_taken", world.rotation.take(member(BOB), occurrence))
    assert again.params["user"] == MemberRef(user_id=ALICE)
    await refused("already_yours", world.rotation.take(facilitator(ALICE), occurrence))
    still = await world.rotation.assignment(occurrence)
    assert still == assignment  # nothing changed


async def test_a_decliner_who_changed_their_mind_takes_it_and_it_counts_once_held(
    world: World,
) -> None:
    upcoming = await all_declined(world)
    taken = await world.rotation.take(member(BOB), upcoming.occurrence.id)
    assert taken.user_id == BOB
    view = await world.rotation.show(member(BOB))
    assert {e.user_id: e.first_in_line for e in view.line}[BOB] is False  # he took it
    await world.advance(timedelta(days=30))  # the date took place
    view = await world.rotation.show(member(BOB))
    assert {e.user_id: e.times_facilitated for e in view.line} == {BOB: 1, CAROL: 0}


async def test_members_who_may_not_take_the_date_are_refused(world: World) -> None:
    upcoming = await all_declined(world)
    occurrence = upcoming.occurrence.id
    await refused("take_not_allowed", world.rotation.take(member(DAVE), occurrence))
    await world.members.set_away(GUILD, CAROL, "2026-12-05", "en")
    await refused("take_away", world.rotation.take(member(CAROL), occurrence))
    await refused("unknown_date", world.rotation.take(facilitator(ALICE), occurrence + 99))
    assignment = await world.rotation.assignment(occurrence)
    assert assignment is not None and (assignment.user_id, assignment.status) == (
        None,
        "declined",
    )


async def test_a_past_or_cancelled_date_cannot_be_taken(world: World) -> None:
    past = await all_declined(world)
    await world.clock.set(past.occurrence.starts_at + timedelta(minutes=1))
    await refused("take_over", world.rotation.take(facilitator(ALICE), past.occurrence.id))
    coming = await world.schedule("2026-12-20 15:30", title="Later")
    await world.meetings.cancel(facilitator(ALICE), str(coming.meeting.id), "occurrence")
    await refused("take_over", world.rotation.take(facilitator(ALICE), coming.occurrence.id))


async def test_taking_a_date_asked_of_someone_withdraws_their_offer(world: World) -> None:
    """The "no answer" notice's button: the one asked is told, and gets their turn back."""
    await volunteers(world, BOB, CAROL)
    upcoming = await world.schedule(WHEN)
    await world.run_due()  # Bob is asked
    taken = await world.rotation.take(member(CAROL), upcoming.occurrence.id)
    assert (taken.user_id, taken.previous_user_id) == (CAROL, BOB)
    await world.run_due()
    [withdrawn] = told(world, BOB)
    assert (withdrawn.reason, withdrawn.by_user_id) == ("withdrawn", CAROL)
    view = await world.rotation.show(member(BOB))
    assert {e.user_id: e.first_in_line for e in view.line}[BOB] is True
    # Bob did not decline: the line says why he is first without saying he did.
    [shown] = rendered_plainly([rotation_panel(view).fields[0].value], "en")
    assert "first in line: their last date went to someone else" in shown
    await refused("not_your_offer", world.rotation.accept(member(BOB), upcoming.occurrence.id))


async def test_assign_gives_the_next_date_to_a_member_told_by_dm(world: World) -> None:
    upcoming = await all_declined(world)
    taken = await world.rotation.assign_to(facilitator(ALICE), "CAP", DAVE)
    assert (taken.occurrence_id, taken.user_id) == (upcoming.occurrence.id, DAVE)
    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert assignment is not None and (assignment.user_id, assignment.status) == (
        DAVE,
        "accepted",
    )
    await world.run_due()
    [named] = told(world, DAVE)
    assert (named.reason, named.by_user_id) == ("named", ALICE)
    async with world.core.db.read() as conn:
        actions = [e.action for e in await audit.recent(conn, GUILD)]
    assert "rotation.assign" in actions
    held = await refused("already_taken", world.rotation.assign_to(facilitator(ALICE), "CAP", BOB))
    assert held.params["user"] == MemberRef(user_id=DAVE)


async def test_assign_replaces_an_unanswered_offer_and_tells_both(world: World) -> None:
    await volunteers(world, BOB, CAROL)
    upcoming = await world.schedule(WHEN)
    await world.run_due()  # Bob is asked, says nothing
    taken = await world.rotation.assign_to(facilitator(ALICE), str(upcoming.meeting.id), CAROL)
    assert (taken.user_id, taken.previous_user_id) == (CAROL, BOB)
    await world.run_due()
    assert [t.reason for t in told(world, BOB)] == ["withdrawn"]
    assert [t.reason for t in told(world, CAROL)] == ["named"]


async def test_assign_refusals_change_nothing(world: World) -> None:
    upcoming = await all_declined(world)
    with pytest.raises(NotFacilitator):
        await world.rotation.assign_to(member(BOB), "CAP", BOB)
    await volunteers(world, DAVE)
    await world.members.member_left(GUILD, DAVE)  # gone, as the bot recorded it
    await refused("member_left", world.rotation.assign_to(facilitator(ALICE), "CAP", DAVE))
    world.chat.members = {ALICE: "Alice", BOB: "Bob", CAROL: "Carol"}  # Erin: not there
    await refused("member_left", world.rotation.assign_to(facilitator(ALICE), "CAP", ERIN))
    await world.members.set_away(GUILD, CAROL, "2026-12-05", "en")
    await refused("member_away", world.rotation.assign_to(facilitator(ALICE), "CAP", CAROL))
    with pytest.raises(UserError) as caught:
        await world.rotation.assign_to(facilitator(ALICE), "Nothing like it", BOB)
    assert caught.value.key == "facilitation.session.unknown_meeting"
    await world.clock.set(upcoming.occurrence.starts_at + timedelta(minutes=5))  # under way
    await refused("no_coming_date", world.rotation.assign_to(facilitator(ALICE), "CAP", BOB))
    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert assignment is not None and assignment.user_id is None
