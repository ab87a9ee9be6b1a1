"""The ``teams`` fixture: the Teams emulator, its tenant and the real bot, torn down
cleanly; ``unstarted_teams``: the same, its bot started by the test. Each test of a
harness runs on SQLite and on PostgreSQL (``both_engines``)."""

from __future__ import annotations

import pytest

from tests.e2e.harness import harness_fixtures
from tests.postgres_server import both_engines
from tests.teams.harness import running_teams

teams, unstarted_teams = harness_fixtures(running_teams)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_engines(metafunc)
