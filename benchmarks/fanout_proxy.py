"""2b. Fan-out from two bot processes behind one REST proxy, under one global limit.

As the fan-out (``fanout.py``), with the communities split between two bots that share
one token (each on its own SQLite file, its own half of the communities) and send
through one ``plc-bot rest-proxy`` to the emulator, whose rate limits are on (50
requests a second per token, counted whoever sends). Every community's check-in opens
at the same instant in both. Each bot alone keeps to 50 a second: without the proxy
they would send 100 together.

Figure: due -> the last request, against the floor the shared limit sets for the
requests that were needed (answered requests / 50/s), and the share answered 429.
The two bots and the proxy run in this process's one event loop (as in the tests),
so they share a core: on a busy machine that is slower than two processes would be.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

from bot.clock import ControlledClock
from bot.config_proxy import RestProxySettings
from bot.emulator import Emulator
from cogs.client import PlcBot
from cogs.rest_proxy import RestProxy, serving_proxy

from . import fixtures
from .fanout import Burst, figures, plan_checkins, sent_since
from .fixtures import CommunitySpec
from .latency import meetings_reconciled
from .report import Report
from .stack import bot_running, emulator
from .world import community_guild

PROCESSES = 2


async def burst(emu: Emulator, bots: list[PlcBot], clock: ControlledClock) -> Burst:
    """Move the shared clock to the instant the check-ins are due; both bots run it."""
    dues = {await bot.core.scheduler.next_due() for bot in bots}
    assert len(dues) == 1 and None not in dues, f"not due at one instant: {dues}"
    [due] = dues
    assert due is not None
    emu.rate_limits.disable()  # a fresh window and fresh buckets
    emu.rate_limits.enable()
    mark = len(emu.recorder.requests)
    started = time.time()
    await clock.set(due)
    await asyncio.gather(*(bot.core.scheduler.run_due() for bot in bots))
    emu.rate_limits.disable()
    return sent_since(emu, mark, started)


def prompts_posted(emu: Emulator, specs: list[CommunitySpec]) -> int:
    return sum(
        1
        for spec in specs
        if any(m.author_id == emu.bot_user_id for m in emu.messages_in(spec.checkin_channel_id))
    )


async def run(report: Report, folder: Path, communities: int, log: Callable[[str], None]) -> None:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        started = time.perf_counter()
        specs = [community_guild(emu.state, emu.bot_user_id, i) for i in range(communities)]
        shares = [specs[n::PROCESSES] for n in range(PROCESSES)]
        upstream = RestProxySettings(listen="127.0.0.1:0", upstream=f"{emu.http_url}/api/v10")
        async with AsyncExitStack() as stack:
            proxy: RestProxy
            proxy, port = await stack.enter_async_context(serving_proxy(upstream))
            through_proxy = {"api_base_url": f"http://127.0.0.1:{port}"}
            bots = []
            for n, share in enumerate(shares):
                db_path = folder / f"process{n}.sqlite3"
                await fixtures.add_communities(db_path, share, fixtures.FIXTURE_NOW)
                bot = await stack.enter_async_context(
                    bot_running(emu, clock, db_path, discord=through_proxy)
                )
                bots.append(bot)
            for bot, share in zip(bots, shares, strict=True):
                await meetings_reconciled(bot)
                await plan_checkins(bot, share)
            up = time.perf_counter() - started
            log(f"  {PROCESSES} bots, {communities} guilds up in {up:.1f} s")
            opened = await burst(emu, bots, clock)
            counts = proxy.counts
            checked = (
                f"{prompts_posted(emu, specs)} of {communities} prompts posted; the proxy "
                f"forwarded {counts.forwarded}, saw {counts.limited} 429s"
            )
            log(f"  check-ins: {opened}; {checked}")
            what = f"{communities} check-ins opening, {PROCESSES} processes behind the proxy"
            figures(report, what, opened, checked)
