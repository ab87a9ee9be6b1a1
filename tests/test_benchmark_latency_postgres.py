"""``python -m benchmarks --only latency-postgres`` runs through the real stack: the
history written to SQLite, copied into a throwaway PostgreSQL server, the bot on it
answering every command family. Tiny here (one and two communities, three rounds); no
assertion on a time, only that every row is there with its floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import latency, latency_postgres
from benchmarks.report import Report
from tests.postgres_server import INSTALL_HINT, find_binaries


async def test_the_latency_on_postgresql_runs_and_sets_each_family_against_the_noop_and_sqlite(
    tmp_path: Path,
) -> None:
    if find_binaries() is None:
        pytest.skip(INSTALL_HINT)
    report = Report(mode="test")
    lines: list[str] = []
    await latency_postgres.run(report, tmp_path, [1, 2], 3, lines.append, warmup=1)

    rows = {f.name: f for f in report.figures if f.section == latency_postgres.SECTION}
    for family in latency.FAMILIES[1:]:
        against_noop = rows[f"{family.name} p99 (/{family.command}), against the no-op"]
        against_sqlite = rows[f"  {family.name} p99, against SQLite's"]
        assert against_noop.floor == rows[next(iter(rows))].value  # the no-op's, same rounds
        assert against_noop.ratio is not None and against_sqlite.ratio is not None
        assert against_noop.met is None and against_sqlite.met is None  # informative
    assert "  session p99 to the final answer (deferred), against SQLite's" in rows
    assert "2 communities: " in " ".join(rows)
    assert set(report.extra["latency_postgres"]) == {"1", "2"}
    assert any("copied into PostgreSQL" in line for line in lines)
    assert any("SQLite, 2 communities (back to back)" in line for line in lines)


async def test_sqlites_figures_are_read_from_the_latency_measurement_of_the_same_run(
    tmp_path: Path,
) -> None:
    """When section 1 measured the same size with the same rounds, nothing is measured
    again (and so nothing is built in the folder)."""
    report = Report(mode="test")
    figure = {"p99_ms": 2.0, "answer_p99_ms": 3.0, "deferred": False}
    report.extra["latency_curve"] = {"100": {f.name: figure for f in latency.FAMILIES}}
    report.extra["latency_rounds"] = 100

    found, source = await latency_postgres.on_sqlite(report, tmp_path, 100, 100, 5, print)

    assert found["plc"] == latency_postgres.P99(2.0, 3.0, False)
    assert "latency measurement's" in source
    assert list(tmp_path.iterdir()) == []
