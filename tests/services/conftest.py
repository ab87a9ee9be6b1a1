"""The ``world`` fixture: the facilitation services of a set-up community (see
``facilitation_world.py``)."""

from __future__ import annotations

import pytest

from bot.clock import ControlledClock
from bot.services.base import Core
from tests.services.facilitation_world import World, build_world


@pytest.fixture
async def world(core: Core, clock: ControlledClock) -> World:
    return await build_world(core, clock)
