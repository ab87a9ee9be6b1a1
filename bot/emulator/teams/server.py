"""The :class:`TeamsEmulator`: the Teams channel as a bot built on the Agents SDK sees it.

    async with TeamsEmulator(bot_endpoint="http://127.0.0.1:3978/api/messages") as emu:
        alice = emu.state.add_user("Alice Tremblay", locale="fr-CA")
        team = emu.state.add_team("PLC", [alice], channels=("Check-ins",))
        result = await emu.mention(alice, team.general, "hello")   # what the bot answered
        [reply] = emu.state.replies_to(result.message)                # what the bot posted

One aiohttp server on 127.0.0.1 serves the Bot Connector API under
``emu.service_url`` (``http://127.0.0.1:<port>/amer/``, the path prefix real service
URLs have), the OpenID metadata and keys, and a client-credentials token endpoint.
``anonymous=True`` (the default) sends activities without a token and accepts the
bot's calls without one, as the SDK's local anonymous mode expects; with
``anonymous=False`` every activity carries a token signed by the emulator's key and
the Bot Connector requires a token from the emulator's token endpoint.
"""

from __future__ import annotations

import secrets

import aiohttp
from aiohttp import web

from ..http import Forwarded, LocalServer
from ..recorder import RecordedRequest, Recorder
from .actor import InboundCall, TeamsActor
from .auth import TokenAuthority
from .connector import ConnectorApi
from .faults import TeamsFaultInjector
from .state import JSON, TeamsMessage, TeamsState, TeamsUser

SERVICE_PATH = "/amer/"


class TeamsEmulator(LocalServer, TeamsActor):
    """A local Microsoft Teams channel (inbound activities + Bot Connector API)."""

    server_name = "Teams emulator"

    def __init__(
        self,
        *,
        bot_endpoint: str | None = None,
        app_id: str | None = None,
        bot_name: str = "PLC Bot",
        anonymous: bool = True,
        state: TeamsState | None = None,
    ) -> None:
        self.state = state or TeamsState(app_id=app_id, bot_name=bot_name)
        self.bot_endpoint = bot_endpoint
        self.anonymous = anonymous
        #: The secret the bot presents to the token endpoint (with ``app_id`` as client id).
        self.client_secret = secrets.token_urlsafe(24)
        self.recorder = Recorder()
        #: ``emu.requests(method=, path_contains=, route=, status=)``: the bot's calls.
        self.requests = self.recorder.find_requests
        self.faults = TeamsFaultInjector()
        self.auth = TokenAuthority(lambda: self.http_url, client_secret=self.client_secret)
        self.inbound: list[InboundCall] = []
        self.connector = ConnectorApi(
            self.state,
            self.recorder,
            self.faults,
            prefix=SERVICE_PATH,
            check_token=self._accepts,
        )
        self._client: aiohttp.ClientSession | None = None

    # ----- lifecycle -------------------------------------------------------------------
    def _application(self) -> web.Application:
        app = web.Application()
        self.connector.install(app)
        self.auth.install(app, app_id=lambda: self.state.app_id)
        return app

    async def _started(self) -> None:
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def _stopping(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    @property
    def service_url(self) -> str:
        """The ``serviceUrl`` of every activity: where the bot calls the Bot Connector."""
        return self.http_url + SERVICE_PATH

    @property
    def token_endpoint(self) -> str:
        return f"{self.http_url}/{self.state.tenant_id}/oauth2/v2.0/token"

    # ----- plumbing for the actor ------------------------------------------------------
    def _session(self) -> aiohttp.ClientSession:
        if self._client is None:
            raise RuntimeError(f"the {self.server_name} is not started")
        return self._client

    def _channel_token(self) -> str:
        return self.auth.channel_token(self.state.app_id, self.service_url)

    def _notify(self) -> None:
        self.recorder.notify()

    def _accepts(self, authorization: str | None) -> bool:
        if self.anonymous:
            return True
        scheme, _, token = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and self.auth.verify_bot_token(token, self.state.app_id)

    # ----- what the bot did ------------------------------------------------------------
    unhandled = Forwarded[list[RecordedRequest]](
        "connector", "The bot's calls to routes the emulator does not implement (answered 404)."
    )
    card_problems = Forwarded[list[tuple[str, str]]](
        "connector",
        "(message id, problem) for each card the bot sent that fails the Adaptive Card 1.5"
        " schema or the 28 KB budget (:mod:`bot.emulator.teams.validation`).",
    )

    def messages_in(self, conversation_id: str) -> list[TeamsMessage]:
        return self.state.messages_in(conversation_id)

    def bot_messages_to(self, user: TeamsUser) -> list[TeamsMessage]:
        """What the bot posted in ``user``'s 1:1 chat."""
        chat = self.state.personal_chat(user)
        return [m for m in self.state.messages_in(chat.id) if m.by_bot]

    def conversation_reference(self, user: TeamsUser) -> JSON:
        """The conversation reference of ``user``'s 1:1 chat, as a bot would have stored it."""
        chat = self.state.personal_chat(user)
        return {
            "activityId": None,
            "user": user.account(),
            "agent": self.state.bot_account(),
            "conversation": self.state.conversation_json(chat.id),
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "locale": user.locale,
        }
