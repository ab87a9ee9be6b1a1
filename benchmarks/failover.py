"""6. Failover: three bot processes on one PostgreSQL, one killed mid-burst.

The reliability test's world (``tests/reliability/fleet.py``): ``plc-bot run``
processes, each serving its own shard, on one PostgreSQL database (a throwaway server),
through one REST proxy to the emulator, every reminder of a burst due at once. One
process holding claimed timers is killed with SIGKILL a third of the way through the
burst; the timers it had claimed are then read from the database.

Figure: the kill -> the last of those timers closed by the surviving processes, against
the lease (the floor: a claim not renewed is free once its lease ends). Target: within
the lease + 2 s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.postgres_server import INSTALL_HINT, PostgresServer, find_binaries
from tests.reliability.fleet import GOERS, Fleet, fleet_on

from .report import Figure, Report

SECTION = "6 failover: a process killed mid-burst"
LEASE_SECONDS = 3.0
SLACK_SECONDS = 2.0


async def _kill_one_holding_claims(fleet: Fleet, after_sends: int) -> tuple[int, float]:
    """Once the burst is that far, SIGKILL a process that holds claimed timers; which
    one, and when."""
    pids = {bot.pid: n for n, bot in enumerate(fleet.bots)}
    while True:
        if fleet.reminder_sends() >= after_sends:
            for row in await fleet.fetch(
                "SELECT DISTINCT lease_owner FROM timers "
                "WHERE status = 'pending' AND lease_owner IS NOT NULL"
            ):
                pid = int(str(row["lease_owner"]).split(":")[-2])
                if pid in pids:
                    fleet.bots[pids[pid]].kill_now()
                    return pids[pid], time.perf_counter()
        assert not fleet.burst_done(), "the burst ended before the kill"
        await asyncio.sleep(0.01)


async def _taken_over(fleet: Fleet, timer_ids: list[int], owner: str) -> tuple[float, float]:
    """When another process first claimed one of them, and when the last was closed."""
    first: float | None = None
    while True:
        rows = await fleet.fetch(
            "SELECT status, lease_owner FROM timers WHERE id = ANY($1)", timer_ids
        )
        if first is None and any(r["lease_owner"] not in (None, owner) for r in rows):
            first = time.perf_counter()
        if all(r["status"] != "pending" for r in rows):
            closed = time.perf_counter()
            return first or closed, closed
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class Failover:
    taken: float
    """Seconds from the kill to the first of its claimed timers claimed by another."""
    closed: float
    """Seconds from the kill to the last of them closed."""
    held: int
    checked: str


async def measure(folder: Path, server: PostgresServer, meetings: int) -> Failover:
    url = await server.fresh()
    sends = meetings * 2 * (1 + GOERS)
    try:
        async with fleet_on(folder, url, lease_seconds=LEASE_SECONDS, meetings=meetings) as fleet:
            for bot in fleet.bots:
                await bot.start()
            n, killed_at = await _kill_one_holding_claims(fleet, sends // 3)
            victim = fleet.bots[n]
            await victim.wait(timeout=120)
            rows = await fleet.fetch(
                "SELECT id, lease_owner FROM timers WHERE status = 'pending' "
                "AND lease_owner LIKE $1",
                f"%:{victim.pid}:%",
            )
            held = [int(row["id"]) for row in rows]
            taken, closed = await asyncio.wait_for(
                _taken_over(fleet, held, str(rows[0]["lease_owner"])), 120
            )
            await fleet.emu.wait_for(fleet.burst_done, timeout=120)
            seen = fleet.sends()
            checked = (
                f"{seen.distinct} of {sends} reminders on Discord, "
                f"{len(seen.duplicates)} nonce(s) with two messages"
            )
            for bot in fleet.bots:
                if bot is not victim:
                    await bot.stop()
    finally:
        await server.drop(url)
    return Failover(taken - killed_at, closed - killed_at, len(held), checked)


async def run(report: Report, folder: Path, meetings: int, log: Callable[[str], None]) -> None:
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError(INSTALL_HINT)
    server = PostgresServer(binaries)
    server.start()
    try:
        found = await measure(folder, server, meetings)
    finally:
        server.stop()
    log(
        f"  killed holding {found.held} claimed timer(s): the first taken over "
        f"{found.taken:.1f} s later, the last closed {found.closed:.1f} s later"
    )
    log(f"  {found.checked}")
    note = f"3 processes, lease {LEASE_SECONDS:.0f} s, {meetings * 2} reminders; {found.checked}"
    target = f"<= lease + {SLACK_SECONDS:.0f} s"
    for name, seconds in (
        (f"kill -> its {found.held} claimed timer(s) closed by the others", found.closed),
        ("kill -> the first of them claimed by another", found.taken),
    ):
        met = seconds <= LEASE_SECONDS + SLACK_SECONDS
        report.add(Figure(SECTION, name, seconds, "s", LEASE_SECONDS, target, met, note=note))
