"""3. Restart: time to ready and peak memory with many future timers.

``plc-bot run`` as an operator starts it (a subprocess with a config file), against
the emulator running here, on a database of 100 set-up communities and N timers due
in the coming weeks. *Ready* is the first ``GET /healthz`` answered 200 (gateway
connected, database writable, scheduler running), timed from the spawn. *Peak RSS*
is the kernel's high-water mark of the process's resident memory (``VmHWM`` in
``/proc/PID/status``), read a second after ready, when the start-up work is done; it
covers everything the process ever held (Python, discord.py, SQLite's page cache).
The floor is the same start with no timer at all, measured in the same run.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import socket
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bot.clock import ControlledClock
from bot.emulator import Emulator

from . import fixtures
from .report import Figure, Report
from .stack import emulator
from .world import community_guild

SECTION = "3 restart with future timers"
COMMUNITIES = 100
TARGET_READY_S = 3.0
TARGET_RSS_MB = 200.0
TARGET_FLAT = 1.1  # peak RSS at the largest count, against none
SETTLE_S = 1.0
KINDS = ("meeting_reminder", "checkin_open", "checkin_close", "action_due", "rotation_offer")
ROOT = Path(__file__).resolve().parents[1]
#: What the bot logs once the page check it left for after ready is done.
BACKGROUND_CHECK = re.compile(r"page check of .*: ok \(([\d.]+) s, in the background\)")


@dataclass(frozen=True)
class Start:
    ready_s: float
    peak_rss_mb: float
    background_check_s: float | None = None


def add_future_timers(path: Path, guild_ids: list[int], count: int, now: datetime) -> None:
    """``count`` pending timers of the bot's kinds, due over the coming weeks."""
    first = now + timedelta(days=1)
    rows = (
        (
            guild_ids[n % len(guild_ids)],
            KINDS[n % len(KINDS)],
            f"bench:{n}",
            fixtures.instant(first + timedelta(seconds=37 * n)),
            fixtures.instant(now),
        )
        for n in range(count)
    )
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO timers (guild_id, kind, key, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def postpone_pending(path: Path, now: datetime) -> None:
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE timers SET due_at = ?, retry_at = NULL WHERE status = 'pending'",
            (fixtures.instant(now + timedelta(days=1)),),
        )


def quick_check_seconds(path: Path) -> float:
    """What ``Database.open`` spends checking the file for damage before it starts, measured
    alone."""
    started = time.perf_counter()
    with sqlite3.connect(path) as db:
        (result,) = db.execute("PRAGMA quick_check").fetchone()
    if result != "ok":
        raise RuntimeError(f"the fixture database is damaged: {result}")
    return time.perf_counter() - started


def _exists(path: Path) -> bool:
    return path.exists()


def _size_mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def write_config(
    path: Path, emu: Emulator, db_path: Path, port: int, level: str = "WARNING"
) -> Path:
    path.write_text(
        f'[discord]\napi_base_url = "{emu.http_url}/api/v10"\n'
        f'gateway_url = "{emu.gateway_url}"\n'
        f'[database]\npath = "{db_path}"\n'
        f'[privacy]\nsecret = "{secrets.token_urlsafe(32)}"\n'
        f"[ops]\nhealth_port = {port}\n"
        f'[logging]\nlevel = "{level}"\n'
    )
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc (not Linux?)")


async def start_once(
    emu: Emulator, db_path: Path, folder: Path, *, background_check: bool = False
) -> Start:
    """One start; with ``background_check``, stopped only once the bot logged how long
    the page check it ran after ready took."""
    port = free_port()
    level = "INFO" if background_check else "WARNING"
    config = write_config(folder / "config.toml", emu, db_path, port, level)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith("PLCBOT_") and name.upper() != "DISCORD_TOKEN"
    }
    env["DISCORD_TOKEN"] = emu.bot_token
    log = folder / "bot.log"
    log_from = log.stat().st_size if log.exists() else 0
    started = time.monotonic()
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--config", str(config), "run",
            cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out,
        )  # fmt: skip
    try:
        ready = await _ready(port, process, started, log)
        await asyncio.sleep(SETTLE_S)
        peak = peak_rss_mb(process.pid)
        checked = await _background_check_s(log, log_from) if background_check else None
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 60)
    return Start(ready, peak, checked)


async def _background_check_s(log: Path, log_from: int) -> float:
    """How long the page check after ready took, as the bot logged it (INFO)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with log.open("rb") as lines:
            lines.seek(log_from)
            found = BACKGROUND_CHECK.search(lines.read().decode(errors="replace"))
        if found:
            return float(found.group(1))
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no background page check logged within 600 s; see {log}")


async def _ready(
    port: int, process: asyncio.subprocess.Process, started: float, log: Path
) -> float:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() - started < 120:
            if process.returncode is not None:
                raise RuntimeError(f"plc-bot run exited; its log: {log}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.01)
    raise TimeoutError("plc-bot run was not ready within 120 s")


async def measure(emu: Emulator, db_path: Path, folder: Path, repeats: int) -> Start:
    """The fastest ready of ``repeats`` starts (noise only adds), the median peak."""
    starts = [await start_once(emu, db_path, folder) for _ in range(repeats)]
    return Start(min(s.ready_s for s in starts), statistics.median(s.peak_rss_mb for s in starts))


async def run(
    report: Report,
    folder: Path,
    counts: list[int],
    repeats: int,
    log: Callable[[str], None],
    history_db: Path | None = None,
) -> None:
    now = datetime.now(UTC)
    clock = ControlledClock(now)
    async with emulator(clock) as emu:
        specs = [community_guild(emu.state, emu.bot_user_id, i) for i in range(COMMUNITIES)]
        results: dict[int, Start] = {}
        for count in [0, *counts]:
            db_path = folder / f"restart-{count}.sqlite3"
            await fixtures.add_communities(db_path, specs, now)
            add_future_timers(db_path, [s.guild_id for s in specs], count, now)
            results[count] = await measure(emu, db_path, folder, repeats)
            log(f"  {count:>7,} timers: {results[count]}")
        floor = results[0]
        for count in counts:
            result = results[count]
            largest = count == counts[-1]
            report.add(
                Figure(
                    SECTION,
                    f"{count:,} future timers: ready",
                    result.ready_s,
                    "s",
                    floor.ready_s,
                    f"< {TARGET_READY_S:.0f} s" if largest else "",
                    result.ready_s < TARGET_READY_S if largest else None,
                    note=f"ready in {result.ready_s:.2f} s with {count:,} timers",
                )
            )
            report.add(
                Figure(
                    SECTION,
                    f"{count:,} future timers: peak RSS",
                    result.peak_rss_mb,
                    "MB",
                    floor.peak_rss_mb,
                    f"< {TARGET_RSS_MB:.0f} MB, <= {TARGET_FLAT}x none" if largest else "",
                    (
                        result.peak_rss_mb < TARGET_RSS_MB
                        and result.peak_rss_mb <= TARGET_FLAT * floor.peak_rss_mb
                    )
                    if largest
                    else None,
                    note=f"peak RSS {result.peak_rss_mb:.0f} MB with {count:,} timers",
                )
            )
        report.extra["restart"] = {
            str(count): {"ready_s": r.ready_s, "peak_rss_mb": r.peak_rss_mb}
            for count, r in results.items()
        }
        if history_db is not None and _exists(history_db):
            await _year_of_history(report, emu, history_db, folder, floor, now)


async def _year_of_history(
    report: Report, emu: Emulator, history_db: Path, folder: Path, floor: Start, now: datetime
) -> None:
    """Two starts on the latency database: the first after the file changed (every page
    checked before ready, as after a crash), the second after that start's clean stop
    (the page check after ready, in the background, timed from the bot's log)."""
    # Its instants are the fixture's; plc-bot run reads the system clock. The pending
    # timers move to the coming days, or the start would be spent reporting every one
    # of them missed.
    postpone_pending(history_db, now)
    checked = quick_check_seconds(history_db)
    changed = await measure(emu, history_db, folder, 1)
    restarted = await start_once(emu, history_db, folder, background_check=True)
    size = _size_mb(history_db)
    report.add(
        Figure(
            SECTION,
            f"on the latency database ({size:,.0f} MB: a year of history), after a clean stop",
            restarted.ready_s,
            "s",
            floor.ready_s,
            f"< {TARGET_READY_S:.0f} s",
            restarted.ready_s < TARGET_READY_S,
            note=f"ready in {restarted.ready_s:.2f} s on a year of history",
        )
    )
    report.add(
        Figure(
            SECTION,
            "  after a crash or a changed file: every page checked before ready",
            changed.ready_s,
            "s",
            floor.ready_s,
            note="what every start did before: a damaged file stops start-up",
        )
    )
    report.add(
        Figure(
            SECTION,
            "  PRAGMA quick_check (timed alone)",
            checked,
            "s",
        )
    )
    if restarted.background_check_s is not None:
        report.add(
            Figure(
                SECTION,
                "  the page check after a clean stop (in the background, after ready)",
                restarted.background_check_s,
                "s",
                checked,
                note="it runs on its own read-only connection while the bot answers",
            )
        )
