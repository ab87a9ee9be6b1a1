"""Two bots, each serving one of two shards, against one emulator: a slash command in a
guild is answered by the bot of that guild's shard only. Both start as ``plc-bot run``
starts Discord (``running_bot``), each on its own SQLite file, or both on one PostgreSQL
database (as several processes share one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bot.clock import ControlledClock
from bot.db.codec import fetch_column
from bot.db.url import DatabaseUrl
from bot.emulator import Emulator
from bot.shards import shard_claims_for
from cogs.client import gateway_connected
from tests.e2e.harness import Harness, restore_discord_endpoints
from tests.shard_guilds import sample_guild_on_shard


@pytest.fixture
async def emu(clock: ControlledClock) -> AsyncIterator[Emulator]:
    saved_base, saved_gateway = restore_discord_endpoints()
    async with Emulator() as emulator:
        emulator.state.now_timestamp = lambda: clock.now().timestamp()
        try:
            yield emulator
        finally:
            discord.http.Route.BASE = saved_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


@pytest.fixture
async def bots(
    emu: Emulator, tmp_path: Path, clock: ControlledClock, database_url: DatabaseUrl | None
) -> AsyncIterator[tuple[Harness, Harness]]:
    """The bot of shard 0 and the bot of shard 1 (of 2), each with a guild of its shard."""
    harnesses = []
    for shard in (0, 1):
        folder = tmp_path / f"shard-{shard}"
        folder.mkdir()
        guild = sample_guild_on_shard(
            emu.state, bot_user_id=emu.bot_user_id, shard=shard, shard_count=2
        )
        harnesses.append(
            Harness(
                emu=emu,
                guild=guild,
                clock=clock,
                tmp_path=folder,
                database=database_url,
                settings_overrides={"discord": {"shard_count": 2, "shard_ids": [shard]}},
            )
        )
    first, second = harnesses
    try:
        await first.start()
        await second.start()
        yield first, second
    finally:
        await first.stop()
        await second.stop()


async def communities(bot: Harness) -> list[int]:
    async with bot.core.db.read() as conn:
        return await fetch_column(conn, "SELECT guild_id FROM communities ORDER BY guild_id")


async def test_each_bot_answers_only_the_guilds_of_its_shard(
    emu: Emulator, bots: tuple[Harness, Harness]
) -> None:
    first, second = bots
    assert isinstance(first.bot, discord.AutoShardedClient)
    assert (first.bot.shard_ids, first.bot.shard_count) == ([0], 2)
    assert [g.id for g in first.bot.guilds] == [first.guild.id]
    assert [g.id for g in second.bot.guilds] == [second.guild.id]
    assert gateway_connected(first.bot)() and gateway_connected(second.bot)()  # /healthz

    await first.setup_community()  # /plc setup in the guild of shard 0
    assert await communities(first) == [first.guild.id]
    if first.database is None:
        assert await communities(second) == []  # the second bot never saw it
    else:  # one database: the second bot reads what the first wrote
        assert await communities(second) == [first.guild.id]

    await second.setup_community()  # and in the guild of shard 1
    if first.database is None:
        assert await communities(second) == [second.guild.id]
        assert await communities(first) == [first.guild.id]
    else:
        both = sorted([first.guild.id, second.guild.id])
        assert await communities(second) == both and await communities(first) == both

    def interactions(shard: tuple[int, int]) -> list[str]:
        log = emu.gateway.serving[shard].log
        return [p["d"]["guild_id"] for p in log if p["t"] == "INTERACTION_CREATE"]

    assert interactions((0, 2)) == [str(first.guild.id)]
    assert interactions((1, 2)) == [str(second.guild.id)]


async def test_a_sharded_bot_holds_its_shards_while_it_runs(
    bots: tuple[Harness, Harness],
) -> None:
    first = bots[0]
    claims = shard_claims_for(first.settings())  # beside the file, or in the database
    held = await asyncio.to_thread(claims.held)
    shared = first.database is not None  # on PostgreSQL, both bots' claims are there
    assert sorted(c.shard_ids for c in held) == ([(0,), (1,)] if shared else [(0,)])
    await first.stop()
    held = await asyncio.to_thread(claims.held)
    assert [c.shard_ids for c in held] == ([(1,)] if shared else [])  # freed at stop
