"""The ``teams`` fixture: the Teams emulator, its tenant and the real bot, torn down
cleanly; ``unstarted_teams``: the same, its bot started by the test."""

from __future__ import annotations

from tests.e2e.harness import harness_fixtures
from tests.teams.harness import running_teams

teams, unstarted_teams = harness_fixtures(running_teams)
