"""The ``harness`` fixture: emulator + sample guild + the real bot, torn down cleanly;
``unstarted_harness``: the same, its bot started by the test."""

from __future__ import annotations

from tests.e2e.harness import harness_fixtures, running_harness

harness, unstarted_harness = harness_fixtures(running_harness)
