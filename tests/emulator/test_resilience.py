"""Faults, retries, nonces, gateway drops and Discord's errors, as real discord.py sees them."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest
from discord.http import Route

from bot.emulator import Emulator, Permission, SampleGuild

from .conftest import BotRunner
from .minibot import EmuTestBot, expect_event

pytestmark = pytest.mark.asyncio

MESSAGES = "/channels/{id}/messages"


async def test_429_is_retried_and_the_message_arrives_once(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    emu.faults.add(method="POST", path=MESSAGES, status=429, retry_after=0.2)
    sent = await bot.text_channel(g.channels["general"]).send("hello")
    assert [m.id for m in emu.messages_in(g.channels["general"])] == [sent.id]
    posts = emu.requests(method="POST", route="/channels/{channel_id}/messages")
    assert [r.status for r in posts] == [429, 200]


async def test_global_429_is_retried(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    emu.faults.add(path="/channels/", status=429, retry_after=0.1, global_=True)
    await bot.text_channel(g.channels["general"]).send("hello")
    assert [r.status for r in emu.requests(path_contains="/messages")] == [429, 200]


async def test_502_after_creation_does_not_duplicate(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    emu.faults.add(method="POST", path=MESSAGES, status=502)
    sent = await bot.text_channel(g.channels["general"]).send("only once")
    assert [m.content for m in emu.messages_in(g.channels["general"])] == ["only once"]
    first, retry = emu.requests(method="POST", path_contains="/messages")
    assert (first.status, retry.status) == (502, 200)
    assert first.json["nonce"] == retry.json["nonce"] and retry.response["id"] == str(sent.id)


async def test_same_nonce_twice_keeps_one_message(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    channel = bot.text_channel(g.channels["questions"])
    first = await channel.send("dup", nonce=424242)
    second = await channel.send("dup", nonce=424242)
    assert first.id == second.id
    assert len(emu.messages_in(g.channels["questions"])) == 1


async def test_a_fault_hook_runs_before_or_after_the_request_happened(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    """The moment a test kills a bot: Discord has (``commit``) or has not yet the message."""
    general = g.channels["general"]
    seen: list[int] = []
    for commit in (False, True):
        emu.faults.add(
            method="POST",
            path=MESSAGES,
            commit=commit,
            hook=lambda: seen.append(len(emu.messages_in(general))),
        )
        await bot.text_channel(general).send(f"commit={commit}")
    assert seen == [0, 2]
    assert [r.status for r in emu.requests(method="POST", path_contains="/messages")] == [200, 200]


async def test_latency_fault_delays_the_route(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    emu.faults.add(method="GET", path="/users/", delay=0.3)
    await bot.fetch_user(g.users["bob"])
    assert emu.requests(path_contains="/users/")[-1].duration >= 0.3


async def test_gateway_drop_resumes_and_replays(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    seen = expect_event(bot, "message", lambda m: m.content == "while away")
    await emu.drop_gateway(resumable=True)
    # Sent while the bot is disconnected: replayed after RESUME.
    emu.send_message(g.users["bob"], g.channels["general"], "while away")
    await emu.wait_for(lambda: emu.resume_count == 1)
    assert (await seen).author.id == g.users["bob"]
    assert emu.recorder.received(6) and emu.identify_count == 1
    result = await emu.slash(g.id, g.users["bob"], "echo", text="back", where=g.channels["general"])
    assert result.content == "back -> #general"


async def test_invalid_session_identifies_again(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    await emu.drop_gateway(resumable=False)
    await emu.wait_for(lambda: emu.identify_count == 2)
    await emu.wait_until_connected()
    result = await emu.slash(g.id, g.users["bob"], "vote")
    assert result.content == "Vote!"


async def test_wrong_token_fails_login(emu: Emulator, g: SampleGuild, runner: BotRunner) -> None:
    with pytest.raises(discord.LoginFailure):
        await runner.start(g.id, token="not-the-token")
    assert emu.requests(path_contains="/users/@me")[0].status == 401


async def test_gateway_closes_4004_on_a_revoked_token(
    emu: Emulator, g: SampleGuild, runner: BotRunner, bot: EmuTestBot
) -> None:
    runner.expect_errors = True
    emu.bot_token = "rotated"
    await emu.drop_gateway(resumable=False)
    task = runner.tasks[0][1]
    with pytest.raises(discord.ConnectionClosed) as info:
        await asyncio.wait_for(task, 5)
    assert info.value.code == 4004


async def test_unimplemented_route_is_recorded(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(Route("GET", "/guilds/{guild_id}/audit-logs", guild_id=g.id))
    [missing] = emu.unhandled
    assert (missing.method, missing.path) == ("GET", f"/guilds/{g.id}/audit-logs")


async def test_dm_to_a_user_with_closed_dms_is_forbidden(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    emu.close_dms(g.users["bob"])
    bob = await bot.fetch_user(g.users["bob"])
    with pytest.raises(discord.Forbidden) as info:
        await bob.send("hello")
    assert info.value.code == 50007
    chloe = await bot.fetch_user(g.users["chloe"])
    await chloe.send("bonjour")
    assert [m.content for m in emu.dms_to(g.users["chloe"])] == ["bonjour"]
    assert emu.dms_to(g.users["bob"]) == []


async def test_missing_permissions_and_unknown_channel(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    emu.state.set_overwrite(g.channels["questions"], g.roles["bot"], deny=Permission.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as info:
        await bot.text_channel(g.channels["questions"]).send("no")
    assert info.value.code == 50013
    with pytest.raises(discord.NotFound) as missing:
        await bot.http.send_message(1234, params=discord.http.handle_message_parameters("x"))
    assert missing.value.code == 10003


async def test_empty_and_oversized_messages_are_refused(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    channel = bot.text_channel(g.channels["general"])
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x" * 2001)
    assert too_long.value.code == 50035
    with pytest.raises(discord.HTTPException) as embed_error:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert embed_error.value.code == 50035


async def test_raw_gateway_handshake_and_close_codes(emu: Emulator, g: SampleGuild) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{emu.gateway_url}?v=10&encoding=json&compress=zlib-stream"
        async with session.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=2)
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json(timeout=2))["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 513}})
            closing = await ws.receive(timeout=2)
            assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4004
        async with session.ws_connect(f"{emu.gateway_url}?v=9") as ws:
            closing = await ws.receive(timeout=2)
            assert closing.data == 4012
    frames = [f for f in emu.recorder.frames if f.op == 2]
    assert frames[0].d["token"] == "[redacted]"
