"""Records everything that crosses the emulator's sockets.

Every REST request (method, path, route template, JSON body or multipart
``payload_json``, uploaded files, headers minus ``Authorization``, status and
body answered, time) and every gateway frame, in both directions.  Tests query
these records, wait on them without sleeping blindly (:meth:`Recorder.wait_for`),
and a privacy test can scan :meth:`Recorder.dump_bytes` for personal data.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic
from typing import Any, TypeVar

T = TypeVar("T")

#: Headers never recorded.
SECRET_HEADERS = frozenset({"authorization"})


@dataclass
class RecordedFile:
    """One uploaded file of a multipart request."""

    field_name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    method: str
    path: str
    route: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[RecordedFile]
    status: int = 0
    response: Any = None
    time: float = field(default_factory=time.time)
    duration: float = 0.0
    #: ``time.monotonic()`` when the request arrived, before its body was read: the
    #: instant a client of Discord sees its request reach Discord.
    arrived: float = field(default_factory=monotonic)

    @property
    def error_code(self) -> int | None:
        """Discord's JSON error code of the answer, if it was an error."""
        if self.status >= 400 and isinstance(self.response, dict):
            return self.response.get("code")
        return None


@dataclass
class GatewayFrame:
    """A gateway payload; ``direction`` is ``"send"`` (emulator to bot) or ``"recv"``."""

    direction: str
    connection: int
    op: int | None
    t: str | None
    s: int | None
    d: Any
    time: float = field(default_factory=time.time)


class Recorder:
    """Append-only log of requests and gateway frames, with waiting helpers."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.frames: list[GatewayFrame] = []
        self._waiters: list[asyncio.Future[None]] = []

    # ----- recording -------------------------------------------------------------------
    def add_request(self, request: RecordedRequest) -> None:
        self.requests.append(request)
        self.notify()

    def add_frame(self, frame: GatewayFrame) -> None:
        self.frames.append(frame)
        self.notify()

    def notify(self) -> None:
        """Wake every :meth:`wait_for` so it re-evaluates its predicate."""
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    # ----- querying --------------------------------------------------------------------
    def find_requests(
        self,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        route: str | None = None,
        status: int | None = None,
    ) -> list[RecordedRequest]:
        """Requests matching every given criterion (``route`` is the template, e.g.
        ``/channels/{channel_id}/messages``)."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (path_contains is None or path_contains in r.path)
            and (route is None or r.route == route)
            and (status is None or r.status == status)
        ]

    def dispatched(self, event: str) -> list[Any]:
        """``d`` of every dispatch named ``event`` sent to the bot."""
        return [f.d for f in self.frames if f.direction == "send" and f.t == event]

    def received(self, op: int) -> list[Any]:
        """``d`` of every frame with opcode ``op`` the bot sent."""
        return [f.d for f in self.frames if f.direction == "recv" and f.op == op]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Wait until ``predicate()`` is truthy (re-checked after each record or
        state change) and return its value; raise :class:`TimeoutError` otherwise."""

        async def _wait() -> T:
            while True:
                value = predicate()
                if value:
                    return value
                fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.append(fut)
                await fut

        try:
            return await asyncio.wait_for(_wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"condition not met within {timeout}s") from None

    # ----- export ----------------------------------------------------------------------
    def dump_bytes(self, *, from_bot_only: bool = False) -> bytes:
        """Everything recorded, as bytes: one JSON line per request or frame, each
        uploaded file's raw bytes after its request.  With ``from_bot_only``, only
        what the bot sent (request bodies, files, frames it sent), not the answers."""
        out: list[bytes] = []
        for req in self.requests:
            line: dict[str, Any] = {
                "kind": "request",
                "method": req.method,
                "path": req.path,
                "query": req.query,
                "headers": req.headers,
                "json": req.json,
                "files": [
                    {"name": f.field_name, "filename": f.filename, "content_type": f.content_type}
                    for f in req.files
                ],
            }
            if not from_bot_only:
                line.update(status=req.status, response=req.response)
            out.append(json.dumps(line, ensure_ascii=False).encode() + b"\n")
            out.extend(f.data + b"\n" for f in req.files)
        for frame in self.frames:
            if from_bot_only and frame.direction != "recv":
                continue
            entry = {
                "kind": "frame",
                "direction": frame.direction,
                "op": frame.op,
                "t": frame.t,
                "s": frame.s,
                "d": frame.d,
            }
            out.append(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
        return b"".join(out)
