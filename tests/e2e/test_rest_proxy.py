"""Two bot processes behind one REST proxy share Discord's global limit, and keep to it.

The emulator enforces Discord's limits (50 requests a second per token: a 429 beyond).
Two real bots (``running_bot``: discord.py, the services, each its own SQLite file and
its own communities) send through one ``plc-bot rest-proxy`` to it, with the same
token. Every community's check-in opens at the same instant: each bot alone would keep
to 50 a second, 100 together; through the proxy, no window of the emulator's counts
more than 50, none is answered 429, every prompt is posted, and a live session's post
sent during the burst goes ahead of the bulk waiting.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import discord
import discord.gateway
import discord.http

from bot.actor import Actor
from bot.clock import ControlledClock
from bot.config import Settings
from bot.config_proxy import RestProxySettings
from bot.db.communities import SetupChanges
from bot.emulator import Emulator
from bot.emulator.ratelimits import GLOBAL_LIMIT, most_in_one_second
from bot.emulator.recorder import RecordedRequest
from bot.emulator.sample import BOT_PERMISSIONS
from bot.scheduler import INTERACTIVE
from bot.services.checkins import CheckinService
from bot.services.community import CommunityService
from cogs.client import PlcBot, running_bot
from cogs.rest_proxy import EXEMPT, RestProxy, serving_proxy
from tests.e2e.harness import restore_discord_endpoints, wait_until_ready

COMMUNITIES_EACH = 40
MEMBERS = 3


def community(emu: Emulator, index: int) -> tuple[Actor, int]:
    """A guild with an owner, two members and a check-in channel; its owner and channel."""
    state = emu.state
    users = [state.add_user(f"p{index}m{n}").id for n in range(MEMBERS)]
    guild = state.add_guild(f"Proxy community {index}", owner_id=users[0])
    bot_role = state.add_role(guild.id, "PLC Bot", permissions=BOT_PERMISSIONS, managed=True,
                              tags={"bot_id": str(emu.bot_user_id)})  # fmt: skip
    for user in users[1:]:
        state.add_member(guild.id, user)
    state.add_member(guild.id, emu.bot_user_id, roles=[bot_role.id])
    channel = state.add_channel(guild.id, "check-ins", position=0).id
    return Actor(guild.id, users[0], manages_guild=True), channel


async def set_up(bot: PlcBot, owners: list[tuple[Actor, int]]) -> None:
    """Each community set up, its check-in opening on Mondays at 09:00."""
    communities, checkins = bot.services.get(CommunityService), bot.services.get(CheckinService)
    for owner, channel in owners:
        changes = SetupChanges(
            timezone="America/Toronto", language="en", checkin_channel_id=channel
        )
        await communities.configure(owner, changes)
        await checkins.set_schedule(owner, weekday=0, time_text="09:00", questions_text=None,
                                    close_after_hours=48, pulse=False)  # fmt: skip


def settings(emu: Emulator, proxy_port: int, db_path: Path) -> Settings:
    return Settings(
        discord={
            "token": emu.bot_token,
            "api_base_url": f"http://127.0.0.1:{proxy_port}",
            "gateway_url": emu.gateway_url,
        },
        database={"path": db_path},
        privacy={"secret": secrets.token_urlsafe(32)},
        logging={"level": "WARNING"},
    )


@asynccontextmanager
async def two_bots_behind_a_proxy(
    tmp_path: Path, clock: ControlledClock
) -> AsyncIterator[tuple[Emulator, RestProxy, list[PlcBot], list[list[tuple[Actor, int]]]]]:
    saved_base, saved_gateway = restore_discord_endpoints()
    emu = Emulator()
    await emu.start()
    emu.state.now_timestamp = lambda: clock.now().timestamp()
    owners = [[community(emu, b * COMMUNITIES_EACH + i) for i in range(COMMUNITIES_EACH)]
              for b in range(2)]  # fmt: skip
    upstream = RestProxySettings(listen="127.0.0.1:0", upstream=f"{emu.http_url}/api/v10")
    try:
        async with AsyncExitStack() as stack:
            proxy, port = await stack.enter_async_context(serving_proxy(upstream))
            bots = []
            for n in range(2):
                each = settings(emu, port, tmp_path / f"bot{n}.sqlite3")
                bot = await stack.enter_async_context(
                    running_bot(each, clock, guild_ready_timeout=0.05, settle_heap=False)
                )
                await wait_until_ready(bot, seconds=60, who=f"bot {n}")
                bots.append(bot)
            yield emu, proxy, bots, owners
    finally:
        await emu.stop()
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


def counted(requests: list[RecordedRequest]) -> list[RecordedRequest]:
    """The requests Discord's global limit counts (interaction endpoints aside)."""
    return [r for r in requests if not EXEMPT.match(r.path)]


async def post(bot: PlcBot, channel_id: int, text: str, *, interactive: bool = False) -> None:
    """A post through discord.py, from the bulk lane or (what a live session's next turn
    sends) the interactive one."""
    INTERACTIVE.set(interactive)  # this task's own context
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send(text)


async def test_two_bots_through_one_proxy_keep_to_one_global_limit(
    tmp_path: Path, clock: ControlledClock
) -> None:
    """Every community's check-in opens at once, in both processes."""
    async with two_bots_behind_a_proxy(tmp_path, clock) as (emu, proxy, bots, owners):
        for bot, theirs in zip(bots, owners, strict=True):
            await set_up(bot, theirs)
        dues = [await bot.core.scheduler.next_due() for bot in bots]
        assert dues[0] is not None and dues[0] == dues[1]
        emu.rate_limits.enable()  # Discord's own: 50 a second per token, route buckets
        mark = len(emu.recorder.requests)
        await clock.set(dues[0])
        await asyncio.gather(*(bot.core.scheduler.run_due() for bot in bots))
        sent = counted(emu.recorder.requests[mark:])
        prompts = [
            [m for m in emu.messages_in(channel) if m.author_id == emu.bot_user_id]
            for theirs in owners
            for _owner, channel in theirs
        ]
    assert [r for r in sent if r.status == 429] == []
    assert most_in_one_second([r.time for r in sent]) <= GLOBAL_LIMIT
    assert len(sent) > 2 * GLOBAL_LIMIT  # more than two windows' worth: the limit mattered
    assert [len(found) for found in prompts] == [1] * 2 * COMMUNITIES_EACH
    assert proxy.counts.limited == 0


async def test_a_live_session_s_post_overtakes_the_bulk_queued_at_the_proxy(
    tmp_path: Path, clock: ControlledClock
) -> None:
    """Both processes post to each of their channels at once; once the proxy holds a
    queue, a live session's turn is posted: it goes ahead of the bulk waiting there."""
    async with two_bots_behind_a_proxy(tmp_path, clock) as (emu, proxy, bots, owners):
        emu.rate_limits.enable()
        mark = len(emu.recorder.requests)
        bulk = [
            asyncio.create_task(post(bot, channel, "reminder"))
            for bot, theirs in zip(bots, owners, strict=True)
            for _owner, channel in theirs
        ]
        await emu.recorder.wait_for(lambda: len(emu.recorder.requests) >= mark + 30, timeout=60)
        asked = len(emu.recorder.requests)
        turn_channel = owners[0][0][1]
        await asyncio.create_task(post(bots[0], turn_channel, "next speaker", interactive=True))
        await asyncio.gather(*bulk)
        after = emu.recorder.requests[asked:]
        sent = counted(emu.recorder.requests[mark:])
        posts = [len(emu.messages_in(channel)) for theirs in owners for _owner, channel in theirs]
    at = next(i for i, r in enumerate(after) if (r.json or {}).get("content") == "next speaker")
    # Only the requests already on their way went before it (a slow machine may let a
    # few more through meanwhile), while many more were waiting (about 30 went first
    # without its lane).
    assert at <= 5
    assert len(after) - at - 1 >= 25
    assert [r for r in sent if r.status == 429] == []
    assert most_in_one_second([r.time for r in sent]) <= GLOBAL_LIMIT
    assert posts == [2] + [1] * (2 * COMMUNITIES_EACH - 1)
    assert proxy.counts.limited == 0
