"""The gateway's sharding, as Discord does it: each session gets only its shard's guilds
(``(guild_id >> 22) % count``), DMs go to shard 0, a bad shard is refused with 4010, a
session holding too many guilds with 4011, and ``/gateway/bot`` recommends a count."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import Emulator, SampleGuild
from bot.emulator.gateway import Intent, Op, shard_of
from tests.shard_guilds import sample_guild_on_shard

from .minibot import TOKEN


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def guilds(emu: Emulator) -> tuple[SampleGuild, SampleGuild]:
    """One guild on each of two shards."""
    return tuple(  # type: ignore[return-value]
        sample_guild_on_shard(emu.state, bot_user_id=emu.bot_user_id, shard=n, shard_count=2)
        for n in (0, 1)
    )


async def identify(
    http: aiohttp.ClientSession, emu: Emulator, shard: Any
) -> aiohttp.ClientWebSocketResponse:
    """A raw gateway connection that sent IDENTIFY with ``shard``."""
    ws = await http.ws_connect(f"{emu.gateway_url}?v=10&encoding=json")
    hello = await ws.receive_json()
    assert hello["op"] == Op.HELLO
    payload: dict[str, Any] = {"token": TOKEN, "intents": Intent.GUILDS, "properties": {}}
    if shard is not None:
        payload["shard"] = shard
    await ws.send_json({"op": Op.IDENTIFY, "d": payload})
    return ws


async def ready_guilds(ws: aiohttp.ClientWebSocketResponse) -> tuple[set[int], set[int]]:
    """The guild ids of READY, and of the GUILD_CREATEs that follow it."""
    ready = await ws.receive_json()
    assert ready["t"] == "READY", ready
    listed = {int(g["id"]) for g in ready["d"]["guilds"]}
    created = set()
    for _ in listed:
        frame = await ws.receive_json()
        assert frame["t"] == "GUILD_CREATE"
        created.add(int(frame["d"]["id"]))
    return listed, created


async def closed_with(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    message = await ws.receive()
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), message
    await ws.close()
    return ws.close_code


def dispatched(emu: Emulator, shard: tuple[int, int]) -> list[tuple[str, Any]]:
    """What the session of ``shard`` was sent after its start-up: (event, guild id)."""
    return [
        (p["t"], p["d"].get("guild_id"))
        for p in emu.gateway.serving[shard].log
        if p["t"] not in ("READY", "GUILD_CREATE")
    ]


async def test_each_shard_gets_only_its_guilds_and_dms_go_to_shard_0(
    emu: Emulator, http: aiohttp.ClientSession, guilds: tuple[SampleGuild, SampleGuild]
) -> None:
    first, second = guilds
    zero, one = await identify(http, emu, [0, 2]), await identify(http, emu, [1, 2])
    assert await ready_guilds(zero) == ({first.id}, {first.id})
    assert await ready_guilds(one) == ({second.id}, {second.id})

    for guild in guilds:
        data = {"guild_id": str(guild.id), "channel_id": str(guild.channels["general"])}
        emu.gateway.dispatch("CHANNEL_PINS_UPDATE", data, guild_id=guild.id)
    emu.gateway.dispatch("CHANNEL_PINS_UPDATE", {"channel_id": "1"}, guild_id=None)  # a DM

    assert dispatched(emu, (0, 2)) == [
        ("CHANNEL_PINS_UPDATE", str(first.id)),
        ("CHANNEL_PINS_UPDATE", None),
    ]
    assert dispatched(emu, (1, 2)) == [("CHANNEL_PINS_UPDATE", str(second.id))]
    await zero.close()
    await one.close()


async def test_an_unsharded_session_gets_every_guild(
    emu: Emulator, http: aiohttp.ClientSession, guilds: tuple[SampleGuild, SampleGuild]
) -> None:
    ws = await identify(http, emu, None)
    both = {guild.id for guild in guilds}
    assert await ready_guilds(ws) == (both, both)
    await ws.close()


def test_the_shard_of_a_guild_is_its_id_shifted_modulo_the_count() -> None:
    # Discord's own example: guild 81384788765712384 is on shard 7 of 17.
    assert shard_of(81384788765712384, 17) == 7
    assert shard_of(None, 17) == 0  # DMs


@pytest.mark.parametrize(
    "shard",
    [[2, 2], [-1, 2], [0, 0], [0], [0, 2, 1], ["0", "2"], [True, 2], "0,2", 3],
    ids=repr,
)
async def test_an_invalid_shard_is_refused_with_4010(
    emu: Emulator, http: aiohttp.ClientSession, shard: Any
) -> None:
    ws = await identify(http, emu, shard)
    assert await closed_with(ws) == 4010
    assert emu.identify_count == 0


async def test_a_session_with_too_many_guilds_must_shard_4011(
    emu: Emulator, http: aiohttp.ClientSession, guilds: tuple[SampleGuild, SampleGuild]
) -> None:
    emu.gateway.max_guilds_per_session = 1
    unsharded = await identify(http, emu, None)
    assert await closed_with(unsharded) == 4011
    sharded = await identify(http, emu, [1, 2])  # one guild: within the limit
    assert await ready_guilds(sharded) == ({guilds[1].id}, {guilds[1].id})
    await sharded.close()


async def test_gateway_bot_recommends_a_shard_per_thousand_guilds(
    emu: Emulator, http: aiohttp.ClientSession, guilds: tuple[SampleGuild, SampleGuild]
) -> None:
    async def recommended() -> int:
        headers = {"Authorization": f"Bot {TOKEN}"}
        async with http.get(f"{emu.http_url}/api/v10/gateway/bot", headers=headers) as answer:
            assert answer.status == 200
            return int(json.loads(await answer.text())["shards"])

    assert await recommended() == 1  # two guilds
    emu.gateway.guilds_per_shard = 1
    assert await recommended() == 2
