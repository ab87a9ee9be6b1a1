"""2. Fan-out: many communities due in the same minute, under Discord's global limit.

N guilds of 30 members in the emulator, set up in the database, each with a weekly
check-in and a weekly meeting (three members going) made through the service layer,
all at the same local time. Then the emulator's rate limits are turned on (global:
50 requests/s per token; per route: Discord's buckets) and the clock is moved to the
instant they are due, and the scheduler runs what is due, as its wake-up would.

Figure: the time from due to the last request, against the floor the global limit
sets for the requests that were needed (answered requests ÷ 50/s); and the share of
requests answered 429. A bot that paces itself is near the floor with no 429; one
that hammers gets 429s and waits them out. Meanwhile a member runs the no-op every
250 ms: their commands must not wait behind the burst (idle p99 is the floor).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.actor import Actor
from bot.clock import ControlledClock
from bot.db import meeting_rsvps as rsvps_db
from bot.emulator import Emulator
from bot.emulator.ratelimits import GLOBAL_LIMIT
from bot.services.checkins import CheckinService
from bot.services.meetings import MeetingService
from cogs.client import PlcBot

from . import fixtures
from .fixtures import CommunitySpec
from .latency import meetings_reconciled
from .report import Figure, Report
from .stack import Samples, bot_running, emulator, percentile, timed
from .world import community_guild

SECTION = "2 fan-out under the global limit"
TARGET_RATIO = 1.1
TARGET_429 = 0.01
GOING = 3  # members who answered "going": each gets the reminder by DM
PING_EVERY_S = 0.25
IDLE_COMMANDS = 100
DEADLINE_MS = 3000.0


@dataclass(frozen=True)
class Burst:
    """What the bot sent for one due minute."""

    answered: int
    limited: int
    seconds: float
    routes: dict[str, int]
    global_limited: int = 0
    """Of the 429s, those of the global limit (the others: a route's bucket)."""

    @property
    def floor(self) -> float:
        return self.answered / GLOBAL_LIMIT

    @property
    def share_limited(self) -> float:
        total = self.answered + self.limited
        return self.limited / total if total else 0.0


def owner_of(spec: CommunitySpec) -> Actor:
    return Actor(spec.guild_id, spec.member_ids[0], manages_guild=True)


async def prepare(bot: PlcBot, specs: list[CommunitySpec]) -> None:
    """Each community's weekly check-in and weekly meeting, all at the same local time."""
    await plan_checkins(bot, specs)
    await plan_meetings(bot, specs, GOING)


async def plan_checkins(bot: PlcBot, specs: list[CommunitySpec]) -> None:
    """Each community's weekly check-in, opening on Mondays at 09:00 local time."""
    checkins = bot.services.get(CheckinService)
    for spec in specs:
        await checkins.set_schedule(
            owner_of(spec),
            weekday=0,
            time_text="09:00",
            questions_text=None,
            close_after_hours=48,
            pulse=False,
        )


async def plan_meetings(bot: PlcBot, specs: list[CommunitySpec], going: int) -> None:
    """Each community's weekly meeting at the same local time, ``going`` members going."""
    meetings = bot.services.get(MeetingService)
    for spec in specs:
        owner = owner_of(spec)
        draft = await meetings.draft_schedule(
            owner, title="PLC meeting", when="2026-01-21 16:00", duration=60, repeat="weekly"
        )
        scheduled = await meetings.schedule(owner, draft)
        occurrence = scheduled.upcoming.occurrence.id
        # Answers written as the RSVP buttons store them, without the announcement's
        # edits (they are not what is measured, and they would take minutes here).
        async with bot.core.db.transaction() as conn:
            for member in spec.member_ids[1 : 1 + going]:
                await rsvps_db.put_rsvp(
                    conn, spec.guild_id, occurrence, member, "going", bot.core.clock.now()
                )


class Member:
    """A member of the first community running the no-op now and then (a command
    during the burst: the burst must not hold it up)."""

    def __init__(self, emu: Emulator, spec: CommunitySpec) -> None:
        self.emu, self.spec = emu, spec
        self.samples = Samples()

    async def command(self) -> None:
        user, channel = self.spec.member_ids[5], self.spec.general_channel_id
        self.samples.add(
            await timed(self.emu.slash(self.spec.guild_id, user, "bench-noop", channel_id=channel))
        )

    async def keep_going(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.command()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PING_EVERY_S)


async def burst(emu: Emulator, bot: PlcBot, clock: ControlledClock, member: Member) -> Burst:
    """Move the clock to the next due instant, run what is due, read what was sent."""
    due = await bot.core.scheduler.next_due()
    assert due is not None, "nothing is planned"
    emu.rate_limits.disable()  # a fresh window and fresh buckets
    emu.rate_limits.enable()
    mark = len(emu.recorder.requests)
    started = time.time()
    stop = asyncio.Event()
    pinging = asyncio.create_task(member.keep_going(stop))
    await clock.set(due)
    await bot.core.scheduler.run_due()
    stop.set()
    await pinging
    emu.rate_limits.disable()
    return sent_since(emu, mark, started)


def sent_since(emu: Emulator, mark: int, started: float) -> Burst:
    """What reached the emulator since its ``mark``-th request, ``started`` (epoch s)."""
    # Interaction responses are not bound to the global limit (nor paced): left out.
    sent = [
        r
        for r in emu.recorder.requests[mark:]
        if not r.route.startswith(("/interactions/", "/webhooks/"))
    ]
    if not sent:
        return Burst(0, 0, 0.0, {})
    routes: dict[str, int] = {}
    for request in sent:
        routes[f"{request.method} {request.route}"] = (
            routes.get(f"{request.method} {request.route}", 0) + 1
        )
    return Burst(
        answered=sum(1 for r in sent if r.status != 429),
        limited=sum(1 for r in sent if r.status == 429),
        seconds=max(r.time for r in sent) - started,
        routes=routes,
        global_limited=sum(
            1
            for r in sent
            if r.status == 429 and isinstance(r.response, dict) and r.response.get("global")
        ),
    )


def figures(report: Report, what: str, result: Burst, checked: str) -> None:
    met = result.seconds <= TARGET_RATIO * result.floor and result.share_limited < TARGET_429
    report.add(
        Figure(
            SECTION,
            f"{what}: due -> last request",
            result.seconds,
            "s",
            result.floor,
            f"<= {TARGET_RATIO}x ({result.answered:,} requests / {GLOBAL_LIMIT}/s)",
            result.seconds <= TARGET_RATIO * result.floor,
            note=f"{what}: {result.seconds:.1f} s for a floor of {result.floor:.1f} s; {checked}",
        )
    )
    report.add(
        Figure(
            SECTION,
            f"{what}: requests answered 429",
            100 * result.share_limited,
            "%",
            target=f"< {100 * TARGET_429:.0f}% of {result.answered + result.limited}",
            met=result.share_limited < TARGET_429,
            note=f"{what}: {result.limited} requests answered 429",
        )
    )
    report.extra.setdefault("fanout", {})[what] = {
        "answered": result.answered,
        "limited": result.limited,
        "limited_global": result.global_limited,
        "seconds": result.seconds,
        "floor_seconds": result.floor,
        "routes": result.routes,
        "met": met,
    }


async def run(report: Report, folder: Path, communities: int, log: Callable[[str], None]) -> None:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        started = time.perf_counter()
        specs = [community_guild(emu.state, emu.bot_user_id, i) for i in range(communities)]
        db_path = folder / "fanout.sqlite3"
        # A year on, the bot knows its DM channel with each member it reminds (it keeps
        # them): a reminder DM is one request. A member's first DM ever also asks
        # Discord for the channel, at 5 a second for all DMs (the route's bucket).
        dm_channels = {
            member: emu.state.dm_channel(member).id
            for spec in specs
            for member in spec.member_ids[1 : 1 + GOING]
        }
        await fixtures.add_communities(db_path, specs, fixtures.FIXTURE_NOW, dm_channels)
        async with bot_running(emu, clock, db_path) as bot:
            await meetings_reconciled(bot)
            log(f"  {communities} guilds up in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            await prepare(bot, specs)
            log(f"  check-ins and meetings planned in {time.perf_counter() - started:.1f} s")

            member = Member(emu, specs[0])
            for _ in range(IDLE_COMMANDS + 5):  # the first five: warm-up
                await member.command()
            idle, member.samples = member.samples, Samples()
            idle.callback = idle.callback[5:]
            opened = await burst(emu, bot, clock, member)
            prompts = sum(
                1
                for spec in specs
                if any(
                    m.author_id == emu.bot_user_id for m in emu.messages_in(spec.checkin_channel_id)
                )
            )
            log(f"  check-ins: {opened}")
            figures(report, f"{communities} check-ins opening", opened, f"{prompts} prompts posted")

            # The meetings' day-before reminders: DMs to those going, then the channel post.
            reminded = await burst(emu, bot, clock, member)
            dms = sum(
                len(emu.dms_to(member))
                for spec in specs
                for member in spec.member_ids[1 : 1 + GOING]
            )
            log(f"  reminders: {reminded}")
            figures(
                report,
                f"{communities} meeting reminders ({GOING} DMs each)",
                reminded,
                f"{dms} of {GOING * communities} DMs delivered",
            )
    during = member.samples
    p99, idle99 = percentile(during.callback, 0.99), percentile(idle.callback, 0.99)
    report.add(
        Figure(
            SECTION,
            f"a member's command during the bursts: p99 ({len(during.callback)})",
            p99,
            "ms",
            idle99,
            "answered within Discord's 3 s",
            max(during.callback) < DEADLINE_MS,
            note=f"no-op during the bursts: p99 {p99:.0f} ms, max {max(during.callback):.0f} ms",
        )
    )
