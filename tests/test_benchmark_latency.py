"""Section 1b's curve and section 1c's PostgreSQL rows name the same family that grew
most, from the same medians (to the final answer), on results made up here."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from benchmarks import latency, latency_postgres
from benchmarks.report import Report
from benchmarks.stack import Samples


def _result(communities: int, medians: dict[str, float]) -> latency.ScaleResult:
    samples = {
        f.name: Samples(callback=[0.5], done=[medians.get(f.name, 1.0)]) for f in latency.FAMILIES
    }
    return latency.ScaleResult(communities, rows=0, build_seconds=0.0, samples=samples)


def test_the_family_that_grew_most_is_the_same_on_both_curves() -> None:
    # "goal" and "plc" both grew threefold: the first in FAMILIES is named.
    results = [
        _result(10, {"meeting": 2.0}),
        _result(100, {"meeting": 2.2, "goal": 3.0, "plc": 3.0}),
        _result(1000, {"meeting": 2.4, "ask": 1.3}),
    ]
    report = Report(mode="test")
    latency.curve(report, results)
    latency_postgres.grew_most(report, results)

    rows = {(f.section[:2], f.name): f for f in report.figures}
    for section in ("1b", "1c"):
        grew = rows[section, "100 communities: goal p50 (grew most)"]
        assert (grew.value, grew.floor) == (3.0, 1.0)
        grew = rows[section, "1000 communities: ask p50 (grew most)"]
        assert (grew.value, grew.floor) == (1.3, 1.0)
    assert rows["1b", "100 communities: goal p50 (grew most)"].met is False
    assert rows["1b", "1000 communities: ask p50 (grew most)"].met is True
    assert rows["1b", "100 communities: goal p50 (grew most)"].note == (
        "goal median 3.00x its 10-community one"
    )
    assert rows["1c", "100 communities: goal p50 (grew most)"].target == (
        "informative: against 10 communities"
    )
    assert len(report.figures) == 4


def test_over_as_many_rounds_as_families_each_family_follows_each_other_once() -> None:
    families = latency.FAMILIES
    count = len(families)
    follows: Counter[tuple[str, str]] = Counter()
    for round_number in range(count):
        order = latency.round_order(round_number)
        assert sorted(f.name for f in order) == sorted(f.name for f in families)
        follows.update((before.name, after.name) for before, after in pairwise(order))
    assert len(follows) == count * (count - 1)
    assert set(follows.values()) == {1}
    assert latency.round_order(count) == latency.round_order(0)
