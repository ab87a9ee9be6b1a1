"""The ``plc`` fixture: a set-up community and the check-in service (see harness.py)."""

from __future__ import annotations

import pytest

from bot.clock import ControlledClock
from bot.services.base import Core
from tests.services.checkins.harness import CountingChat, Harness


@pytest.fixture
def chat() -> CountingChat:
    """Overrides tests/conftest.py's: the core these tests build records every attempt."""
    return CountingChat()


@pytest.fixture
async def plc(core: Core, clock: ControlledClock, chat: CountingChat) -> Harness:
    harness = Harness(core, clock, chat)
    await harness.setup()
    return harness
