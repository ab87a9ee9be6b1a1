"""1c. Interaction latency on PostgreSQL, against the no-op and against SQLite.

The same year of history as :mod:`benchmarks.latency`, written into SQLite, then copied
by ``plc-bot copy-db``'s own ``copy_database`` into a database of a throwaway
PostgreSQL server (the tests' ``tests/postgres_server.py``, here with its flushes to
disk on, as the bot's SQLite file has them). The bot runs on that database through the
real stack, and the same command families and the no-op run in turns. Each family's
p99 is set against the no-op's of the same rounds, and against the same family's p99
on SQLite in this invocation: the ``latency`` measurement's when it ran just before at
the same size and rounds, else measured here, back to back.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.db.copy import copy_database
from bot.db.url import DatabaseUrl
from tests.postgres_server import INSTALL_HINT, PostgresServer, find_binaries

from . import latency
from .report import Figure, Report
from .stack import Samples, percentile

SECTION = "1c latency on PostgreSQL"
INFORMATIVE = "informative"


@dataclass(frozen=True)
class P99:
    """One family's p99s, in milliseconds: to the callback, and to the final answer."""

    callback: float
    answer: float
    deferred: bool


def p99s(samples: dict[str, Samples]) -> dict[str, P99]:
    return {
        name: P99(percentile(s.callback, 0.99), percentile(s.done, 0.99), s.deferred)
        for name, s in samples.items()
    }


async def settled(url: DatabaseUrl) -> None:
    """What autovacuum does within a minute of a bulk load (the planner's statistics,
    the visibility map), done now so it does not run under the rounds."""
    conn = await asyncpg.connect(url.dsn)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def copied_into(server: PostgresServer, log: Callable[[str], None]) -> latency.Database:
    """The history copied into a new database of ``server``, dropped once measured."""

    @asynccontextmanager
    async def database(db_path: Path) -> AsyncIterator[Path | DatabaseUrl]:
        url = await server.fresh()
        try:
            started = time.perf_counter()
            copied = await copy_database(DatabaseUrl.sqlite(db_path), url)
            log(
                f"    {sum(copied.values()):,} rows copied into PostgreSQL "
                f"in {time.perf_counter() - started:.1f} s"
            )
            await settled(url)
            yield url
        finally:
            await server.drop(url)

    return database


async def on_sqlite(
    report: Report,
    folder: Path,
    communities: int,
    rounds: int,
    warmup: int,
    log: Callable[[str], None],
) -> tuple[dict[str, P99], str]:
    """SQLite's p99s at this size: the ``latency`` measurement's of this invocation if it
    measured this size, else measured now."""
    curve = report.extra.get("latency_curve", {}).get(str(communities))
    if curve is not None and report.extra.get("latency_rounds") == rounds:
        found = {
            name: P99(f["p99_ms"], f["answer_p99_ms"], f["deferred"]) for name, f in curve.items()
        }
        return found, "SQLite: the latency measurement's, this run"
    log(f"  SQLite, {communities} communities (back to back)")
    result = await latency.measure_scale(folder / "sqlite", communities, rounds, warmup, log)
    return p99s(result.samples), "SQLite: measured here, just before"


async def run(
    report: Report,
    folder: Path,
    scales: list[int],
    rounds: int,
    log: Callable[[str], None],
    warmup: int = 5,
    smaller_than: int | None = None,
) -> None:
    """``smaller_than``: the history section 1 measured, when this one is smaller (the
    copy of the larger one would take too long); the rows say so."""
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError(INSTALL_HINT)
    (folder / "postgres").mkdir(exist_ok=True)
    (folder / "sqlite").mkdir(exist_ok=True)
    sqlite, source = await on_sqlite(report, folder, scales[-1], rounds, warmup, log)
    server = PostgresServer(binaries, durable=True)
    server.start()
    try:
        results = []
        for communities in scales:
            log(f"  PostgreSQL, {communities} communities")
            results.append(
                await latency.measure_scale(
                    folder / "postgres", communities, rounds, warmup, log, copied_into(server, log)
                )
            )
    finally:
        server.close()
    where = f"{results[-1].communities} communities, {rounds} samples each"
    if smaller_than is not None:
        where += f"; not the {smaller_than} of section 1: copying that history takes too long"
    figures(report, p99s(results[-1].samples), sqlite, where, source)
    grew_most(report, results)
    report.extra["latency_postgres"] = {
        str(r.communities): {name: vars(p) for name, p in p99s(r.samples).items()} for r in results
    }
    report.notes.append(f"latency on PostgreSQL: {where}; {source}")


def figures(
    report: Report, pg: dict[str, P99], sqlite: dict[str, P99], where: str, source: str
) -> None:
    """Each family's p99 on PostgreSQL against the no-op's, then against SQLite's."""
    floor = pg["noop"].callback
    report.add(
        Figure(
            SECTION,
            f"no-op p99 ({where}), against SQLite's",
            floor,
            "ms",
            sqlite["noop"].callback,
            INFORMATIVE,
            note=source,
        )
    )
    for family in latency.FAMILIES[1:]:
        name, p99 = family.name, pg[family.name]
        report.add(
            Figure(
                SECTION,
                f"{name} p99 (/{family.command}), against the no-op",
                p99.callback,
                "ms",
                floor,
                INFORMATIVE,
                note=f"{name} p99 {p99.callback:.1f} ms = {p99.callback / floor:.2f}x no-op",
            )
        )
        report.add(
            Figure(
                SECTION,
                f"  {name} p99, against SQLite's",
                p99.callback,
                "ms",
                sqlite[name].callback,
                INFORMATIVE,
                note=source,
            )
        )
        if p99.deferred:
            report.add(
                Figure(
                    SECTION,
                    f"  {name} p99 to the final answer (deferred), against SQLite's",
                    p99.answer,
                    "ms",
                    sqlite[name].answer,
                    INFORMATIVE,
                    note=source,
                )
            )


def grew_most(report: Report, results: list[latency.ScaleResult]) -> None:
    """As section 1b on SQLite: for each larger history, the family whose median grew
    most against its own on the smallest."""
    for grown in latency.grew_most(results):
        report.add(
            Figure(
                SECTION,
                f"{grown.communities} communities: {grown.family} p50 (grew most)",
                grown.median_ms,
                "ms",
                grown.first_median_ms,
                f"{INFORMATIVE}: against {grown.first_communities} communities",
            )
        )
