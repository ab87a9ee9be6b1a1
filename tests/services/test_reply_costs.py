"""What building a reply costs in validated models: rows our own database just gave are
validated once, and values built from them only to be shown are not validated again."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from bot.services.facilitation.rotation.cards import rotation_panel
from bot.services.facilitation.rotation.models import RotationEntry, RotationView
from bot.services.meetings import replies as meeting_replies
from tests.services.facilitation_world import World, member
from tests.services.sample import ALICE

T = TypeVar("T")
U = TypeVar("U")
LINE = 30


async def validations(work: Awaitable[T]) -> tuple[T, int]:
    """``work``'s result and how many times pydantic validated something meanwhile."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        result = await work
    finally:
        profile.disable()
    return result, validations_in(profile)


def validations_in(profile: cProfile.Profile) -> int:
    """How many times pydantic validated something while ``profile`` ran."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(
        calls
        for (_, _, name), (calls, *_) in stats.items()
        if "'validate_python' of 'pydantic_core" in name
    )


async def test_rotation_show_validates_each_row_once(world: World) -> None:
    users = [ALICE + n for n in range(LINE)]
    for user_id in users:
        assert await world.rotation.join(member(user_id))
    view, validated = await validations(world.rotation.show(member(ALICE)))
    assert [entry.user_id for entry in view.line] == users
    assert not any(entry.away for entry in view.line)
    # A volunteer and a member row each (before: a third model per line, rebuilt to show).
    assert validated <= 2 * LINE + 1, validated


async def test_rotation_show_reads_past_dates_without_a_model_each(world: World) -> None:
    """The dates already held are counted for each member, not built into models: the
    reply costs the same after four more weeks of meetings."""
    for user_id in (ALICE, ALICE + 1, ALICE + 2):
        assert await world.rotation.join(member(user_id))
    await world.schedule("2026-12-03 15:30", repeat="weekly")
    counted = []
    for weeks in (2, 4):
        for _ in range(weeks):
            await world.advance(timedelta(days=7))
        view, validated = await validations(world.rotation.show(member(ALICE)))
        counted.append((sum(entry.times_facilitated for entry in view.line), validated))
    [(held_before, before), (held_after, after)] = counted
    assert held_before >= 1 and held_after == held_before + 4
    assert after == before, counted


async def test_rotation_show_builds_no_model_for_what_it_only_shows(world: World) -> None:
    """The line and the coming dates are read as plain rows: a longer line or more dates
    validate nothing more (before: a volunteer and a member model each, four per date)."""
    users = [ALICE + n for n in range(LINE)]
    for user_id in users:
        assert await world.rotation.join(member(user_id))
    for day in (3, 10, 17):
        await world.schedule(f"2026-12-{day:02d} 15:30", title=f"CAP {day}")
    view, validated = await validations(world.rotation.show(member(ALICE)))
    assert sorted(entry.user_id for entry in view.line) == users
    assert [item.meeting_title for item in view.upcoming] == ["CAP 3", "CAP 10", "CAP 17"]
    assert validated == 0, validated


def test_the_rotation_panel_builds_each_line_once() -> None:
    """A line is its text and its member's reference; the marks and the fixed texts are
    built once (before: a Join and a text per mark on every line, ~4 validations each)."""
    line = tuple(
        RotationEntry(
            user_id=ALICE + n,
            times_assigned=n,
            away=n % 3 == 0,
            first_in_line=n == 1,
            next_up=n == 2,
        )
        for n in range(LINE)
    )
    view = RotationView(line=line, next_user_id=ALICE + 1, upcoming=())
    rotation_panel(view)
    profile = cProfile.Profile()
    profile.enable()
    panel = rotation_panel(view)
    profile.disable()
    validated = validations_in(profile)
    assert len(panel.fields) == 1
    assert validated <= 2 * LINE + 3, validated


async def test_meeting_list_builds_no_model_for_what_it_only_shows(world: World) -> None:
    """``/meeting list`` reads its dates as plain rows, and its message is built once for
    what it shows (before: an occurrence, a meeting, their counts and the date validated
    for each date, and a dozen texts for each line on every call)."""
    for user_id in (ALICE, ALICE + 1):
        assert await world.rotation.join(member(user_id))
    review = None
    for day in (3, 10, 17):
        review = await world.schedule(f"2026-12-{day:02d} 15:30", title=f"CAP {day}")
    assert review is not None
    await world.meetings.rsvp(member(ALICE + 2), review.occurrence.id, "going")
    listed, validated = await validations(world.meetings.list_upcoming(member(ALICE)))
    assert [item.date.title for item in listed] == ["CAP 3", "CAP 10", "CAP 17"]
    assert [item.date.going for item in listed] == [0, 0, 1]
    assert all(item.facilitator_id is not None for item in listed)
    assert validated == 0, validated
    first = meeting_replies.listing(listed)
    again, validated = await validations(built(meeting_replies.listing, listed))
    assert again is first
    assert validated == 0, validated


async def built(build: Callable[[T], U], value: T) -> U:
    """``build(value)`` as work :func:`validations` can count."""
    return build(value)
