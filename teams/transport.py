"""The Bot Connector REST API as the adapter calls it: paced, retried on 429, refusals typed.

The Agents SDK's connector client raises ``aiohttp.ClientResponseError`` on any refusal
and retries nothing, not even a 429 with ``Retry-After``. Every call here takes a slot
of the :class:`~teams.pacing.Pacer` first; a 429 (or a 412, which Microsoft says to
retry too) holds the conversation for ``Retry-After`` seconds and tries again, within a
bound (:data:`MAX_WAIT`), after which :class:`bot.scheduler.RetryLater` lets the caller's
timer try later. A 429 means Teams did not take the message, so a retry never doubles
one. A 5xx is retried here only for reads and for edits (doing them twice is harmless);
a post that failed with a 5xx may have been created, so it goes up as ``RetryLater``.
Other refusals become a :class:`TeamsRefusal` with Teams' error code.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import aiohttp
from microsoft_agents.activity import Activity, ConversationParameters
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.scheduler import RetryLater
from teams.pacing import Pacer

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Longest a call waits through 429s before it gives the work back to its timer.
MAX_WAIT = 30.0
ATTEMPTS = 4
RECENT_CONVERSATIONS = 256
"""How many conversations :meth:`Connector.sent_since` remembers."""
RETRIED_STATUSES = frozenset({412, 429})
BOT_FRAMEWORK = "https://api.botframework.com"
SCOPES = [f"{BOT_FRAMEWORK}/.default"]


class TokenSource(Protocol):
    async def token(self) -> str:
        """A bearer token for the Bot Connector ("" in the local anonymous mode)."""
        ...


class TeamsRefusal(Exception):
    """Teams refused a call: its HTTP status and error code (``ConversationNotFound``…)."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code

    @classmethod
    def of(cls, error: aiohttp.ClientResponseError) -> TeamsRefusal:
        message = str(error.message or "")
        try:
            body = json.loads(message)
            return cls(
                error.status, str(body["error"]["code"]), str(body["error"].get("message", ""))
            )
        except (ValueError, KeyError, TypeError):  # the SDK gave the HTTP reason only
            return cls(error.status, message or str(error.status), message)


def _retry_after(error: aiohttp.ClientResponseError, attempt: int) -> float:
    raw = error.headers.get("Retry-After") if error.headers is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else float(2**attempt)
    except ValueError:
        return float(2**attempt)


@dataclass(frozen=True)
class Posted:
    conversation_id: str
    activity_id: str


class Connector:
    """Calls to the Bot Connector of each service URL, with the bot's token."""

    def __init__(self, tokens: TokenSource, pacer: Pacer, *, bot_id: str) -> None:
        self._tokens = tokens
        self.pacer = pacer
        self.bot_id = bot_id
        self._clients: dict[str, tuple[str, TeamsConnectorClient]] = {}
        self.sends = 0
        """Messages sent so far; with :meth:`sent_since`, whether a conversation got one."""
        self._last_sent: OrderedDict[str, int] = OrderedDict()
        self.round_trip: float | None = None
        """Seconds the last call Teams answered with success took (the platform's latency)."""

    async def close(self) -> None:
        for _, client in self._clients.values():
            await client.close()
        self._clients.clear()

    async def _client(self, service_url: str) -> TeamsConnectorClient:
        token = await self._tokens.token()
        held = self._clients.get(service_url)
        if held is not None and held[0] == token:
            return held[1]
        if held is not None:
            await held[1].close()
        client = TeamsConnectorClient(endpoint=service_url, token=token)
        self._clients[service_url] = (token, client)
        return client

    async def _call(
        self,
        service_url: str,
        conversation: str | None,
        call: Callable[[TeamsConnectorClient], Awaitable[T]],
        *,
        idempotent: bool,
    ) -> T:
        waited = 0.0
        for attempt in range(ATTEMPTS):
            await self.pacer.slot(conversation)
            try:
                client = await self._client(service_url)
                started = time.perf_counter()
                answer = await call(client)
                self.round_trip = time.perf_counter() - started
                return answer
            except aiohttp.ClientResponseError as error:
                retried = error.status in RETRIED_STATUSES or (idempotent and error.status >= 500)
                if not retried:
                    if error.status >= 500:
                        raise RetryLater(f"Teams answered {error.status}") from error
                    raise TeamsRefusal.of(error) from error
                wait = _retry_after(error, attempt)
                if waited + wait > MAX_WAIT or attempt == ATTEMPTS - 1:
                    raise RetryLater(f"Teams throttled for {wait:.0f}s ({error.status})") from error
                log.info("Teams answered %s; waiting %.1fs before trying again", error.status, wait)
                self.pacer.hold(conversation, wait)
                waited += wait
            except aiohttp.ClientError as error:  # no answer at all: Teams unreachable
                raise RetryLater(f"Teams unreachable ({type(error).__name__})") from error
        raise AssertionError("unreachable")

    # -- messages -------------------------------------------------------------------------

    async def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
        body = Activity.model_validate(activity)

        async def send(client: TeamsConnectorClient) -> str:
            sent = await client.conversations.send_to_conversation(conversation_id, body)
            return str(sent.id or "")

        sent = await self._call(service_url, conversation_id, send, idempotent=False)
        self.sends += 1
        self._last_sent[conversation_id] = self.sends
        self._last_sent.move_to_end(conversation_id)
        if len(self._last_sent) > RECENT_CONVERSATIONS:
            self._last_sent.popitem(last=False)
        return sent

    def sent_since(self, conversation_id: str, mark: int) -> bool:
        """Whether a message went to the conversation after ``sends`` was ``mark`` (among
        the conversations sent to lately: enough for the length of one command)."""
        return self._last_sent.get(conversation_id, 0) > mark

    async def new_post(
        self, service_url: str, tenant_id: str, channel_id: str, activity: dict[str, Any]
    ) -> Posted:
        """A new post in a channel (a reply chain of its own)."""
        parameters = ConversationParameters.model_validate(
            {
                "isGroup": True,
                "channelData": {"channel": {"id": channel_id}, "tenant": {"id": tenant_id}},
                "activity": activity,
                "tenantId": tenant_id,
            }
        )

        async def create(client: TeamsConnectorClient) -> Posted:
            created = await client.conversations.create_conversation(parameters)
            return Posted(str(created.id), str(created.activity_id or ""))

        return await self._call(service_url, channel_id, create, idempotent=False)

    async def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> None:
        body = Activity.model_validate({**activity, "id": activity_id})

        async def update(client: TeamsConnectorClient) -> None:
            await client.conversations.update_activity(conversation_id, activity_id, body)

        await self._call(service_url, conversation_id, update, idempotent=True)

    async def delete(self, service_url: str, conversation_id: str, activity_id: str) -> None:
        async def delete(client: TeamsConnectorClient) -> None:
            await client.conversations.delete_activity(conversation_id, activity_id)

        await self._call(service_url, conversation_id, delete, idempotent=True)

    async def personal_chat(self, service_url: str, tenant_id: str, user_id: str) -> str:
        """The 1:1 chat with a member (Teams gives the existing one if there is one)."""
        parameters = ConversationParameters.model_validate(
            {
                "isGroup": False,
                "bot": {"id": self.bot_id},
                "members": [{"id": user_id}],
                "tenantId": tenant_id,
                "channelData": {"tenant": {"id": tenant_id}},
            }
        )

        async def create(client: TeamsConnectorClient) -> str:
            created = await client.conversations.create_conversation(parameters)
            return str(created.id)

        return await self._call(service_url, user_id, create, idempotent=True)

    # -- reading --------------------------------------------------------------------------

    async def members(self, service_url: str, conversation_id: str) -> list[dict[str, Any]]:
        """Every member of a team or chat, page by page (Teams' paged roster)."""
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = await self._page(service_url, conversation_id, token)
            found += page.get("members") or []
            token = page.get("continuationToken")
            if not token:
                return found

    async def _page(self, service_url: str, conversation_id: str, token: str | None) -> Any:
        async def page(client: TeamsConnectorClient) -> Any:
            params = {"pageSize": "500", **({"continuationToken": token} if token else {})}
            async with client.client.get(
                f"v3/conversations/{conversation_id}/pagedmembers", params=params
            ) as response:
                response.raise_for_status()
                return await response.json()

        return await self._call(service_url, None, page, idempotent=True)

    async def team_details(self, service_url: str, team_id: str) -> dict[str, Any]:
        async def details(client: TeamsConnectorClient) -> dict[str, Any]:
            found = await client.fetch_team_details(team_id)
            return found.model_dump(by_alias=True, exclude_none=True)

        return await self._call(service_url, None, details, idempotent=True)

    async def channels(self, service_url: str, team_id: str) -> list[tuple[str, str | None]]:
        """(channel id, name) of every channel; the General channel has no name."""

        async def channels(client: TeamsConnectorClient) -> list[tuple[str, str | None]]:
            found = await client.fetch_channel_list(team_id)
            return [(str(c.id), c.name) for c in found]

        return await self._call(service_url, None, channels, idempotent=True)
