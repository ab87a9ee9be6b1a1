"""Joining the rotation gives the coming dates nobody holds: a meeting announced while
nobody was in the rotation, or one nobody could take then, goes to the first volunteer
free that day, asked as usual, and its announcement names them. A date the new
volunteer cannot take stays as it was, without a second notice."""

from __future__ import annotations

from bot.services.facilitation.rotation.cards import RotationNotice
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, BOB, CAROL, GUILD
from tests.services.test_rotation import (
    WEEKS,
    free_without_being_told,
    next_in_status,
    notices,
    offers_to,
    volunteers,
)
from tests.services.test_rotation_handover import announced_facilitator


async def test_a_date_announced_before_anyone_volunteered_goes_to_the_first_who_joins(
    world: World,
) -> None:
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    assert await world.rotation.assignment(upcoming.occurrence.id) is None
    assert notices(world) == []  # a community not using the rotation is told nothing

    await volunteers(world, ALICE)
    await world.run_due()

    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert assignment is not None
    assert (assignment.user_id, assignment.status, assignment.offers) == (ALICE, "offered", 1)
    assert [o.occurrence_id for o in offers_to(world, ALICE)] == [upcoming.occurrence.id]
    assert announced_facilitator(world, upcoming.occurrence.id) == ALICE
    assert (await next_in_status(world))[0] == "facilitation.status.next_offered"
    view = await world.rotation.show(member(ALICE))
    assert [(u.user_id, u.status) for u in view.upcoming] == [(ALICE, "offered")]
    assert [e.times_assigned for e in view.line] == [1]  # her turn is taken
    assert notices(world) == []  # nothing to tell

    # The next volunteer finds the date held: nothing changes for it.
    await volunteers(world, BOB)
    await world.run_due()
    again = await world.rotation.assignment(upcoming.occurrence.id)
    assert again is not None and (again.user_id, again.offers) == (ALICE, 1)
    assert offers_to(world, BOB) == []


async def test_several_dates_nobody_holds_are_given_in_turn(world: World) -> None:
    first = await world.schedule(WEEKS[0])
    second = await world.schedule(WEEKS[1])
    await world.run_due()
    await volunteers(world, ALICE)
    await world.run_due()
    assert [o.occurrence_id for o in offers_to(world, ALICE)] == [
        first.occurrence.id,
        second.occurrence.id,
    ]
    # She says no to the second: it goes on to whoever joins next.
    await world.rotation.decline(member(ALICE), second.occurrence.id)
    await world.run_due()
    await volunteers(world, BOB)
    await world.run_due()
    assert [o.occurrence_id for o in offers_to(world, BOB)] == [second.occurrence.id]
    held = await world.rotation.assignment(second.occurrence.id)
    assert held is not None and (held.user_id, held.status, held.offers) == (BOB, "offered", 2)
    assert announced_facilitator(world, second.occurrence.id) == BOB


async def test_a_date_nobody_could_take_goes_to_a_new_volunteer_not_to_a_decliner(
    world: World,
) -> None:
    await volunteers(world, ALICE)
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    await world.rotation.decline(member(ALICE), upcoming.occurrence.id)
    await world.run_due()
    assert [n.reason for n in notices(world)] == ["all_declined"]

    await world.rotation.leave(member(ALICE))
    await volunteers(world, ALICE)  # back in: she already said no to this date
    await world.run_due()
    vacant = await world.rotation.assignment(upcoming.occurrence.id)
    assert vacant is not None and vacant.user_id is None
    assert [o.occurrence_id for o in offers_to(world, ALICE)] == [upcoming.occurrence.id]

    await volunteers(world, CAROL)
    await world.run_due()
    taken = await world.rotation.assignment(upcoming.occurrence.id)
    assert taken is not None and (taken.user_id, taken.status) == (CAROL, "offered")
    assert [o.occurrence_id for o in offers_to(world, CAROL)] == [upcoming.occurrence.id]
    assert announced_facilitator(world, upcoming.occurrence.id) == CAROL


async def test_joining_while_away_that_day_leaves_the_date_as_it_was(world: World) -> None:
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    await world.members.set_away(GUILD, ALICE, "2026-12-31", "en")
    await volunteers(world, ALICE)
    await world.run_due()
    assert await world.rotation.assignment(upcoming.occurrence.id) is None
    assert offers_to(world, ALICE) == []
    assert world.chat.cards(RotationNotice) == []


async def test_set_next_gives_a_date_that_was_never_assigned(world: World) -> None:
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    await world.members.set_away(GUILD, BOB, "2026-12-31", "en")
    await volunteers(world, BOB)  # away that day: joining gives him nothing
    await free_without_being_told(world, BOB)
    assert await world.rotation.assignment(upcoming.occurrence.id) is None
    await world.rotation.set_next(facilitator(ALICE), BOB)
    await world.run_due()
    assignment = await world.rotation.assignment(upcoming.occurrence.id)
    assert assignment is not None and (assignment.user_id, assignment.status) == (BOB, "offered")
    assert [o.occurrence_id for o in offers_to(world, BOB)] == [upcoming.occurrence.id]
    assert announced_facilitator(world, upcoming.occurrence.id) == BOB


async def test_a_notice_that_nobody_holds_the_date_is_not_sent_once_someone_does(
    world: World,
) -> None:
    """The notice is a timer: sent late (an outage), it would say what is no longer so."""
    upcoming = await world.schedule(WEEKS[0])  # its "nobody in the rotation" notice planned
    await volunteers(world, ALICE)  # before it went out
    await world.run_due()
    assert notices(world) == []
    assert [o.occurrence_id for o in offers_to(world, ALICE)] == [upcoming.occurrence.id]


async def test_a_volunteer_back_early_takes_the_date_nobody_could_take(world: World) -> None:
    """Away that day, they could not take it; back (or away for less), they are asked."""
    await volunteers(world, ALICE, BOB)
    for user_id in (ALICE, BOB):
        await world.members.set_away(GUILD, user_id, "2026-12-31", "en")
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    assert [n.reason for n in notices(world)] == ["all_away"]
    assert offers_to(world, ALICE) == offers_to(world, BOB) == []

    await world.members.set_away(GUILD, BOB, "2026-12-24", "en")  # still away that day
    await world.run_due()
    assert offers_to(world, BOB) == []
    assert await world.members.back(GUILD, ALICE) is True
    await world.run_due()
    held = await world.rotation.assignment(upcoming.occurrence.id)
    assert held is not None and (held.user_id, held.status) == (ALICE, "offered")
    assert [o.occurrence_id for o in offers_to(world, ALICE)] == [upcoming.occurrence.id]
    assert announced_facilitator(world, upcoming.occurrence.id) == ALICE
    assert [n.reason for n in notices(world)] == ["all_away"]  # nothing more to tell


async def test_an_away_period_cut_short_frees_the_days_after_it(world: World) -> None:
    await volunteers(world, CAROL)
    await world.members.set_away(GUILD, CAROL, "2026-12-31", "en")
    upcoming = await world.schedule(WEEKS[0])
    await world.run_due()
    await world.members.set_away(GUILD, CAROL, "2026-12-01", "en")  # back before the date
    await world.run_due()
    held = await world.rotation.assignment(upcoming.occurrence.id)
    assert held is not None and (held.user_id, held.status) == (CAROL, "offered")


async def test_dates_given_at_once_take_turns_along_the_line(world: World) -> None:
    """Each date given moves the line: two dates go to two volunteers, not one."""
    await volunteers(world, ALICE, BOB)
    for user_id in (ALICE, BOB):
        await world.members.set_away(GUILD, user_id, "2026-12-31", "en")
    first = await world.schedule(WEEKS[0])
    second = await world.schedule(WEEKS[1])
    await world.run_due()
    for user_id in (ALICE, BOB):
        await free_without_being_told(world, user_id)
    await world.members.set_away(GUILD, CAROL, "2026-12-31", "en")
    await volunteers(world, CAROL)  # away herself: the others are given the dates
    await world.run_due()
    holders = [await world.rotation.assignment(d.occurrence.id) for d in (first, second)]
    assert [h.user_id if h else None for h in holders] == [ALICE, BOB]
