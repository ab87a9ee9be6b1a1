"""5b. The interactive lane: a live session's turns while 1,000 reminders go out.

The measured guild (30 members) runs live sessions as in the session round
(:mod:`.session_round`), beside 100 community guilds, each with a weekly meeting and ten
members going: their day-before reminders are due in the same minute, 1,000 DMs and 100
channel posts. The emulator's rate limits are on (50 requests/s) the whole time. First
turns with nothing else to send (idle), then the clock moves to the reminders' due
instant and the scheduler runs them (its bulk lane, paced: ~22 s), while the session's
turns go on, a little over a second apart (Discord's limit for one channel is five posts
in five seconds).

Figure: Done -> the bot's next post in the session's thread during the burst, against
the same idle: its p99 must stay under 50 ms and within 3x the idle p99. What keeps it
there: a turn's post runs in the scheduler's interactive lane (``Scheduler.run_now``
waits for no bulk run) and the pacer (``cogs/pacing.py``) serves interactive requests
before the burst's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.clock import ControlledClock
from bot.db import timers as timers_db
from bot.services.meetings.models import REMINDER_KIND
from cogs.client import PlcBot

from . import fixtures
from .fanout import plan_meetings
from .report import Figure, Report
from .session_round import Round, set_up
from .stack import bot_running, emulator, percentile
from .world import community_guild, measured_guild

SECTION = "5b session round during a reminder burst"
COMMUNITIES = 100
GOING = 10  # members of each community going: 100 x 10 = 1,000 reminder DMs
IDLE_TURNS = 20
#: Seconds between two turns: Discord takes five posts in five seconds in one channel
#: (the session's thread), whoever sends them; turns closer than that would measure
#: Discord's channel limit, not the bot. A real turn lasts minutes.
TURN_SPACING_S = 1.1
TARGET_RATIO = 3.0
TARGET_MS = 50.0


async def reminders_due(bot: PlcBot) -> datetime:
    """The instant the first reminders are due (the session's own timers come sooner)."""
    async with bot.core.db.read() as conn:
        due = await timers_db.next_wake(conn, [REMINDER_KIND])
    assert due is not None, "no reminder is planned"
    return due


async def run(report: Report, folder: Path, log: Callable[[str], None]) -> None:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        started = time.perf_counter()
        measured = measured_guild(emu.state, emu.bot_user_id)
        specs = [community_guild(emu.state, emu.bot_user_id, i) for i in range(COMMUNITIES)]
        # The bot knows its DM channel with each member it reminds (it keeps them).
        dm_channels = {
            member: emu.state.dm_channel(member).id
            for spec in specs
            for member in spec.member_ids[1 : 1 + GOING]
        }
        db_path = folder / "burst.sqlite3"
        await fixtures.add_communities(
            db_path, [measured.spec, *specs], fixtures.FIXTURE_NOW, dm_channels
        )
        async with bot_running(emu, clock, db_path) as bot:
            await set_up(emu, bot, measured)
            await plan_meetings(bot, specs, GOING)
            log(f"  {COMMUNITIES} meetings planned in {time.perf_counter() - started:.1f} s")
            rounds = Round(emu, bot, measured)
            await rounds.start()
            emu.rate_limits.enable()
            idle: list[float] = []
            for _ in range(IDLE_TURNS):
                idle.append((await rounds.turn()).posted_ms)
                await asyncio.sleep(TURN_SPACING_S)
            await clock.set(await reminders_due(bot))
            started = time.perf_counter()
            bulk = asyncio.create_task(bot.core.scheduler.run_due())
            during: list[float] = []
            while not bulk.done():
                during.append((await rounds.turn()).posted_ms)
                await asyncio.sleep(TURN_SPACING_S)
            await bulk
            seconds = time.perf_counter() - started
            emu.rate_limits.disable()
            dms = sum(
                len(emu.dms_to(member))
                for spec in specs
                for member in spec.member_ids[1 : 1 + GOING]
            )
    log(f"  {dms} reminder DMs in {seconds:.1f} s, {len(during)} turns meanwhile")
    figures(report, idle, during, dms, seconds)


def figures(
    report: Report, idle: list[float], during: list[float], dms: int, seconds: float
) -> None:
    idle99 = percentile(idle, 0.99)
    p99 = percentile(during, 0.99)
    report.add(
        Figure(SECTION, f"Done -> the bot's next post, idle: p99 ({len(idle)})", idle99, "ms")
    )
    report.add(
        Figure(
            SECTION,
            f"Done -> the bot's next post during {dms:,} reminders: p50",
            percentile(during, 0.5),
            "ms",
            percentile(idle, 0.5),
        )
    )
    report.add(
        Figure(
            SECTION,
            f"Done -> the bot's next post during {dms:,} reminders: p99 ({len(during)})",
            p99,
            "ms",
            idle99,
            f"< {TARGET_MS:.0f} ms, <= {TARGET_RATIO:.0f}x idle",
            p99 < TARGET_MS and p99 <= TARGET_RATIO * idle99,
            note=(
                f"a turn's post during {dms} reminders ({seconds:.0f} s): p99 {p99:.1f} ms, "
                f"{p99 / idle99:.1f}x idle"
            ),
        )
    )
    report.extra["session_burst"] = {
        "reminder_dms": dms,
        "burst_seconds": seconds,
        "idle_ms": idle,
        "during_ms": during,
    }
