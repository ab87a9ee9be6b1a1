"""Core figures: timer planning and firing, and slash-command latency end to end.

Run: ``python benchmarks/bench_core.py``. Prints figures and ratios to targets;
never part of the test suite (machines here are noisy).
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ControlledClock
from bot.config import SchedulerSettings, Settings
from bot.db import Database
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.timers import Timer
from bot.emulator import Emulator, build_sample_guild
from bot.scheduler import Firing, Scheduler, TimerKind
from cogs.client import running_bot

TIMERS = 5_000
COMMANDS = 200
TARGET_FIRE_PER_S = 500  # a community bot fires a few timers a minute; this is headroom
TARGET_P95_MS = 250  # far under Discord's 3 s interaction deadline


async def bench_timers(folder: Path) -> None:
    start = datetime(2026, 1, 5, 12, tzinfo=UTC)
    clock = ControlledClock(start)
    db = await Database.open(folder / "timers.sqlite3")
    async with db.transaction() as conn:
        await communities_db.upsert(
            conn,
            1,
            CommunitySettings(
                timezone="Europe/Paris",
                language="fr",
                checkin_channel_id=None,
                questions_channel_id=None,
                announcements_channel_id=None,
                facilitator_role_id=None,
                moderation_channel_id=None,
            ),
            [60],
            start,
        )
    scheduler = Scheduler(db, clock, SchedulerSettings(default_grace_minutes=10_000))
    fired = 0

    async def handler(timer: Timer, firing: Firing) -> None:
        nonlocal fired
        fired += 1
        await firing.delivered("channel")

    scheduler.register(TimerKind("bench", handler))
    t0 = time.perf_counter()
    async with db.transaction() as conn:
        for i in range(TIMERS):
            await scheduler.schedule(conn, 1, "bench", f"k{i}", start + timedelta(seconds=i))
    planned = time.perf_counter() - t0
    await clock.advance(timedelta(seconds=TIMERS))
    t0 = time.perf_counter()
    await scheduler.run_due()
    firing = time.perf_counter() - t0
    assert fired == TIMERS
    await db.close()
    rate = TIMERS / firing
    print(f"plan {TIMERS} timers in one transaction: {planned * 1000:.0f} ms")
    print(
        f"fire {TIMERS} timers: {firing:.2f} s = {rate:.0f}/s "
        f"(target {TARGET_FIRE_PER_S}/s, ratio {rate / TARGET_FIRE_PER_S:.1f}x)"
    )


async def bench_commands(folder: Path) -> None:
    async with Emulator() as emu:
        guild = build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
        settings = Settings(
            **{
                "discord": {
                    "token": emu.bot_token,
                    "api_base_url": f"{emu.http_url}/api/v10",
                    "gateway_url": emu.gateway_url,
                },
                "database": {"path": folder / "bot.sqlite3"},
                "privacy": {"secret": secrets.token_urlsafe(32)},
                "logging": {"level": "WARNING"},
            }
        )
        clock = ControlledClock(datetime(2026, 1, 5, 12, tzinfo=UTC))
        async with running_bot(settings, clock, guild_ready_timeout=0.05) as bot:
            await asyncio.wait_for(bot.ready_once.wait(), 30)
            await emu.slash(guild.id, guild.users["admin"], "plc setup", timezone="Europe/Paris")
            latencies = []
            for _ in range(COMMANDS):
                result = await emu.slash(guild.id, guild.users["bob"], "plc status")
                latencies.append(result.latency * 1000)
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[18]
    print(
        f"/plc status x{COMMANDS} through the emulator: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target p95 {TARGET_P95_MS} ms, ratio {TARGET_P95_MS / p95:.1f}x headroom)"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        await bench_timers(Path(folder))
        await bench_commands(Path(folder))


if __name__ == "__main__":
    asyncio.run(main())
