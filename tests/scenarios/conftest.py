"""The ``chat`` fixture: each scenario runs once on Discord and once on Microsoft Teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from tests.e2e.harness import running_harness
from tests.scenarios.drivers import DiscordDriver, Driver, TeamsDriver
from tests.teams.harness import running_teams


@pytest.fixture(params=["discord", "teams"])
async def chat(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ControlledClock
) -> AsyncIterator[Driver]:
    """The real bot on one platform's emulator; on Teams, every card it sent is checked
    against the Adaptive Card 1.5 schema and the size budget at the end."""
    if request.param == "discord":
        async with running_harness(tmp_path, clock) as harness:
            await harness.start()
            yield DiscordDriver(harness)
    else:
        async with running_teams(tmp_path, clock) as teams:
            await teams.start()
            yield TeamsDriver(teams)
