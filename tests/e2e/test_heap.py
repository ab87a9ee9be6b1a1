"""Once ready, the bot sets what start-up built aside from the garbage collector (so a
full pass never walks discord.py's cache inside a member's command), and sets it aside
again after a fresh READY, so the cache that READY replaced is still freed."""

from __future__ import annotations

import gc
import weakref

import pytest

from bot.app import HEAP_THRESHOLDS
from tests.e2e.harness import Harness, until

# The collector's settings are the process's, whatever the database engine.
pytestmark = pytest.mark.sqlite_only


class Marker:
    """An object that can be watched with a weak reference (discord.py's cannot)."""


def tracked(obj: object) -> bool:
    """Whether the collector still walks ``obj`` (a frozen object is in no generation)."""
    return any(candidate is obj for candidate in gc.get_objects())


async def test_the_start_up_heap_is_set_aside_once_ready(unstarted_harness: Harness) -> None:
    h = unstarted_harness
    h.settles_heap = True
    bot = await h.start()
    await until(bot.startup_done.is_set, "the start-up work")
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == HEAP_THRESHOLDS
    guild = bot.get_guild(h.guild.id)
    assert guild is not None
    assert not tracked(guild._members)  # the GUILD_CREATE burst's objects are set aside
    result = await h.slash("bob", "plc status")  # and the bot answers as before
    assert "/plc setup" in (result.content or "")


async def test_the_cache_a_fresh_ready_replaced_is_freed(unstarted_harness: Harness) -> None:
    h = unstarted_harness
    h.settles_heap = True
    bot = await h.start()
    await until(bot.startup_done.is_set, "the start-up work")
    old = bot.get_guild(h.guild.id)
    assert old is not None
    marker = Marker()
    # In the old guild's member map: freed only with that guild, which refers to its
    # members as they refer to it (a cycle only the collector frees).
    old._members[-1] = marker  # type: ignore[assignment]
    watched = weakref.ref(marker)
    del marker, old
    await h.emu.drop_gateway(resumable=False)
    await h.emu.wait_for(lambda: h.emu.identify_count == 2, timeout=15)
    await until(lambda: watched() is None, "the replaced cache freed")
    assert bot.get_guild(h.guild.id) is not None
