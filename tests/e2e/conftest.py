"""The ``harness`` fixture: emulator + sample guild + the real bot, torn down cleanly;
``unstarted_harness``: the same, its bot started by the test. Each test of a harness runs
on SQLite and on PostgreSQL (``both_engines``), unless it is about SQLite itself."""

from __future__ import annotations

import pytest

from tests.e2e.harness import harness_fixtures, running_harness
from tests.postgres_server import both_engines

harness, unstarted_harness = harness_fixtures(running_harness)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_engines(metafunc)
