"""A minimal real Microsoft 365 Agents SDK 1.9 bot (not the project's) used to prove the
Teams emulator works.

Hosted as the SDK's samples host one: an aiohttp ``Application`` with the SDK's
``jwt_authorization_middleware``, ``app["agent_configuration"]`` the service
connection's settings, ``POST /api/messages`` -> ``start_agent_process``, on a real
port.  It answers a mention in a channel in the reply chain, a 1:1 message, posts
an ``Action.Execute`` card, a card refreshed per user, a card that opens a dialog,
lists the members, remembers users' conversation references and messages them
proactively in a new 1:1 chat.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp
from aiohttp import web
from azure.core.credentials import AccessToken
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import (
    CloudAdapter,
    jwt_authorization_middleware,
    start_agent_process,
)
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    ClaimsIdentity,
    ConnectionManager,
    MemoryStorage,
    RouteRank,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.msteams import TeamsAgentExtension

CARD = "application/vnd.microsoft.card.adaptive"


def card(
    body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
        **({"actions": actions} if actions else {}),
        **extra,
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True}


def vote_card(votes: int) -> dict[str, Any]:
    return card(
        [text(f"Votes: {votes}")],
        [{"type": "Action.Execute", "title": "Yes", "verb": "vote", "data": {"choice": "yes"}}],
    )


class EmulatorTokenProvider:
    """The bot's outbound token by client credentials against the emulator's token endpoint
    (MSAL only talks HTTPS to a Microsoft authority; this is the same grant)."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._configuration.CLIENT_ID or "",
            "client_secret": self._configuration.CLIENT_SECRET or "",
            "scope": " ".join(scopes or [f"{resource_url}/.default"]),
        }
        url = f"{self._configuration.AUTHORITY}/oauth2/v2.0/token"
        async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
            response.raise_for_status()
            return str((await response.json())["access_token"])

    def get_token_credential(self) -> Any:
        async def get_token(*scopes: str, **kwargs: Any) -> AccessToken:
            return AccessToken(
                await self.get_access_token("https://api.botframework.com", list(scopes)), 2**31 - 1
            )

        return get_token


class MiniTeamsBot:
    """The bot, its aiohttp server on a free port, and what its handlers saw."""

    def __init__(
        self,
        *,
        app_id: str,
        anonymous: bool = True,
        tenant_id: str = "",
        secret: str = "",
        authority: str = "",
        sdk_turn_error_handler: bool = False,
    ) -> None:
        settings: dict[str, Any] = (
            {"ANONYMOUS_ALLOWED": True}
            if anonymous
            else {
                "CLIENTID": app_id,
                "TENANTID": tenant_id,
                "CLIENTSECRET": secret,
                "AUTHORITY": authority,
            }
        )
        config = {"CONNECTIONS": {"SERVICE_CONNECTION": {"SETTINGS": settings}}}
        self.connections: ConnectionManager = (
            MsalConnectionManager(**config)
            if anonymous
            else ConnectionManager(EmulatorTokenProvider, **config)
        )
        self.adapter = CloudAdapter(connection_manager=self.connections)
        if not sdk_turn_error_handler:
            # The SDK's default posts "Exception caught : <error>" to the conversation and
            # swallows the error; without it a proactive turn's error reaches its caller.
            self.adapter.on_turn_error = None  # type: ignore[assignment]
        self.app: AgentApplication[TurnState] = AgentApplication[TurnState](
            storage=MemoryStorage(), connection_manager=self.connections
        )
        self.teams = TeamsAgentExtension(self.app)
        self.app_id = app_id
        self.calls: dict[str, Any] = {}
        self.errors: list[BaseException] = []
        #: Each user's last conversation reference (keyed by AAD object id).
        self.references: dict[str, ConversationReference] = {}
        self.votes = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        _register(self)

    async def start(self) -> str:
        web_app = web.Application(middlewares=[jwt_authorization_middleware])
        web_app["agent_configuration"] = self.connections.get_default_connection_configuration()

        async def messages(request: web.Request) -> web.StreamResponse:
            response = await start_agent_process(request, self.app, self.adapter)
            return response if response is not None else web.Response(status=202)

        web_app.router.add_post("/api/messages", messages)
        self._runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{self.port}/api/messages"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ----- proactive -------------------------------------------------------------------
    def _identity(self) -> ClaimsIdentity:
        """Anonymous (no claims) in the local mode; else the bot's own app id."""
        if self.connections.get_default_connection_configuration().ANONYMOUS_ALLOWED:
            return ClaimsIdentity()
        return self.adapter.create_claims_identity(self.app_id)

    async def message_in_new_chat(self, aad_object_id: str, message: str) -> str:
        """Create a 1:1 chat with a member from their stored reference and post in it."""
        reference = self.references[aad_object_id]
        tenant = reference.conversation.tenant_id
        parameters = ConversationParameters(
            is_group=False,
            agent=ChannelAccount(id=f"28:{self.app_id}"),
            members=[ChannelAccount(id=reference.user.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        created: dict[str, str] = {}

        async def in_chat(context: TurnContext) -> None:
            created["id"] = context.activity.conversation.id
            await context.send_activity(message)

        identity = self._identity()
        factory = self.adapter._channel_service_client_factory
        client = await factory.create_connector_client(
            None,
            identity,
            reference.service_url,
            "https://api.botframework.com",
            use_anonymous=identity.allow_anonymous,
        )
        try:
            result = await client.conversations.create_conversation(parameters)
        finally:
            await client.close()
        chat = reference.model_copy(deep=True)
        chat.conversation.id = result.id
        await self.adapter.continue_conversation_with_claims(
            identity, chat.get_continuation_activity(), in_chat, "https://api.botframework.com"
        )
        return created["id"]


def _register(bot: MiniTeamsBot) -> None:
    _register_messages(bot)
    _register_cards(bot)


def _register_cards(bot: MiniTeamsBot) -> None:
    """Card actions and dialogs (invokes: their order among message routes does not matter)."""
    app, teams = bot.app, bot.teams

    @app.adaptive_card.action_execute("vote")
    async def on_vote(
        context: TurnContext, state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        bot.votes += 1
        bot.calls["vote"] = (context.activity.from_property.id, data)
        return AdaptiveCardInvokeResponse(status_code=200, type=CARD, value=vote_card(bot.votes))

    @app.adaptive_card.action_execute("status")
    async def on_status(
        context: TurnContext, state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        bot.calls["refresh"] = (
            context.activity.from_property.id,
            context.activity.value.get("trigger"),
        )
        return AdaptiveCardInvokeResponse(
            status_code=200,
            type=CARD,
            value=card([text(f"Status for {context.activity.from_property.name}")]),
        )

    @teams.task_modules.fetch("feedback")
    async def on_fetch(context: Any, state: TurnState, request: Any) -> dict[str, Any]:
        dialog = card(
            [
                text("Your feedback"),
                {"type": "Input.Text", "id": "comment", "isRequired": True, "label": "Comment"},
            ],
            [{"type": "Action.Submit", "title": "Send", "data": {"verb": "feedback"}}],
        )
        content = {
            "title": "Feedback",
            "height": "small",
            "width": "medium",
            "card": {"contentType": CARD, "content": dialog},
        }
        return {"task": {"type": "continue", "value": content}}

    @teams.task_modules.submit("feedback")
    async def on_submit(context: Any, state: TurnState, request: Any) -> dict[str, Any]:
        bot.calls["feedback"] = request.data
        return {"task": {"type": "message", "value": "Thanks!"}}


def _register_messages(bot: MiniTeamsBot) -> None:
    """Commands, then the catch-all echo (ranked last)."""
    app = bot.app

    @app.error
    async def on_error(context: TurnContext, error: Exception) -> None:
        bot.errors.append(error)

    @app.conversation_update("membersAdded")
    async def members_added(context: TurnContext, state: TurnState) -> None:
        bot.calls.setdefault("members_added", []).append(context.activity.members_added)

    @app.activity(ActivityTypes.installation_update)
    async def installation(context: TurnContext, state: TurnState) -> None:
        bot.calls.setdefault("installation", []).append(context.activity.action)

    @app.message("members")
    async def members(context: TurnContext, state: TurnState) -> None:
        client = context.turn_state[context.adapter._AGENT_CONNECTOR_CLIENT_KEY]
        found = await client.conversations.get_conversation_members(
            context.activity.conversation.id
        )
        bot.calls["members"] = found
        await context.send_activity(", ".join(sorted(m.name or "" for m in found)))

    @bot.teams.message("roster")
    async def roster(context: Any, state: TurnState) -> None:
        # The msteams extension's Teams API client (httpx): it always asks the connection
        # for a token, so it fails in the anonymous mode (no TENANT_ID for MSAL).
        api = context.api_client
        members = await api.conversations.get_members(context.activity.conversation.id)
        team = await api.teams.get_by_id(context.activity.channel_data.team.id)
        bot.calls["roster"] = (team.name, [m.name for m in members])
        await context.send_activity(f"{team.name}: {len(members)}")

    @app.message("vote")
    async def vote(context: TurnContext, state: TurnState) -> None:
        attachment = Attachment(content_type=CARD, content=vote_card(bot.votes))
        await context.send_activity(Activity(type=ActivityTypes.message, attachments=[attachment]))

    @app.message("status")
    async def status(context: TurnContext, state: TurnState) -> None:
        user = context.activity.from_property.id
        content = card(
            [text("Status for everyone")],
            refresh={
                "action": {"type": "Action.Execute", "verb": "status", "data": {}},
                "userIds": [user],
            },
        )
        await context.send_activity(
            Activity(
                type=ActivityTypes.message,
                attachments=[Attachment(content_type=CARD, content=content)],
            )
        )

    @app.message("form")
    async def form(context: TurnContext, state: TurnState) -> None:
        action = {
            "type": "Action.Submit",
            "title": "Give feedback",
            "data": {"msteams": {"type": "task/fetch"}, "verb": "feedback"},
        }
        content = card([text("Tell us")], [action])
        await context.send_activity(
            Activity(
                type=ActivityTypes.message,
                attachments=[Attachment(content_type=CARD, content=content)],
            )
        )

    # The SDK keeps routes in a heap: among routes of one rank the order is not the order
    # of registration, so the catch-all must rank last to let the commands above match.
    @app.activity(ActivityTypes.message, rank=RouteRank.LAST)
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        user = activity.from_property
        if user.aad_object_id:
            bot.references[user.aad_object_id] = activity.get_conversation_reference()
        bot.calls.setdefault("messages", []).append(
            (activity.conversation.conversation_type, activity.text)
        )
        await context.send_activity(f"echo: {activity.text}")


@contextlib.asynccontextmanager
async def running(bot: MiniTeamsBot) -> Any:
    endpoint = await bot.start()
    try:
        yield endpoint
    finally:
        await bot.stop()
        await asyncio.sleep(0)
