"""The reliability suite (the requirements proved by injecting a fault: a killed process,
Discord errors or latency, a damaged file, a full disk): every test here carries the
``reliability`` marker, runs in the normal ``pytest`` run (so CI runs it) and can be
selected alone with ``pytest -m reliability``."""

from __future__ import annotations

from pathlib import Path

import pytest

# The end-to-end harness (emulator + sample guild + the real bot on a ControlledClock).
from tests.e2e.conftest import harness, unstarted_harness

__all__ = ["harness", "unstarted_harness"]

HERE = Path(__file__).parent
#: Lines a test wants in the run's summary even when it passes (the kill points).
SUMMARY = pytest.StashKey[list[str]]()


def report_in_summary(config: pytest.Config, line: str) -> None:
    config.stash.setdefault(SUMMARY, []).append(line)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the tests reported (the kill test's seed and kill points), and why a
    reliability test was skipped (no root to mount a small disk...), even without
    ``-rs``: a silent skip would pass for a proof."""
    lines = terminalreporter.config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.write_sep("-", "reliability")
        for line in lines:
            terminalreporter.write_line(line)
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "tests/reliability/" in report.nodeid
    ]
    if not skipped:
        return
    terminalreporter.write_sep("-", "reliability tests skipped")
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        terminalreporter.write_line(f"{report.nodeid}: {reason}")
