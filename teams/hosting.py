"""Serving Teams: the Agents SDK on aiohttp at ``[teams] path``, its token checks on.

Teams POSTs each activity to the messaging endpoint with a token it signed; the SDK's
JWT check (``jwt_authorization_decorator``) answers 401 to anything unsigned, expired
or meant for another app before the bot reads it. Only the local emulator and the
playground run without it (``[teams] local_anonymous``, which ``plc-bot run``
refuses). The same web server offers the files the bot shares (:mod:`teams.files`).

The SDK's default turn-error handler posts "Exception caught : …" to the conversation;
it is replaced by one that only logs (the member was already told by
:mod:`teams.handlers`, in their language).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from microsoft_agents.activity import ActivityTypes, AdaptiveCardInvokeResponse
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import (
    CloudAdapter,
    jwt_authorization_decorator,
    start_agent_process,
)
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    Connections,
    MemoryStorage,
    RouteRank,
    TurnContext,
    TurnState,
)
from pydantic import SecretStr

from bot.app import App
from bot.config_teams import TeamsSettings
from bot.services.community import MemberService
from bot.web import listen
from teams.events import RosterEvents
from teams.files import ROUTE, FileShelf
from teams.handlers import Handlers
from teams.ids import TeamsIds
from teams.interaction import Replies
from teams.pacing import PaceClock, Pacer
from teams.platform import TeamsPlatform
from teams.privacy import TeamsPersonalData
from teams.roster import Roster
from teams.runtime import TeamsRuntime
from teams.transport import BOT_FRAMEWORK, SCOPES, Connector
from teams.turns import TurnReader
from teams.wording import teams_wording

log = logging.getLogger(__name__)

ANONYMOUS_APP_ID = "00000000-0000-0000-0000-000000000000"


def connections_for(settings: TeamsSettings) -> Connections:
    """The SDK's connection: the app's identity (MSAL, client secret), or anonymous."""
    values: dict[str, Any]
    if settings.local_anonymous:
        values = {"ANONYMOUS_ALLOWED": True}
        if settings.app_id:
            values["CLIENTID"] = settings.app_id
    else:
        secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
        values = {
            "CLIENTID": settings.app_id or "",
            "TENANTID": settings.tenant_id or "",
            "CLIENTSECRET": secret,
            "AUTHTYPE": "ClientSecret",
        }
    return MsalConnectionManager(CONNECTIONS={"SERVICE_CONNECTION": {"SETTINGS": values}})


class ConnectionTokens:
    """The bot's outbound token, from the SDK's connection (none when anonymous)."""

    def __init__(self, connections: Connections, *, anonymous: bool) -> None:
        self._connections = connections
        self._anonymous = anonymous

    async def token(self) -> str:
        if self._anonymous:
            return ""
        provider = self._connections.get_default_connection()
        return str(await provider.get_access_token(BOT_FRAMEWORK, SCOPES))


class TeamsHost:
    """The Teams adapter of a running :class:`~bot.app.App`: its web server and handlers."""

    def __init__(
        self,
        app: App,
        settings: TeamsSettings,
        platform: TeamsPlatform,
        *,
        connections: Connections | None = None,
        pace_clock: PaceClock | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.platform = platform
        self.connections = connections or connections_for(settings)
        self._pace_clock = pace_clock
        self._runner: web.AppRunner | None = None
        self.port = settings.port
        self.runtime: TeamsRuntime | None = None

    @property
    def listening(self) -> bool:
        return self._runner is not None

    @property
    def url(self) -> str:
        """Where the messaging endpoint listens (for the emulator and logs)."""
        return f"http://{self.settings.host}:{self.port}{self.settings.path}"

    def _runtime(self) -> TeamsRuntime:
        core = self.app.core
        app_id = self.settings.app_id or ANONYMOUS_APP_ID
        tokens = ConnectionTokens(self.connections, anonymous=self.settings.local_anonymous)
        connector = Connector(tokens, Pacer(self._pace_clock), bot_id=f"28:{app_id}")
        return TeamsRuntime(
            catalog=teams_wording(core.catalog),
            db=core.db,
            clock=core.clock,
            ids=TeamsIds(core.db, secret=_secret(core.settings.privacy.secret)),
            connector=connector,
            roster=Roster(connector, core.clock),
            files=FileShelf(core.clock, self.settings.public_url),
        )

    def _agent(self, runtime: TeamsRuntime) -> tuple[AgentApplication[TurnState], CloudAdapter]:
        adapter = CloudAdapter(connection_manager=self.connections)
        adapter.on_turn_error = _log_turn_error
        options = ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False)
        agent = AgentApplication[TurnState](options, connection_manager=self.connections)
        reader = TurnReader(runtime)
        handlers = Handlers(self.app, Replies(runtime), reader)
        events = RosterEvents(self.app, runtime, reader)

        @agent.adaptive_card.action_execute(re.compile(r"plc\..+"))
        async def on_execute(
            context: TurnContext, state: TurnState, data: Any
        ) -> AdaptiveCardInvokeResponse:
            return await handlers.on_execute(context.activity, data)

        @agent.activity(ActivityTypes.conversation_update)
        async def on_update(context: TurnContext, state: TurnState) -> None:
            await events.conversation_update(context.activity)

        @agent.activity(ActivityTypes.installation_update)
        async def on_install(context: TurnContext, state: TurnState) -> None:
            await events.installation_update(context.activity)

        # Routes of one rank are kept in a heap, not in the order given: the catch-all
        # must rank last or it could take activities meant for the routes above.
        @agent.activity(ActivityTypes.message, rank=RouteRank.LAST)
        async def on_message(context: TurnContext, state: TurnState) -> None:
            await handlers.on_message(context.activity)

        @agent.error
        async def on_error(context: TurnContext, error: Exception) -> None:
            log.error("a Teams turn failed", exc_info=error)

        return agent, adapter

    async def start(self) -> None:
        runtime = self.runtime = self._runtime()
        await runtime.ids.load()
        self.platform.bind(runtime)
        members = self.app.services.get(MemberService)
        members.add_personal_data(TeamsPersonalData(runtime.ids, runtime.chats))
        agent, adapter = self._agent(runtime)

        async def process(request: web.Request) -> web.StreamResponse:
            response = await start_agent_process(request, agent, adapter)
            return response if response is not None else web.Response(status=202)

        # Only the messaging endpoint checks Teams' token (not the file downloads).
        messages: Callable[[web.Request], Awaitable[web.StreamResponse]]
        messages = jwt_authorization_decorator(process)  # type: ignore[no-untyped-call]

        web_app = web.Application()
        web_app["agent_configuration"] = self.connections.get_default_connection_configuration()
        web_app.router.add_post(self.settings.path, messages)
        web_app.router.add_get(ROUTE, runtime.files.serve)
        runner = await listen(
            web_app, self.settings.host, self.settings.port, setting="[teams] port"
        )
        self._runner = runner
        self.port = runner.addresses[0][1]
        if runtime.files.base_url is None and self.settings.local_anonymous:
            runtime.files.base_url = f"http://{self.settings.host}:{self.port}"
        log.info("Teams messaging endpoint on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.runtime is not None:
            await self.runtime.connector.close()


def _secret(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


async def _log_turn_error(context: TurnContext, error: Exception) -> None:
    """Instead of the SDK's, which posts the exception's text to the conversation."""
    log.error("a Teams turn failed", exc_info=error)
