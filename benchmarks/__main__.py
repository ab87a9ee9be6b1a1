"""``python -m benchmarks [--quick] [--json PATH] [--only NAME ...]``

Runs every measurement through the real stack, prints one table (each figure with its
floor measured in the same run, the ratio and the target) and writes the JSON.
Exits non-zero only when a measurement could not run; a missed target is printed
(``MISS``) but is not an error, because these machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from . import (
    failover,
    fanout,
    fanout_proxy,
    latency,
    latency_postgres,
    restart,
    session_burst,
    session_round,
    write_path,
)
from .report import Report
from .stack import WARNINGS, quiet_logging

DEFAULT_JSON = Path(__file__).with_name("results.json")


@dataclass(frozen=True)
class Plan:
    """How big each measurement is: ``--quick`` (CI, under 2 minutes) or full."""

    latency_scales: list[int]
    latency_rounds: int
    postgres_scales: list[int]
    """The histories copied into PostgreSQL (``latency-postgres``)."""
    fanout_communities: int
    restart_timers: list[int]
    restart_repeats: int
    write_answers: int
    failover_meetings: int


QUICK = Plan(
    latency_scales=[10, 100],
    latency_rounds=100,
    postgres_scales=[10, 100],
    fanout_communities=100,
    restart_timers=[1_000, 10_000],
    restart_repeats=2,
    write_answers=300,
    failover_meetings=5,
)
FULL = Plan(
    latency_scales=[10, 100, 1000],
    latency_rounds=300,
    # Not the 1,000-community year: copying its 11 million rows takes ~13 minutes.
    postgres_scales=[10, 100],
    fanout_communities=1000,
    restart_timers=[1_000, 10_000, 100_000],
    restart_repeats=3,
    write_answers=1000,
    failover_meetings=15,
)


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def measurements(
    plan: Plan, report: Report, folder: Path
) -> dict[str, Callable[[], Awaitable[None]]]:
    return {
        "latency": lambda: latency.run(
            report, folder / "latency", plan.latency_scales, plan.latency_rounds, log
        ),
        # Right after "latency": it reads SQLite's figures from it when both run.
        "latency-postgres": lambda: latency_postgres.run(
            report,
            folder / "latency-postgres",
            plan.postgres_scales,
            plan.latency_rounds,
            log,
            smaller_than=max(plan.latency_scales)
            if max(plan.postgres_scales) < max(plan.latency_scales)
            else None,
        ),
        "fanout": lambda: fanout.run(report, folder / "fanout", plan.fanout_communities, log),
        "fanout-proxy": lambda: fanout_proxy.run(
            report, folder / "fanout-proxy", plan.fanout_communities, log
        ),
        "write": lambda: write_path.run(report, folder / "write", plan.write_answers, log),
        "session": lambda: session_round.run(report, folder / "session", 100, log),
        "interactive": lambda: session_burst.run(report, folder / "interactive", log),
        "failover": lambda: failover.run(report, folder / "failover", plan.failover_meetings, log),
        # Last: it starts plc-bot on the latency database too.
        "restart": lambda: restart.run(
            report,
            folder / "restart",
            plan.restart_timers,
            plan.restart_repeats,
            log,
            history_db=folder / "latency" / f"latency-{plan.latency_scales[-1]}.sqlite3",
        ),
    }


async def main(args: argparse.Namespace) -> Report:
    plan = QUICK if args.quick else FULL
    report = Report(mode="quick" if args.quick else "full")
    with tempfile.TemporaryDirectory(prefix="plc-bench-") as tmp:
        folder = Path(tmp)
        todo = measurements(plan, report, folder)
        for name, measure in todo.items():
            if args.only and name not in args.only:
                continue
            (folder / name).mkdir(exist_ok=True)
            log(f"--- {name}")
            started = time.perf_counter()
            try:
                await measure()
            except Exception:
                report.errors.append(f"{name}: {traceback.format_exc(limit=8)}")
                log(traceback.format_exc())
            report.seconds[name] = round(time.perf_counter() - started, 1)
            # Write back what this measurement left dirty (a database of 1.8 GB), so
            # the disk's catching up does not land in the next one's fsyncs.
            os.sync()
    return report


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for CI")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--only", nargs="*", help="run only these measurements")
    return parser.parse_args(argv)


def cli(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    quiet_logging()
    started = time.perf_counter()
    report = asyncio.run(main(args))
    report.seconds["total"] = round(time.perf_counter() - started, 1)
    print(report.table())
    print()
    print(report.summary())
    print(f"bot warnings logged: {WARNINGS.count}; total {report.seconds['total']} s")
    for line in WARNINGS.last:
        print(f"  last warning: {line}")
    report.write_json(args.json)
    print(f"JSON: {args.json}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(cli())
