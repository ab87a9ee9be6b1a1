"""A facilitator who goes hands their dates on: erasing their data, leaving the rotation
or leaving the server, the date goes to the next volunteer (asked as usual), the
announcement names them, and nobody is left with "nobody available" while volunteers
remain. A date nobody can take is told to the facilitators; ``/rotation set-next`` then
gives it to the member named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.chat import MemberRef
from bot.services.facilitation.rotation.cards import RotationNotice
from bot.services.meetings.cards import MeetingAnnouncement
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, BOB, CAROL, DAVE, GUILD
from tests.services.test_rotation import (
    WEEKS,
    free_without_being_told,
    next_in_status,
    offers_to,
    volunteers,
)

Departure = Callable[[World, int], Awaitable[object]]


async def erase(world: World, user_id: int) -> None:
    await world.members.delete(GUILD, user_id)


async def leave_rotation(world: World, user_id: int) -> None:
    await world.rotation.leave(member(user_id))


async def leave_server(world: World, user_id: int) -> None:
    await world.members.member_left(GUILD, user_id)


def announced_facilitator(world: World, occurrence_id: int) -> int | None:
    """Who the announcement names now (its latest drawing)."""
    drawn = [
        card
        for _, card in world.chat.edits
        if isinstance(card, MeetingAnnouncement) and card.occurrence_id == occurrence_id
    ]
    if drawn:
        return drawn[-1].facilitator_id
    [posted] = [
        c for c in world.chat.cards(MeetingAnnouncement) if c.occurrence_id == occurrence_id
    ]
    return posted.facilitator_id


@pytest.mark.parametrize("departure", [erase, leave_rotation, leave_server])
async def test_the_assignee_going_hands_the_date_to_the_next_volunteer(
    world: World, departure: Departure
) -> None:
    await volunteers(world, ALICE, BOB, CAROL, DAVE)
    first = await world.schedule(WEEKS[0])
    second = await world.schedule(WEEKS[1])
    await world.run_due()
    assert first.facilitator_id == ALICE
    assert second.facilitator_id == BOB
    await world.rotation.accept(member(ALICE), first.occurrence.id)

    await departure(world, ALICE)
    await world.run_due()

    assignment = await world.rotation.assignment(first.occurrence.id)
    assert assignment is not None
    assert (assignment.user_id, assignment.status) == (CAROL, "offered")
    assert announced_facilitator(world, first.occurrence.id) == CAROL
    assert [o.occurrence_id for o in offers_to(world, CAROL)] == [first.occurrence.id]
    unchanged = await world.rotation.assignment(second.occurrence.id)
    assert unchanged is not None and unchanged.user_id == BOB
    assert world.chat.cards(RotationNotice) == []
    offered = ("facilitation.status.next_offered", MemberRef(user_id=CAROL))
    assert await next_in_status(world) == offered


async def test_a_date_nobody_else_can_take_is_told_and_set_next_fills_it(world: World) -> None:
    await volunteers(world, ALICE)
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    await world.members.delete(GUILD, ALICE)
    await world.run_due()
    [notice] = world.chat.cards(RotationNotice)
    assert notice.reason == "vacated" and notice.user_id is None  # the erased are not named
    assert announced_facilitator(world, upcoming.occurrence.id) is None
    assert (await next_in_status(world))[0] == "facilitation.status.nobody"

    # Dave joins while away, then is free again without the bot giving the date out
    # (joining, or coming back, would give it to him at once:
    # tests/services/test_rotation_join.py).
    await world.members.set_away(GUILD, DAVE, "2026-12-31", "en")
    await volunteers(world, DAVE)
    await free_without_being_told(world, DAVE)
    await world.rotation.set_next(facilitator(BOB), DAVE)
    await world.run_due()
    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert assignment is not None and (assignment.user_id, assignment.status) == (DAVE, "offered")
    assert announced_facilitator(world, upcoming.occurrence.id) == DAVE
    assert [o.occurrence_id for o in offers_to(world, DAVE)] == [upcoming.occurrence.id]
    view = await world.rotation.show(member(DAVE))
    assert [(e.user_id, e.next_up) for e in view.line] == [(DAVE, False)]  # turn taken
