"""The Bot Connector REST API the bot calls on the emulator's ``serviceUrl``.

Every request under the service URL is recorded (:class:`~bot.emulator.recorder.Recorder`),
its bearer token checked unless the emulator is anonymous (401 with the Bot Connector's
``"Authorization has been denied for this request."``), injected faults applied,
and answered from :class:`~bot.emulator.teams.state.TeamsState`.  Paths are matched
case-insensitively, as the service does (the SDK writes ``pagedmembers``, the Teams
API client ``pagedMembers``).  An unknown route answers 404 and is kept in
:attr:`ConnectorApi.unhandled`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..faults import answer_with_fault
from ..http import request_record
from ..recorder import RecordedRequest, Recorder
from .conversations import ConversationRoutes
from .faults import TeamsFault, TeamsFaultInjector
from .state import ConnectorError, TeamsState

Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[tuple[int, Any]]]

#: Teams refuses a bot message over 40 KB, counted in UTF-16 (Microsoft's answer in
#: OfficeDev/Microsoft-Teams-Samples issue #1622, 2025; it used to be 28 KB).
MESSAGE_SIZE_LIMIT = 40 * 1024


def _pattern(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{regex}$", re.IGNORECASE)


class ConnectorApi:
    """The ``/v3/...`` routes under the service URL's path prefix."""

    def __init__(
        self,
        state: TeamsState,
        recorder: Recorder,
        faults: TeamsFaultInjector,
        *,
        prefix: str,
        check_token: Callable[[str | None], bool],
    ) -> None:
        self.state = state
        self.recorder = recorder
        self.faults = faults
        self.prefix = prefix.rstrip("/")
        self._check_token = check_token
        self.unhandled: list[RecordedRequest] = []
        conversations = ConversationRoutes(state)
        self.card_problems = conversations.card_problems
        self._routes: list[tuple[str, str, re.Pattern[str], Handler]] = []
        for method, template, handler in conversations.routes():
            self._routes.append((method, template, _pattern(template), handler))

    def install(self, app: web.Application) -> None:
        app.router.add_route("*", self.prefix + "/v3/{tail:.*}", self.handle)

    def _match(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        for route_method, template, pattern, handler in self._routes:
            found = pattern.match(path)
            if found and route_method == method:
                return template, found.groupdict(), handler
        return None

    async def handle(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        path = request.path[len(self.prefix) :]
        raw = await request.read()
        matched = self._match(request.method, path)
        record = request_record(request, path=path, route=matched[0] if matched else path)
        status, body, headers = await self._answer(request, raw, record, matched)
        record.status, record.response = status, body
        record.duration = time.monotonic() - started
        self.recorder.add_request(record)
        if matched is None:
            self.unhandled.append(record)
        if body is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(body, status=status, headers=headers)

    async def _answer(
        self,
        request: web.Request,
        raw: bytes,
        record: RecordedRequest,
        matched: tuple[str, dict[str, str], Handler] | None,
    ) -> tuple[int, Any, dict[str, str]]:
        try:
            if raw:
                try:
                    record.json = json.loads(raw)
                except ValueError:
                    raise ConnectorError(400, "BadSyntax", "Invalid JSON.") from None
            if not self._check_token(request.headers.get("Authorization")):
                return 401, {"message": "Authorization has been denied for this request."}, {}
            if matched is None:
                return 404, {"error": {"code": "NotFound", "message": "Unknown route."}}, {}
            size = len(raw.decode("utf-8", "replace").encode("utf-16-le"))
            if size > MESSAGE_SIZE_LIMIT and request.method in ("POST", "PUT"):
                raise ConnectorError(413, "MessageSizeTooBig", "Message size too large.")
            template, params, handler = matched
            fault = self.faults.take(request.method, template, record.path)
            return await self._run(request, params, record.json, handler, fault)
        except ConnectorError as err:
            return err.status, err.body(), {}

    async def _run(
        self,
        request: web.Request,
        params: dict[str, str],
        body: Any,
        handler: Handler,
        fault: TeamsFault | None,
    ) -> tuple[int, Any, dict[str, str]]:
        """The handler's answer, or the injected fault's (before or after the handler ran)."""

        async def handled() -> tuple[int, Any, dict[str, str]]:
            status, answer = await handler(request, params, body)
            return status, answer, {}

        return await answer_with_fault(fault, handled, _refusal)


def _refusal(fault: TeamsFault) -> tuple[int, Any, dict[str, str]]:
    assert fault.status is not None
    return fault.status, fault.error_body(), fault.headers()
