"""The :class:`Emulator`: one aiohttp server with the REST API, the gateway and the control API.

    async with Emulator(bot_token="t0k3n") as emu:
        g = build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
        point_discord_py_at(emu.http_url)
        ...  # start the real discord.py bot with "t0k3n", then act:
        result = await emu.slash(g.id, g.users["alice"], "plc setup", timezone="Europe/Paris")

It listens on 127.0.0.1 and a free port by default; ``emu.http_url`` is the
base for ``discord.http.Route.BASE`` (``{http_url}/api/v10``) and
``emu.gateway_url`` the websocket URL that ``/gateway/bot`` and READY's
``resume_gateway_url`` announce.
"""

from __future__ import annotations

import secrets

from aiohttp import web

from .actor import Actor
from .control import install_control_api
from .faults import FaultInjector
from .gateway import Gateway, Intent
from .http import Forwarded, LocalServer
from .interactions import InteractionRegistry
from .ratelimits import RateLimits
from .recorder import RecordedRequest, Recorder
from .rest import RestApi
from .state import SnowflakeGenerator, State, User


class Emulator(LocalServer, Actor):
    """A local Discord (REST + gateway) for the real, unchanged discord.py bot."""

    def __init__(
        self,
        bot_token: str | None = None,
        application_id: int | None = None,
        *,
        bot_name: str = "PLC Bot",
        allowed_privileged_intents: int = Intent.PRIVILEGED,
        heartbeat_interval_ms: int = 41250,
        state: State | None = None,
    ) -> None:
        """``state`` restores a saved world (the playground's ``--db``)."""
        self.bot_token = bot_token or f"emulator.{secrets.token_urlsafe(24)}"
        if state is None:
            # Since 2020 a bot user's id is its application's id.
            app_id = application_id or SnowflakeGenerator(worker_id=2).next()
            state = State(
                bot_user=User(id=app_id, username=bot_name, bot=True), application_id=app_id
            )
        self.recorder = Recorder()
        #: ``emu.requests(method=, path_contains=, route=, status=)``: the recorded requests
        #: matching every given criterion.
        self.requests = self.recorder.find_requests
        self.faults = FaultInjector()
        #: Discord's global and per-route rate limits, off until ``emu.rate_limits.enable()``.
        self.rate_limits = RateLimits()
        interactions = InteractionRegistry()
        gateway = Gateway(
            state,
            self.recorder,
            token=lambda: self.bot_token,
            gateway_url=lambda: self.gateway_url,
            allowed_privileged_intents=allowed_privileged_intents,
            heartbeat_interval_ms=heartbeat_interval_ms,
        )
        rest = RestApi(
            state,
            self.recorder,
            self.faults,
            gateway,
            interactions,
            token=lambda: self.bot_token,
            gateway_url=lambda: self.gateway_url,
            rate_limits=self.rate_limits,
        )
        super().__init__(state, gateway, rest, interactions)

    # ----- lifecycle -------------------------------------------------------------------
    def _application(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self.rest.install(app)
        app.router.add_get("/gateway", self.gateway.handle)
        install_control_api(app, self)
        return app

    async def _started(self) -> None:
        self.state.base_url = self.http_url

    async def _stopping(self) -> None:
        await self.gateway.close_all()

    @property
    def gateway_url(self) -> str:
        return f"ws{self.http_url[len('http') :]}/gateway"

    bot_user_id = Forwarded[int]("state")
    application_id = Forwarded[int]("state")

    # ----- gateway control -------------------------------------------------------------
    async def drop_gateway(self, *, resumable: bool = True) -> None:
        """Cut the bot's gateway connection; it RESUMEs (or, not resumable, IDENTIFYs again)."""
        await self.gateway.drop(resumable=resumable)

    identify_count = Forwarded[int]("gateway")
    resume_count = Forwarded[int]("gateway")

    async def wait_until_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot identified and got READY and every GUILD_CREATE.

        discord.py fires ``on_ready`` ``guild_ready_timeout`` (2 s by default) after the
        last GUILD_CREATE; use ``bot.wait_until_ready()`` on the bot side for that."""
        expected = sum(1 for g in self.state.guilds.values() if self.bot_user_id in g.members)

        def connected() -> bool:
            session = self.gateway.current
            if session is None or session.connection is None:
                return False
            conn_id = session.connection.id
            sent = [
                f for f in self.recorder.frames if f.connection == conn_id and f.direction == "send"
            ]
            if any(f.t == "RESUMED" for f in sent):
                return True
            return (
                any(f.t == "READY" for f in sent)
                and sum(f.t == "GUILD_CREATE" for f in sent) >= expected
            )

        await self.wait_for(connected, timeout)

    # ----- recorder shortcuts ----------------------------------------------------------
    unhandled = Forwarded[list[RecordedRequest]](
        "rest", "Requests to routes the emulator does not implement (answered 404)."
    )

    def dump_bytes(self, *, from_bot_only: bool = False) -> bytes:
        return self.recorder.dump_bytes(from_bot_only=from_bot_only)
