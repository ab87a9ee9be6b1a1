"""Both engines, and the ``world`` fixture: the facilitation services of a set-up community (see
``facilitation_world.py``)."""

from __future__ import annotations

import pytest

from bot.clock import ControlledClock
from bot.services.base import Core
from tests.postgres_server import both_engines
from tests.services.facilitation_world import World, build_world


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The service tests run on SQLite and on PostgreSQL."""
    both_engines(metafunc)


@pytest.fixture
async def world(core: Core, clock: ControlledClock) -> World:
    return await build_world(core, clock)
