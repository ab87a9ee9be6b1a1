"""1. Interaction latency per command family against the no-op, on a year of history.

The database holds one year of activity for N communities of 30 members
(:mod:`benchmarks.fixtures`); one of them is the emulator's sample guild grown to 30
members, given its live state through the real commands (setup, a weekly meeting, a
check-in open now, a rotation, a live session). Then one command per family and the
no-op run in turns (so noise from the machine falls on all of them alike), each round
in its own order, so that each family follows every other as often (what a command
leaves the bot doing lands on the next one), and each family's p50/p99 is set against
the no-op's, measured in the same rounds.

Two latencies per interaction: to the *callback* (INTERACTION_CREATE sent → the bot's
first response's request arrived at the emulator, before its body is read and checked:
what Discord's 3 s deadline is about) and
to the *answer* (the final content: after a defer, the edit that replaces it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.clock import ControlledClock
from bot.db.url import DatabaseUrl
from bot.emulator import Emulator, InteractionResult
from cogs.client import PlcBot

from . import fixtures
from .report import Figure, Report
from .stack import Samples, Timing, bot_running, emulator, percentile, timed
from .world import Measured, measured_guild

SECTION = "1 interaction latency"
TARGET_RATIO = 1.5
TARGET_MS = 50.0


@dataclass(frozen=True)
class Family:
    name: str
    user: str
    command: str
    options: tuple[tuple[str, Any], ...] = ()


#: One representative command per family, as a member would run it week to week.
FAMILIES = (
    Family("noop", "bob", "bench-noop"),
    Family("meeting", "bob", "meeting list"),
    Family("checkin", "bob", "checkin me"),
    Family("goal", "bob", "goal list"),
    Family("ask", "bob", "ask"),
    Family("session", "bob", "session note", (("text", "What worked this week"),)),
    Family("rotation", "bob", "rotation show"),
    Family("actions", "bob", "actions"),
    Family("me", "bob", "me reminders", (("state", "on"),)),
    Family("plc", "bob", "plc status"),
)


@dataclass
class ScaleResult:
    communities: int
    rows: int
    build_seconds: float
    samples: dict[str, Samples]


async def meetings_reconciled(bot: PlcBot) -> None:
    """Wait for the start-up reconciliation of meeting events (one list call per
    community with meetings), so it does not run under the measurement."""
    await asyncio.wait_for(bot.startup_done.wait(), timeout=600)


def purge_held(bot: PlcBot) -> None:
    """Hold the daily retention purge, which first runs 30 s (wall clock) after start:
    on a year of history never purged it deletes most finished timers in one
    transaction, a one-off that would land in whichever rounds run long enough."""
    aps = bot.core.scheduler.alarm.aps
    if aps is not None and aps.get_job("plc-bot:retention") is not None:
        aps.pause_job("plc-bot:retention")


async def prepare(emu: Emulator, measured: Measured) -> None:
    """The measured community's live state, made through the real commands."""
    guild = measured.guild
    users, channels = guild.users, guild.channels

    async def run(user: str, command: str, **options: Any) -> InteractionResult:
        result = await emu.slash(
            guild.id, users[user], command, channel_id=channels["general"], **options
        )
        return await result.final(timeout=30)

    await run(
        "admin",
        "plc setup",
        timezone=fixtures.ZONE,
        language="en",
        checkin_channel=channels["check-ins"],
        questions_channel=channels["questions"],
        announcements_channel=channels["announcements"],
        moderation_channel=channels["moderation"],
        facilitator_role=guild.roles["facilitator"],
    )
    preview = await run(
        "alice",
        "meeting schedule",
        title="PLC meeting",
        when="2026-01-14 16:00",
        repeat="weekly",
        channel=channels["meeting-room"],
    )
    assert preview.message is not None, "no meeting preview"
    confirm = next(c for c in preview.message.custom_ids() if c.endswith(":yes"))
    await (await emu.click(users["alice"], preview.message, confirm)).final(timeout=30)
    await run("alice", "checkin schedule", day=0, time="09:00")
    await run("alice", "checkin now")
    for user in ("alice", "bob", "chloe"):
        await run(user, "rotation join")
    await run("alice", "session start", protocol="plc")
    opening = next(
        m
        for m in reversed(emu.messages_in(channels["general"]))
        if any(c.startswith("plc:ses:join:") for c in m.custom_ids())
    )
    join = next(c for c in opening.custom_ids() if c.startswith("plc:ses:join:"))
    await (await emu.click(users["bob"], opening, join)).final(timeout=30)


#: What the bot runs on, given the SQLite file the history was written to: that file
#: itself, or (PostgreSQL) a database it was copied into, dropped once measured.
Database = Callable[[Path], AbstractAsyncContextManager[Path | DatabaseUrl]]


@asynccontextmanager
async def the_file(db_path: Path) -> AsyncIterator[Path | DatabaseUrl]:
    yield db_path


async def build_history(
    folder: Path, communities: int, measured: Measured, log: Callable[[str], None]
) -> tuple[Path, fixtures.FixtureStats]:
    """The year of history in an SQLite file: ``communities - 1`` synthetic ones and
    the measured one (whose live state the commands make)."""
    db_path = folder / f"latency-{communities}.sqlite3"
    specs = [fixtures.synthetic_community(i) for i in range(communities - 1)]
    stats = await fixtures.build(db_path, specs, fixtures.FIXTURE_NOW)
    own = await fixtures.build(db_path, [measured.spec], fixtures.FIXTURE_NOW, live=False)
    stats = fixtures.FixtureStats(
        communities, stats.rows + own.rows, stats.seconds + own.seconds, own.bytes
    )
    log(
        f"  {communities} communities: {stats.rows:,} rows, "
        f"{stats.bytes / 1e6:,.0f} MB, built in {stats.seconds:.1f} s"
    )
    return db_path, stats


def round_order(round_number: int) -> tuple[Family, ...]:
    """The families in the order of round ``round_number``, from a balanced Latin square
    (Williams's design; the number of families is even): over any run of as many rounds
    as families, each family comes right after each other family exactly once.

    A command's latency depends on the one before it (the bot may still be reading that
    one's last response when the next interaction arrives). In a fixed order one family
    always carried the same neighbour's cost: `/rotation show` came right after
    `/session note` in every round (0.15-0.2 ms more at p50 than right after `/me
    reminders`), and the no-op always came after `/plc status`."""
    count = len(FAMILIES)
    first = [0] + [(j + 1) // 2 if j % 2 else count - j // 2 for j in range(1, count)]
    return tuple(FAMILIES[(place + round_number) % count] for place in first)


async def rounds_of_families(
    emu: Emulator, measured: Measured, rounds: int, warmup: int, log: Callable[[str], None]
) -> dict[str, Samples]:
    """Every family and the no-op in turns, ``rounds`` times after ``warmup``, each round
    in its own order (:func:`round_order`)."""
    samples = {family.name: Samples() for family in FAMILIES}
    guild = measured.guild
    general = guild.channels["general"]

    async def once(family: Family) -> Timing:
        return await timed(
            emu.slash(
                guild.id,
                guild.users[family.user],
                family.command,
                channel_id=general,
                **dict(family.options),
            )
        )

    for round_number in range(warmup):
        for family in round_order(round_number):
            await once(family)
    started = time.perf_counter()
    for round_number in range(rounds):
        for family in round_order(round_number):
            samples[family.name].add(await once(family))
    seconds = time.perf_counter() - started
    log(f"    {rounds} rounds of {len(FAMILIES)} commands in {seconds:.1f} s")
    return samples


async def measure_scale(
    folder: Path,
    communities: int,
    rounds: int,
    warmup: int,
    log: Callable[[str], None],
    database: Database = the_file,
) -> ScaleResult:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        measured = measured_guild(emu.state, emu.bot_user_id)
        db_path, stats = await build_history(folder, communities, measured, log)
        async with database(db_path) as where, bot_running(emu, clock, where) as bot:
            purge_held(bot)
            await meetings_reconciled(bot)
            await prepare(emu, measured)
            samples = await rounds_of_families(emu, measured, rounds, warmup, log)
    return ScaleResult(communities, stats.rows, stats.seconds, samples)


async def run(
    report: Report,
    folder: Path,
    scales: list[int],
    rounds: int,
    log: Callable[[str], None],
    warmup: int = 5,
) -> None:
    results = []
    for communities in scales:
        results.append(await measure_scale(folder, communities, rounds, warmup, log))
    main = results[-1]
    noop = main.samples["noop"]
    floor50, floor99 = percentile(noop.callback, 0.5), percentile(noop.callback, 0.99)
    done99_floor = percentile(noop.done, 0.99)
    where = f"{main.communities} communities, {rounds} samples each"
    for family in FAMILIES:
        s = main.samples[family.name]
        p50, p99 = percentile(s.callback, 0.5), percentile(s.callback, 0.99)
        if family.name == "noop":
            report.add(Figure(SECTION, f"no-op p50 ({where})", p50, "ms", note="the floor"))
            report.add(Figure(SECTION, "no-op p99", p99, "ms", note="the floor"))
            continue
        report.add(Figure(SECTION, f"{family.name} p50 (/{family.command})", p50, "ms", floor50))
        met = p99 <= TARGET_RATIO * floor99 and p99 < TARGET_MS
        report.add(
            Figure(
                SECTION,
                f"{family.name} p99",
                p99,
                "ms",
                floor99,
                f"<= {TARGET_RATIO}x, < {TARGET_MS:.0f} ms",
                met,
                note=f"{family.name} p99 {p99:.1f} ms = {p99 / floor99:.2f}x no-op",
            )
        )
        done99 = percentile(s.done, 0.99)
        if s.deferred:
            report.add(
                Figure(
                    SECTION,
                    f"{family.name} p99 to the final answer (deferred)",
                    done99,
                    "ms",
                    done99_floor,
                    f"< {TARGET_MS:.0f} ms",
                    done99 < TARGET_MS,
                    note=f"final answer p99 {done99:.1f} ms",
                )
            )
    curve(report, results)
    # Section 1c reads these figures (same size, same rounds) rather than measure again.
    report.extra["latency_rounds"] = rounds
    report.notes.append(
        f"latency: {where}; curve at {', '.join(str(r.communities) for r in results)} communities"
    )


def curve(report: Report, results: list[ScaleResult]) -> None:
    """Latency must not grow with the number of communities: for each larger database,
    the family whose median grew most, against its median on the smallest."""
    section = "1b latency against the number of communities"
    report.extra["latency_curve"] = {
        str(r.communities): {
            name: {
                "p50_ms": percentile(s.callback, 0.5),
                "p99_ms": percentile(s.callback, 0.99),
                "answer_p99_ms": percentile(s.done, 0.99),
                "deferred": s.deferred,
            }
            for name, s in r.samples.items()
        }
        for r in results
    }
    for grown in grew_most(results):
        report.add(
            Figure(
                section,
                f"{grown.communities} communities: {grown.family} p50 (grew most)",
                grown.median_ms,
                "ms",
                grown.first_median_ms,
                f"flat: <= 1.5x at {grown.first_communities}",
                grown.ratio <= 1.5,
                note=(
                    f"{grown.family} median {grown.ratio:.2f}x"
                    f" its {grown.first_communities}-community one"
                ),
            )
        )


@dataclass(frozen=True)
class Growth:
    """On one larger history, the family whose median to the final answer grew most
    against its own on the smallest history measured."""

    communities: int
    first_communities: int
    family: str
    median_ms: float
    first_median_ms: float

    @property
    def ratio(self) -> float:
        return self.median_ms / self.first_median_ms


def grew_most(results: list[ScaleResult]) -> list[Growth]:
    """One :class:`Growth` for each history after the first (SQLite's and PostgreSQL's
    curves read the same figure)."""
    first = results[0]

    def median(result: ScaleResult, name: str) -> float:
        return percentile(result.samples[name].done, 0.5)

    found = []
    for result in results[1:]:
        growth = {f.name: median(result, f.name) / median(first, f.name) for f in FAMILIES}
        worst = max(growth, key=growth.__getitem__)
        found.append(
            Growth(
                result.communities,
                first.communities,
                worst,
                median(result, worst),
                median(first, worst),
            )
        )
    return found
