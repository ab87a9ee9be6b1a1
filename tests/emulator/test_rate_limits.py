"""Discord's rate limits in the emulator: headers, per-route 429s keyed by major
parameters, the global 429, and real discord.py waiting them out with nothing lost."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from bot.clock import ControlledClock
from bot.emulator import Emulator, SampleGuild
from bot.emulator.ratelimits import most_in_one_second

from .minibot import TOKEN, EmuTestBot

MESSAGES = "POST /channels/{channel_id}/messages"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


class Api:
    """Plain HTTP as the bot token, to read exactly what the emulator answers."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession) -> None:
        self.base = f"{emu.http_url}/api/v10"
        self.session = session

    async def call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        headers = {"Authorization": f"Bot {TOKEN}"}
        async with self.session.request(
            method, self.base + path, json=body, headers=headers
        ) as response:
            return response.status, dict(response.headers), await response.json()

    async def post(self, channel_id: int, content: str = "hi") -> tuple[int, dict[str, str], Any]:
        return await self.call("POST", f"/channels/{channel_id}/messages", {"content": content})


@pytest.fixture
async def api(emu: Emulator) -> Any:
    async with aiohttp.ClientSession() as session:
        yield Api(emu, session)


@pytest.fixture
def frozen(emu: Emulator) -> ControlledClock:
    """The limiter's clock, moved by the test: no waiting, no timing."""
    clock = ControlledClock(START)
    emu.rate_limits.clock = clock
    return clock


async def test_limits_are_off_by_default(emu: Emulator, g: SampleGuild, api: Api) -> None:
    statuses = [(await api.post(g.channels["general"]))[0] for _ in range(8)]
    assert statuses == [200] * 8
    assert not emu.rate_limits.enabled


async def test_every_answer_carries_its_bucket_headers(
    emu: Emulator, g: SampleGuild, api: Api, frozen: ControlledClock
) -> None:
    emu.rate_limits.enable()
    emu.rate_limits.set_route("POST /channels/{id}/messages", limit=5, per=5.0)
    _, first, _ = await api.post(g.channels["general"])
    await frozen.advance(timedelta(seconds=1))
    _, second, _ = await api.post(g.channels["general"])
    assert first["X-RateLimit-Limit"] == "5"
    assert (first["X-RateLimit-Remaining"], second["X-RateLimit-Remaining"]) == ("4", "3")
    assert first["X-RateLimit-Reset-After"] == "5.000"
    assert second["X-RateLimit-Reset-After"] == "4.000"  # the window opened at the first request
    reset = (START + timedelta(seconds=5)).timestamp()
    assert float(first["X-RateLimit-Reset"]) == float(second["X-RateLimit-Reset"]) == reset
    # One bucket hash for the route; a bucket of its own per channel (a major parameter).
    _, other_channel, _ = await api.post(g.channels["questions"])
    assert other_channel["X-RateLimit-Bucket"] == first["X-RateLimit-Bucket"]
    assert other_channel["X-RateLimit-Remaining"] == "4"
    _, user, _ = await api.call("GET", f"/users/{g.users['bob']}")
    assert user["X-RateLimit-Bucket"] != first["X-RateLimit-Bucket"]


async def test_a_full_bucket_answers_429_until_it_resets(
    emu: Emulator, g: SampleGuild, api: Api, frozen: ControlledClock
) -> None:
    emu.rate_limits.enable(routes={MESSAGES: (2, 1.0)})
    general = g.channels["general"]
    assert [(await api.post(general))[0] for _ in range(2)] == [200, 200]
    await frozen.advance(timedelta(milliseconds=250))
    status, headers, body = await api.post(general)
    assert status == 429
    assert body == {"message": "You are being rate limited.", "retry_after": 0.75, "global": False}
    assert headers["X-RateLimit-Scope"] == "user"
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Reset-After"] == "0.750"
    assert headers["Retry-After"] == "1"
    assert "X-RateLimit-Global" not in headers
    assert (await api.post(g.channels["questions"]))[0] == 200  # another channel, another bucket
    await frozen.advance(timedelta(milliseconds=750))
    status, headers, _ = await api.post(general)
    assert (status, headers["X-RateLimit-Remaining"]) == (200, "1")
    assert len(emu.messages_in(general)) == 3  # the refused request created nothing


async def test_over_the_global_limit_every_route_answers_a_global_429(
    emu: Emulator, g: SampleGuild, api: Api, frozen: ControlledClock
) -> None:
    emu.rate_limits.enable(global_limit=4)
    for name in ("general", "questions", "check-ins", "announcements"):
        assert (await api.call("GET", f"/channels/{g.channels[name]}"))[0] == 200
    await frozen.advance(timedelta(milliseconds=400))
    status, headers, body = await api.call("GET", f"/users/{g.users['bob']}")
    assert status == 429
    assert body == {"message": "You are being rate limited.", "retry_after": 0.6, "global": True}
    assert headers["X-RateLimit-Global"] == "true"
    assert headers["X-RateLimit-Scope"] == "global"
    assert "X-RateLimit-Bucket" not in headers
    await frozen.advance(timedelta(milliseconds=600))
    assert (await api.call("GET", f"/users/{g.users['bob']}"))[0] == 200


@pytest.mark.parametrize(
    ("times", "most"),
    [
        ([], 0),
        ([0.0, 0.5, 0.99], 3),
        ([0.0, 0.5, 1.0], 2),  # a request a whole second later opens a new window
        ([3.0, 0.2, 0.9, 1.1, 5.0], 3),  # unordered instants are sorted first
    ],
)
def test_most_in_one_second_counts_the_busiest_window(times: list[float], most: int) -> None:
    assert most_in_one_second(times) == most


async def test_the_global_limit_is_per_bot_token_and_spares_interactions(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot, frozen: ControlledClock
) -> None:
    emu.rate_limits.enable(global_limit=2)
    async with aiohttp.ClientSession() as session:
        api = Api(emu, session)
        for _ in range(2):
            await api.call("GET", f"/users/{g.users['bob']}")
        assert (await api.call("GET", f"/users/{g.users['bob']}"))[0] == 429
        # An interaction callback and its follow-ups are outside the global limit.
        result = await emu.slash(g.id, g.users["bob"], "slow")
        await result.final()
        [second] = await result.wait_followups(1)
        assert (result.content, second.content) == ("slow done", "second part")
        assert not emu.requests(status=429, path_contains="/interactions/")
        assert not emu.requests(status=429, path_contains="/webhooks/")
        # Another bot's token has its own budget.
        other = {"method": "GET", "route": "/users/@me", "params": {}}
        assert emu.rate_limits.check(**other, authorization="Bot another-bot") is None
        assert emu.rate_limits.check(**other, authorization=f"Bot {TOKEN}") is not None


async def test_discord_py_waits_out_global_429s_and_loses_nothing(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    emu.rate_limits.enable(global_limit=5)
    names = ("general", "questions", "check-ins", "announcements", "moderation")
    sends = [
        bot.text_channel(g.channels[name]).send(f"{name} {n}", nonce=f"{name}-{n}")
        for name in names
        for n in range(2)
    ]
    sent = await asyncio.gather(*sends)
    assert len({m.id for m in sent}) == 10
    for name in names:
        assert sorted(m.content for m in emu.messages_in(g.channels[name])) == [
            f"{name} 0",
            f"{name} 1",
        ]
    refused = emu.requests(status=429)
    assert refused and all(r.response["global"] is True for r in refused)


async def test_discord_py_waits_out_a_route_429_it_could_not_foresee(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot, api: Api
) -> None:
    """Another process using the token emptied the bucket: the bot is told, waits, sends."""
    emu.rate_limits.enable(global_limit=None, routes={MESSAGES: (2, 0.5)})
    general = g.channels["general"]
    await api.post(general, "from elsewhere 1")
    await api.post(general, "from elsewhere 2")
    channel = bot.text_channel(general)
    sent = await asyncio.gather(*(channel.send(f"bot {n}", nonce=f"b{n}") for n in range(5)))
    contents = [m.content for m in emu.messages_in(general)]
    assert Counter(contents) == Counter(
        ["from elsewhere 1", "from elsewhere 2", *(f"bot {n}" for n in range(5))]
    )
    assert len({m.id for m in sent}) == 5
    refused = emu.requests(method="POST", status=429)
    assert refused and all(r.response["global"] is False for r in refused)
    assert emu.requests(method="POST", status=200, path_contains=f"/{general}/")
