"""The reliability suite (RELIABILITY.md's ⚡ requirements): every test here carries the
``reliability`` marker, runs in the normal ``pytest`` run (so CI runs it) and can be
selected alone with ``pytest -m reliability``."""

from __future__ import annotations

from pathlib import Path

import pytest

# The end-to-end harness (emulator + sample guild + the real bot on a ControlledClock).
from tests.e2e.conftest import harness, unstarted_harness

__all__ = ["harness", "unstarted_harness"]

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)
