"""The ``harness`` fixture: emulator + sample guild + the real bot, torn down cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord.gateway
import discord.http
import pytest

from bot.clock import ControlledClock
from tests.e2e.harness import Harness, new_harness, restore_discord_endpoints


@asynccontextmanager
async def _harness(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[Harness]:
    saved_base, saved_gateway = restore_discord_endpoints()
    emu, h = await new_harness(tmp_path, clock)
    try:
        yield h
    finally:
        await h.stop()
        await emu.stop()
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


@pytest.fixture
async def harness(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[Harness]:
    async with _harness(tmp_path, clock) as h:
        await h.start()
        yield h


@pytest.fixture
async def unstarted_harness(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[Harness]:
    """A harness whose bot the test starts itself (to change settings first)."""
    async with _harness(tmp_path, clock) as h:
        yield h
