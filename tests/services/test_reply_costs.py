"""What building a reply costs in validated models: rows our own database just gave are
validated once, and values built from them only to be shown are not validated again."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.chat import Message
from bot.i18n import load_catalog
from bot.i18n import message as message_module
from bot.services.facilitation.rotation.cards import rotation_panel
from bot.services.facilitation.rotation.models import (
    RotationEntry,
    RotationView,
    UpcomingAssignment,
)
from bot.services.meetings import replies as meeting_replies
from bot.text import inert_markdown
from cogs.render import Renderer
from tests.i18n.test_render_costs import calls
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
    rotation_panel.__wrapped__(view)
    profile = cProfile.Profile()
    profile.enable()
    panel = rotation_panel.__wrapped__(view)
    profile.disable()
    validated = validations_in(profile)
    assert len(panel.fields) == 1
    assert validated <= 2 * LINE + 3, validated


def test_the_rotation_panel_is_kept_for_what_it_shows() -> None:
    """Every member sees the same panel until the line or the dates change: asked again
    for an equal view, the same panel, built no second time; another view, another."""
    entry = RotationEntry(
        user_id=ALICE, times_assigned=1, away=False, first_in_line=True, next_up=False
    )
    view = RotationView(line=(entry,), next_user_id=ALICE, upcoming=())
    panel = rotation_panel(view)
    equal = RotationView(line=(entry,), next_user_id=ALICE, upcoming=())
    profile = cProfile.Profile()
    profile.enable()
    assert rotation_panel(equal) is panel
    profile.disable()
    assert validations_in(profile) == 0
    moved = RotationView(line=(entry,), next_user_id=None, upcoming=())
    assert rotation_panel(moved) is not panel


def test_the_rotation_panel_writes_its_dates_as_one_list() -> None:
    """The coming dates are the rows of one message: no text built per date (before: a
    text each, 3 validations a date), each line one format call on the message found
    once (before: the catalog's whole write per date), and the meeting's title, the same
    on every date, escaped once (before: once per date)."""
    dates = 10
    at = datetime(2026, 12, 9, 16, tzinfo=UTC)
    upcoming = tuple(
        UpcomingAssignment(
            occurrence_id=n,
            meeting_title="PLC meeting",
            starts_at=at + timedelta(days=7 * n),
            user_id=ALICE + n % 3 if n % 4 else None,
            status="offered" if n % 4 else None,
        )
        for n in range(dates)
    )
    view = RotationView(line=(), next_user_id=None, upcoming=upcoming)
    renderer = Renderer(load_catalog(), "en")
    renderer.message(Message(panels=(rotation_panel.__wrapped__(view),)))
    profile = cProfile.Profile()
    profile.enable()
    panel = rotation_panel.__wrapped__(view)
    profile.disable()
    # A moment and a member a date; the list, its field and the panel.
    assert validations_in(profile) <= 2 * dates + 3, validations_in(profile)

    def write() -> str:
        # A panel built anew each time, its fields too: the renderer keeps what it wrote
        # for a panel, or a field, it saw.
        fields = tuple(item.model_copy() for item in panel.fields)
        anew = panel.model_copy(update={"fields": fields})
        [embed] = renderer.message(Message(panels=(anew,))).embeds
        return str(embed.fields[0].value)

    assert write().count("**PLC meeting** — <t:") == dates
    assert calls(write, message_module.render) == 0
    assert calls(write, inert_markdown) == 1


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
