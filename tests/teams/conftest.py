"""The ``teams`` fixture: the Teams emulator, its tenant and the real bot, torn down cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from tests.teams.harness import TeamsHarness, running_teams


@pytest.fixture
async def teams(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[TeamsHarness]:
    async with running_teams(tmp_path, clock) as harness:
        await harness.start()
        yield harness


@pytest.fixture
async def unstarted_teams(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[TeamsHarness]:
    """A harness whose bot the test starts itself."""
    async with running_teams(tmp_path, clock) as harness:
        yield harness
