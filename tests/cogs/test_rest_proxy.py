"""The REST proxy's forwarding, against a real HTTP server that answers what it saw.

The upstream here is a small aiohttp application (a real server on 127.0.0.1): it
echoes each request (method, path and query as received, headers, body) and answers
with the status, headers and body a test asks for. The proxy's pacers run on a fake
clock where a test needs to see their waits.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.config_proxy import RestProxySettings
from cogs.pacing import LANE_HEADER, Pacer
from cogs.rest_proxy import RestProxy, serving_proxy
from tests.cogs.test_pacing import FakeTime

TOKEN = "Bot proxy-test-token"


@dataclass
class Upstream:
    """Discord stand-in: records each request, answers ``reply`` (status, headers, body)."""

    url: str = ""
    seen: list[dict[str, Any]] = field(default_factory=list)
    reply: tuple[int, dict[str, str], bytes] = (200, {}, b"{}")

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.seen.append(
            {
                "method": request.method,
                "raw_path": request.raw_path,
                "headers": dict(request.headers),
                "body": body,
                "content_type": request.content_type,
            }
        )
        status, headers, content = self.reply
        return web.Response(status=status, headers=headers, body=content)


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    echo = Upstream()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{path:.*}", echo.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    echo.url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/v10"
    yield echo
    await runner.cleanup()


@dataclass
class Running:
    proxy: RestProxy
    url: str
    session: aiohttp.ClientSession
    time: FakeTime


@pytest.fixture
async def running(upstream: Upstream) -> AsyncIterator[Running]:
    time = FakeTime()

    def pacer() -> Pacer:
        return Pacer(2, 1.0, margin=0.0, kept_for_priority=0, monotonic=time.monotonic,
                     sleep=time.sleep)  # fmt: skip

    settings = RestProxySettings(listen="127.0.0.1:0", upstream=upstream.url)
    async with (
        serving_proxy(settings, new_pacer=pacer) as (proxy, port),
        aiohttp.ClientSession(auto_decompress=False) as session,
    ):
        yield Running(proxy, f"http://127.0.0.1:{port}", session, time)


async def test_a_request_reaches_discord_as_the_bot_sent_it(
    running: Running, upstream: Upstream
) -> None:
    path = "/channels/7/messages/8/reactions/%F0%9F%91%8D/@me?limit=5&after=0&name=a%20b"
    async with running.session.put(
        running.url + path,
        data=b'{"content": "hi"}',
        headers={
            "Authorization": TOKEN,
            "Content-Type": "application/json",
            "X-Audit-Log-Reason": "tidying%20up",
            "User-Agent": "DiscordBot (plc-bot test)",
            LANE_HEADER: "interactive",
        },
    ) as answer:
        assert answer.status == 200
    [seen] = upstream.seen
    assert seen["method"] == "PUT"
    assert seen["raw_path"] == "/api/v10" + path  # percent-encoding and query as sent
    assert seen["body"] == b'{"content": "hi"}'
    headers = seen["headers"]
    assert headers["Authorization"] == TOKEN
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Audit-Log-Reason"] == "tidying%20up"
    assert headers["User-Agent"] == "DiscordBot (plc-bot test)"
    assert LANE_HEADER not in headers  # the lane is the proxy's business, not Discord's
    assert headers["Host"] == upstream.url.split("/")[2]


async def test_discord_s_answer_comes_back_as_it_was(running: Running, upstream: Upstream) -> None:
    """Status, body and the rate-limit headers discord.py keeps its route buckets with."""
    limits = {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "4",
        "X-RateLimit-Reset": "1767225600.250",
        "X-RateLimit-Reset-After": "4.250",
        "X-RateLimit-Bucket": "abcd1234",
        "Content-Type": "application/json",
    }
    body = json.dumps({"message": "Unknown Channel", "code": 10003}).encode()
    upstream.reply = (404, limits, body)
    async with running.session.get(
        running.url + "/channels/9", headers={"Authorization": TOKEN}
    ) as answer:
        assert answer.status == 404
        assert await answer.read() == body
        for name, value in limits.items():
            assert answer.headers[name] == value
    upstream.reply = (204, {}, b"")
    async with running.session.delete(
        running.url + "/channels/9/messages/1", headers={"Authorization": TOKEN}
    ) as answer:
        assert answer.status == 204
        assert await answer.read() == b""
    assert [s["method"] for s in upstream.seen] == ["GET", "DELETE"]


async def test_a_file_upload_goes_through_whole(running: Running, upstream: Upstream) -> None:
    """A multipart post with a file over aiohttp's default 1 MiB body limit."""
    picture = bytes(range(256)) * 8192  # 2 MiB, every byte value
    form = aiohttp.FormData(quote_fields=False)
    form.add_field(
        "payload_json", json.dumps({"content": "chart"}), content_type="application/json"
    )
    form.add_field("files[0]", picture, filename="chart.png", content_type="image/png")
    async with running.session.post(
        running.url + "/channels/7/messages", data=form, headers={"Authorization": TOKEN}
    ) as answer:
        assert answer.status == 200
    [seen] = upstream.seen
    assert seen["content_type"] == "multipart/form-data"
    assert picture in seen["body"]
    assert b'name="files[0]"; filename="chart.png"' in seen["body"]
    assert b'{"content": "chart"}' in seen["body"]


async def test_a_429_comes_back_untouched_and_a_global_one_holds_every_request(
    running: Running, upstream: Upstream
) -> None:
    refused = {
        "Retry-After": "1",
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
        "Via": "1.1 google",
        "Content-Type": "application/json",
    }
    body = json.dumps(
        {"message": "You are being rate limited.", "retry_after": 0.4, "global": True}
    )
    upstream.reply = (429, refused, body.encode())
    auth = {"Authorization": TOKEN}
    async with running.session.post(running.url + "/channels/7/messages", headers=auth) as answer:
        assert answer.status == 429
        assert await answer.read() == body.encode()
        for name, value in refused.items():
            assert answer.headers[name] == value  # discord.py retries from these
    upstream.reply = (200, {}, b"{}")
    async with running.session.post(running.url + "/channels/7/messages", headers=auth):
        pass
    assert running.time.slept == [pytest.approx(0.4)]  # held for what Discord asked
    assert running.proxy.counts.limited_global == 1


async def test_a_route_s_429_does_not_hold_the_others(running: Running, upstream: Upstream) -> None:
    body = json.dumps({"message": "You are being rate limited.", "retry_after": 3, "global": False})
    upstream.reply = (429, {"Retry-After": "3", "X-RateLimit-Scope": "user"}, body.encode())
    auth = {"Authorization": TOKEN}
    async with running.session.post(running.url + "/channels/7/messages", headers=auth) as answer:
        assert answer.status == 429
    upstream.reply = (200, {}, b"{}")
    async with running.session.get(running.url + "/guilds/1", headers=auth) as answer:
        assert answer.status == 200
    assert running.time.slept == []
    assert (running.proxy.counts.limited, running.proxy.counts.limited_global) == (1, 0)


async def test_interaction_callbacks_and_webhook_routes_are_not_counted(
    running: Running, upstream: Upstream
) -> None:
    """Two requests a window here: the exempt ones never wait, the counted ones do."""
    exempt = [
        ("POST", "/interactions/11/tok-en/callback"),
        ("POST", "/webhooks/12/tok-en?wait=true"),
        ("PATCH", "/webhooks/12/tok-en/messages/@original"),
        ("POST", "/interactions/13/tok-en/callback"),
    ]
    for method, path in exempt:
        async with running.session.request(method, running.url + path) as answer:
            assert answer.status == 200
    assert running.time.slept == []
    assert running.proxy.counts.exempt == 4
    # A webhook asked for by its id alone takes the bot's token: counted.
    for path in ("/webhooks/12", "/channels/7", "/guilds/1"):
        async with running.session.get(running.url + path, headers={"Authorization": TOKEN}):
            pass
    assert running.time.slept == [1.0]  # the third counted request waited for the window


async def test_each_token_is_paced_on_its_own(running: Running, upstream: Upstream) -> None:
    for token in ("Bot one", "Bot two", "Bot one", "Bot two"):
        async with running.session.get(running.url + "/gateway", headers={"Authorization": token}):
            pass
    assert running.time.slept == []  # two a window each


async def test_health_says_what_the_proxy_did(running: Running, upstream: Upstream) -> None:
    async with running.session.get(running.url + "/channels/1", headers={"Authorization": TOKEN}):
        pass
    async with running.session.get(running.url + "/healthz") as answer:
        health = await answer.json()
    assert answer.status == 200
    assert health["status"] == "ok"
    assert health["upstream"] == upstream.url
    assert (health["forwarded"], health["tokens"], health["failed"]) == (1, 1, 0)
    assert upstream.seen[0]["raw_path"] == "/api/v10/channels/1"  # /healthz stayed here


async def test_an_unreachable_upstream_is_a_502_discord_py_retries() -> None:
    settings = RestProxySettings(listen="127.0.0.1:0", upstream="http://127.0.0.1:9/api/v10")
    async with (
        serving_proxy(settings) as (proxy, port),
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/users/@me") as answer,
    ):
        assert answer.status == 502
        assert "upstream unreachable" in (await answer.json())["message"]
    assert proxy.counts.failed == 1
