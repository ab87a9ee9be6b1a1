"""``plc-bot rest-proxy``: one pace for Discord's global limit, however many bot processes.

Discord counts 50 REST requests a second per bot token, whichever process sends them;
two processes that each keep to 50 a second make 100, and get 429s. Every process sends
to this proxy instead (``[discord] api_base_url = "http://HOST:PORT"``), which forwards
each request unchanged to Discord and paces them all together with the bot's own
:class:`cogs.pacing.Pacer`, one per token. It costs no database round trip per
request and no lock between processes (a counter shared in PostgreSQL would cost
both), and it works whatever database the bots use.

What Discord does not count is not paced: interaction callbacks and the routes a
webhook's token authorizes (an interaction's follow-ups). A request marked with
:data:`cogs.pacing.LANE_HEADER` (a live session's next post) takes the next free slot
before bulk ones; the header is removed before forwarding. Discord's answers come back
as they are, rate-limit headers included (discord.py keeps its per-route buckets from
them); a 429 too, which discord.py retries, and a global one holds the pacer back for
the time Discord asks.

It lives beside the Discord adapter: what it knows (the exempt routes, Discord's 429s,
the lane) is Discord's, and the pacer it shares is the adapter's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
import yarl
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from bot.config_proxy import RestProxySettings
from cogs.pacing import INTERACTIVE_LANE, LANE_HEADER, Pacer

# Still named by the entry point of an install made before it moved (pip install -e . again).
from cogs.rest_proxy_entry import add_command as add_command

log = logging.getLogger(__name__)

#: Paths the global limit does not count: interaction callbacks, and a webhook's own
#: routes (``/webhooks/{id}/{token}…``: an interaction's follow-ups), as on Discord.
EXEMPT = re.compile(r"^/(interactions/|webhooks/[^/]+/[^/]+)")
#: Headers of one connection, not of the request (RFC 9110 §7.6.1), and what aiohttp
#: sets itself from the body it sends or decodes.
HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Host",
        "Content-Length",
        "Content-Encoding",
    )
)
#: The largest upload Discord takes (a server boosted to level 3); aiohttp's default
#: would refuse a body over 1 MiB.
MAX_BODY = 100 * 1024 * 1024
HEALTH_PATH = "/healthz"
PacerFactory = Callable[[], Pacer]


@dataclass
class Counts:
    """What the proxy did since it started (``GET /healthz``)."""

    forwarded: int = 0
    exempt: int = 0
    limited: int = 0
    limited_global: int = 0
    failed: int = 0


@dataclass
class RestProxy:
    """The aiohttp application: every path forwarded to ``upstream`` + the same path."""

    upstream: str
    new_pacer: PacerFactory = Pacer
    counts: Counts = field(default_factory=Counts)
    _pacers: dict[str, Pacer] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get(HEALTH_PATH, self._health)
        app.router.add_route("*", "/{path:.*}", self._forward)
        app.on_startup.append(self._open)
        app.on_cleanup.append(self._close)
        return app

    def pacer(self, authorization: str) -> Pacer:
        """Discord counts per token: one pacer for each."""
        found = self._pacers.get(authorization)
        if found is None:
            found = self._pacers[authorization] = self.new_pacer()
        return found

    async def _open(self, _app: web.Application) -> None:
        # Cookies are the bots' business, not the proxy's; redirects go back to them.
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())

    async def _close(self, _app: web.Application) -> None:
        if self._session is not None:
            await self._session.close()

    async def _health(self, _request: web.Request) -> web.Response:
        counts = self.counts
        return web.json_response(
            {
                "status": "ok",
                "upstream": self.upstream,
                "tokens": len(self._pacers),
                "forwarded": counts.forwarded,
                "exempt": counts.exempt,
                "limited": counts.limited,
                "limited_global": counts.limited_global,
                "failed": counts.failed,
                "waited_seconds": round(sum(p.waited for p in self._pacers.values()), 3),
            }
        )

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        priority = request.headers.get(LANE_HEADER, "").lower() == INTERACTIVE_LANE
        body = await request.read()
        if EXEMPT.match(request.path):
            self.counts.exempt += 1
            return await self._send(request, body)
        pacer = self.pacer(request.headers.get("Authorization", ""))
        answered = await pacer.turn(priority=priority)
        try:
            response = await self._send(request, body)
        finally:
            answered()
        if response.status == 429:
            self._limited(response, pacer)
        return response

    async def _send(self, request: web.Request, body: bytes) -> web.Response:
        assert self._session is not None, "started with the application"
        # The path and query exactly as sent (percent-encoding kept: emoji in reactions).
        url = yarl.URL(self.upstream + request.raw_path, encoded=True)
        try:
            async with self._session.request(
                request.method,
                url,
                headers=forwarded_headers(request.headers),
                data=body or None,
                allow_redirects=False,
            ) as upstream:
                content = await upstream.read()
                self.counts.forwarded += 1
                return web.Response(
                    status=upstream.status,
                    reason=upstream.reason,
                    headers=answer_headers(upstream.headers),
                    body=content,
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            # A 502 is what discord.py retries (five tries), as from Discord's own edge.
            self.counts.failed += 1
            log.warning("%s %s: upstream unreachable (%s)", request.method, request.path, exc)
            return web.json_response(
                {"message": f"plc-bot rest-proxy: upstream unreachable ({exc})", "code": 0},
                status=502,
            )

    def _limited(self, response: web.Response, pacer: Pacer) -> None:
        self.counts.limited += 1
        headers = response.headers
        is_global = (
            headers.get("X-RateLimit-Global", "").lower() == "true"
            or headers.get("X-RateLimit-Scope", "").lower() == "global"
        )
        if not is_global:
            return  # a route's bucket: discord.py waits for that route alone
        self.counts.limited_global += 1
        retry_after = _retry_after(response)
        log.warning("global rate limit hit: holding every request %.3f s", retry_after)
        pacer.hold(retry_after)


def forwarded_headers(headers: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """The client's headers as Discord must see them: the lane and hop-by-hop ones out."""
    return CIMultiDict(
        (name, value)
        for name, value in headers.items()
        if name.lower() not in HOP_BY_HOP and name.lower() != LANE_HEADER.lower()
    )


def answer_headers(headers: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """Discord's headers for the bot (rate-limit buckets, content type), hop-by-hop out:
    the body is sent decoded, its length counted again."""
    return CIMultiDict(
        (name, value) for name, value in headers.items() if name.lower() not in HOP_BY_HOP
    )


def _retry_after(response: web.Response) -> float:
    """Seconds Discord asks to wait: the body's ``retry_after`` (exact), else the header."""
    for read in (
        lambda: json.loads(response.body if isinstance(response.body, bytes) else b"")[
            "retry_after"
        ],
        lambda: response.headers.get("Retry-After", "1"),
    ):
        try:
            return max(float(read()), 0.0)
        except (ValueError, KeyError, TypeError):
            continue
    return 1.0


@asynccontextmanager
async def serving_proxy(
    settings: RestProxySettings, *, new_pacer: PacerFactory = Pacer
) -> AsyncIterator[tuple[RestProxy, int]]:
    """The proxy listening on ``settings.listen`` (port 0: a free one) until left; yields
    it and the port it listens on."""
    from bot.web import listen

    proxy = RestProxy(settings.upstream, new_pacer)
    runner = await listen(proxy.app(), settings.host, settings.port, setting="rest-proxy --listen")
    try:
        port = runner.addresses[0][1]
        log.info("REST proxy on %s:%d -> %s", settings.host, port, settings.upstream)
        yield proxy, port
    finally:
        await runner.cleanup()


async def run_proxy(settings: RestProxySettings) -> None:
    """Serve until interrupted."""
    async with serving_proxy(settings):
        await asyncio.Event().wait()
