"""The middleware every REST request goes through: parse, record, authenticate, rate-limit,
inject faults.

It parses the JSON body or the multipart upload (``payload_json`` + ``files[n]``),
records every request, checks the bot token, enforces Discord's rate limits when they
are on (:mod:`bot.emulator.ratelimits`), applies the injected faults, turns an
:class:`ApiError` into Discord's error body and adds rate-limit headers.  A route
that is not implemented answers ``404`` and is kept in :attr:`RequestPipeline.unhandled`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import BodyPartReader, web

from ..faults import Fault, FaultInjector, answer_with_fault
from ..http import request_record
from ..ratelimits import RateLimits
from ..recorder import RecordedFile, RecordedRequest, Recorder
from ..state import JSON, WALL_CLOCK, ApiError
from .base import API_PREFIX, BODY, FILES, RECORD, Handler, error_response, json_response


class RequestPipeline:
    """The aiohttp middleware of the REST API and the requests it could not route."""

    def __init__(
        self,
        recorder: Recorder,
        faults: FaultInjector,
        *,
        token: Callable[[], str],
        rate_limits: RateLimits | None = None,
    ) -> None:
        self.recorder = recorder
        self.faults = faults
        self.rate_limits = rate_limits if rate_limits is not None else RateLimits()
        self._token = token
        self.unhandled: list[RecordedRequest] = []

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        implemented = "{tail" not in canonical
        route = canonical[len(API_PREFIX) :] if implemented else path
        record = request_record(request, path=path, route=route)
        request[RECORD] = record
        try:
            record.json, record.files = await self._parse_body(request)
            request[BODY], request[FILES] = record.json, record.files
            self._authenticate(request, route)
            refusal = self.rate_limits.check(
                method=request.method,
                route=route,
                params=request.match_info,
                authorization=request.headers.get("Authorization"),
            )
            response: web.StreamResponse
            if refusal is not None:
                response = json_response(refusal.body(), status=429, headers=refusal.headers)
            else:
                response = await self._answer(request, handler, route, path)
        except ApiError as err:
            response = error_response(err)
        if response.status != 429:
            bucket = self.rate_limits.headers(
                method=request.method, route=route, params=request.match_info
            )
            response.headers.update(bucket or self._ratelimit_headers(route, request.method))
        record.status = response.status
        body = getattr(response, "body", None)
        if isinstance(body, bytes) and response.content_type == "application/json":
            record.response = json.loads(body)
        record.duration = time.monotonic() - record.arrived
        self.recorder.add_request(record)
        if not implemented:
            self.unhandled.append(record)
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, route: str, path: str
    ) -> web.StreamResponse:
        """The handler's answer, or the injected fault's (before or after the handler ran)."""
        return await answer_with_fault(
            self.faults.take(request.method, route, path),
            lambda: handler(request),
            self._fault_response,
        )

    async def _parse_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        if not request.body_exists:
            return None, []
        if request.content_type.startswith("multipart/"):
            return await self._parse_multipart(request)
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    @staticmethod
    async def _parse_multipart(request: web.Request) -> tuple[Any, list[RecordedFile]]:
        reader = await request.multipart()
        payload: Any = None
        fields: JSON = {}
        files: list[RecordedFile] = []
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if part.filename:
                data = bytes(await part.read())
                content_type = part.headers.get("Content-Type", "")
                files.append(RecordedFile(name, part.filename, content_type, data))
            elif name == "payload_json":
                payload = json.loads(await part.text())
            else:
                fields[name] = await part.text()
        return (payload if payload is not None else fields), files

    def _authenticate(self, request: web.Request, route: str) -> None:
        if route.startswith(("/interactions/", "/webhooks/")):
            return
        if request.headers.get("Authorization") != f"Bot {self._token()}":
            raise ApiError(401, 0, "401: Unauthorized")

    @staticmethod
    def _fault_response(fault: Fault) -> web.StreamResponse:
        assert fault.status is not None
        return json_response(fault.error_body(), status=fault.status, headers=fault.headers())

    @staticmethod
    def _ratelimit_headers(route: str, method: str) -> dict[str, str]:
        bucket = hashlib.sha1(f"{method} {route}".encode()).hexdigest()[:32]
        return {
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{WALL_CLOCK.now().timestamp() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
        }

    @staticmethod
    async def not_found(request: web.Request) -> web.Response:
        return json_response({"message": "404: Not Found", "code": 0}, status=404)
