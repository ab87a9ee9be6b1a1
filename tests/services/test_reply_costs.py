"""What building a reply costs in validated models: rows our own database just gave are
validated once, and values built from them only to be shown are not validated again."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Awaitable
from typing import TypeVar

from tests.services.facilitation_world import World, member
from tests.services.sample import ALICE

T = TypeVar("T")
LINE = 30


async def validations(work: Awaitable[T]) -> tuple[T, int]:
    """``work``'s result and how many times pydantic validated something meanwhile."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        result = await work
    finally:
        profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    count = sum(
        calls
        for (_, _, name), (calls, *_) in stats.items()
        if "'validate_python' of 'pydantic_core" in name
    )
    return result, count


async def test_rotation_show_validates_each_row_once(world: World) -> None:
    users = [ALICE + n for n in range(LINE)]
    for user_id in users:
        assert await world.rotation.join(member(user_id))
    view, validated = await validations(world.rotation.show(member(ALICE)))
    assert [entry.user_id for entry in view.line] == users
    assert not any(entry.away for entry in view.line)
    # A volunteer and a member row each (before: a third model per line, rebuilt to show).
    assert validated <= 2 * LINE + 1, validated
