"""The ``harness`` fixture: emulator + sample guild + the real bot, torn down cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from tests.e2e.harness import Harness, running_harness


@pytest.fixture
async def harness(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[Harness]:
    async with running_harness(tmp_path, clock) as h:
        await h.start()
        yield h


@pytest.fixture
async def unstarted_harness(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[Harness]:
    """A harness whose bot the test starts itself (to change settings first)."""
    async with running_harness(tmp_path, clock) as h:
        yield h
