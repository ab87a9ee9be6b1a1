"""ActionService: due-date reminders by DM (respecting /me reminders and away, falling back
to a mention in the session's thread when DMs are closed), listing and marking done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.chat import Channel, DirectMessage
from bot.errors import NotFacilitator, UserError
from bot.services.facilitation.actions.cards import ActionReminder
from bot.services.facilitation.actions.service import PAGE_SIZE
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, BOB, CAROL, GUILD

# Dec 10 2026, 09:00 in Toronto.
DUE_MORNING = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


@pytest.fixture
async def world(world: World) -> World:
    """The shared world, with a session under way that Bob and Carol joined."""
    started = await world.start_session("exchange")
    for user_id in (BOB, CAROL):
        await world.sessions.join(member(user_id), started.session.id)
    return world


def reminders(world: World) -> list[tuple[object, tuple[int, ...]]]:
    return [(s.target, s.mention) for s in world.chat.to(ActionReminder)]


async def test_the_owner_is_reminded_by_dm_on_the_due_date_once(world: World) -> None:
    action = await world.records.add_action(member(BOB), "Observer une classe", due="Dec 10")
    await world.clock.set(DUE_MORNING.replace(hour=13))
    await world.run_due()
    assert reminders(world) == []
    await world.clock.set(DUE_MORNING)
    await world.run_due()
    await world.run_due()
    assert reminders(world) == [(DirectMessage(GUILD, BOB), ())]
    [card] = world.chat.cards(ActionReminder)
    assert (card.action_id, card.text, str(card.due_on)) == (
        action.id,
        "Observer une classe",
        "2026-12-10",
    )


async def test_reminders_off_or_away_means_no_reminder(world: World) -> None:
    await world.members.set_dm_reminders(GUILD, BOB, False)
    await world.members.set_away(GUILD, CAROL, "2026-12-20", "en")
    await world.records.add_action(member(BOB), "Une", due="2026-12-10")
    await world.records.add_action(member(CAROL), "Deux", due="2026-12-10")
    await world.clock.set(DUE_MORNING)
    await world.run_due()
    assert reminders(world) == []


async def test_a_closed_dm_falls_back_to_a_mention_in_the_thread(world: World) -> None:
    """A member who takes no DMs is reminded where the session ran, mentioned."""
    await world.records.add_action(member(BOB), "Une", due="2026-12-10")
    world.chat.closed_dms.add(BOB)
    session = await world.sessions.live(GUILD)
    assert session is not None and session.thread_id is not None
    await world.clock.set(DUE_MORNING)
    await world.run_due()
    assert reminders(world) == [(Channel(GUILD, session.thread_id), (BOB,))]
    [card] = world.chat.cards(ActionReminder)
    assert card.in_channel


async def test_done_before_the_due_date_cancels_the_reminder(world: World) -> None:
    action = await world.records.add_action(member(BOB), "Une", due="2026-12-10")
    with pytest.raises(NotFacilitator):
        await world.actions.mark_done(member(CAROL), action.id)
    await world.actions.mark_done(member(BOB), action.id)
    with pytest.raises(UserError) as caught:
        await world.actions.mark_done(member(BOB), action.id)
    assert caught.value.key == "facilitation.errors.action_already_done"
    with pytest.raises(UserError) as caught:
        await world.actions.mark_done(member(BOB), 999)
    assert caught.value.key == "facilitation.errors.unknown_action"
    await world.clock.set(DUE_MORNING)
    await world.run_due()
    assert reminders(world) == []


async def test_listing_mine_and_all(world: World) -> None:
    first = await world.records.add_action(member(BOB), "B1", due="2026-12-12")
    second = await world.records.add_action(member(CAROL), "C1", due="2026-12-01")
    third = await world.records.add_action(facilitator(ALICE), "B2", owner_id=BOB)
    await world.actions.mark_done(facilitator(ALICE), first.id)  # a facilitator may
    mine = await world.actions.listing(member(BOB))
    assert [a.id for a in mine.items] == [third.id]
    everything = await world.actions.listing(member(BOB), "all", include_done=True)
    assert [a.id for a in everything.items] == [second.id, third.id, first.id]
    with pytest.raises(UserError) as caught:
        await world.actions.listing(member(BOB), "theirs")
    assert caught.value.key == "facilitation.errors.scope"


async def test_a_long_list_is_paged_and_every_shown_action_can_be_closed(world: World) -> None:
    """Issue 20: 6 actions showed 5 Done buttons. A page now holds what can be closed."""
    created = [
        await world.records.add_action(member(BOB if n % 2 else CAROL), f"A{n}")
        for n in range(PAGE_SIZE + 2)
    ]
    first = await world.actions.listing(facilitator(ALICE), "all")
    assert (first.page, first.pages, first.total) == (1, 2, PAGE_SIZE + 2)
    assert [a.id for a in first.items] == [a.id for a in created[:PAGE_SIZE]]
    assert first.markable == {a.id for a in first.items}  # a facilitator closes any
    second = await world.actions.listing(facilitator(ALICE), "all", page=2)
    assert [a.id for a in second.items] == [a.id for a in created[PAGE_SIZE:]]
    for action in second.items:
        await world.actions.mark_done(facilitator(ALICE), action.id)
    shrunk = await world.actions.listing(facilitator(ALICE), "all", page=2)
    assert (shrunk.page, shrunk.pages) == (1, 1)  # past the end: the last page
    bob = await world.actions.listing(member(BOB), "all")
    assert bob.markable == {a.id for a in bob.items if a.owner_id == BOB}
