"""Fault injection for the emulator's REST routes.

A :class:`Fault` matches requests by method and path, either a route template
(``/channels/{id}/messages``: parameter names don't matter) or a plain
substring of the path, and is consumed after ``times`` uses (``None`` =
forever).  It can add latency (``delay``), answer an error status with
Discord's error body, answer 429 with the headers discord.py needs to retry,
or let the request really happen and *then* answer the error (``commit``:
"Discord created the message then answered 502").  A ``hook`` is called when the
fault fires, before the request runs or, with ``commit``, once it ran and before
the answer leaves: the moment a test kills the bot after Discord accepted a send.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypedDict, TypeVar, Unpack

from .state import JSON

F = TypeVar("F", bound="Fault")
R = TypeVar("R")

_PARAM = re.compile(r"\{[^}]*\}")

_DEFAULT_MESSAGES = {
    400: "Invalid Form Body",
    401: "401: Unauthorized",
    403: "Missing Permissions",
    404: "404: Not Found",
    429: "You are being rate limited.",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
    504: "504: Gateway Timeout",
}

_DEFAULT_CODES = {403: 50013}


def normalize_template(template: str) -> str:
    """``/channels/{channel_id}/messages`` -> ``/channels/{}/messages``."""
    return _PARAM.sub("{}", template.rstrip("/"))


@dataclass
class Fault:
    """One injected fault; see :meth:`FaultInjector.add`."""

    method: str | None
    path: str
    status: int | None = None
    code: int | None = None
    message: str | None = None
    retry_after: float = 1.0
    global_: bool = False
    times: int | None = 1
    delay: float = 0.0
    commit: bool = False
    hook: Callable[[], object] | None = None
    used: int = 0

    def matches(self, method: str, route: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if "{" in self.path:
            return normalize_template(self.path) == normalize_template(route)
        return self.path in path

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.used >= self.times

    def error_body(self) -> JSON:
        assert self.status is not None
        if self.status == 429:
            return {
                "message": self.message or _DEFAULT_MESSAGES[429],
                "retry_after": self.retry_after,
                "global": self.global_,
                "code": 0,
            }
        code = self.code if self.code is not None else _DEFAULT_CODES.get(self.status, 0)
        return {
            "message": self.message or _DEFAULT_MESSAGES.get(self.status, f"{self.status}: Error"),
            "code": code,
        }

    def headers(self) -> dict[str, str]:
        """Extra headers of the answer: what discord.py needs to treat a 429 as Discord's."""
        if self.status != 429:
            return {}
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(self.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
            "X-RateLimit-Bucket": "emulator-fault",
            "X-RateLimit-Scope": "global" if self.global_ else "user",
        }
        if self.global_:
            headers["X-RateLimit-Global"] = "true"
        return headers


class FaultOptions(TypedDict, total=False):
    """What every fault takes, whatever the platform: see :meth:`FaultInjector.add`."""

    message: str | None
    retry_after: float
    times: int | None
    delay: float
    hook: Callable[[], object] | None


class FaultInjector:
    """The set of active faults, consulted by the REST layer for each request."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(
        self,
        *,
        path: str,
        method: str | None = None,
        status: int | None = None,
        code: int | None = None,
        global_: bool = False,
        commit: bool | None = None,
        **options: Unpack[FaultOptions],
    ) -> Fault:
        """Inject a fault on requests matching ``method`` (None = any) and ``path``.

        ``status`` None only adds ``delay`` seconds of latency; ``message`` replaces the
        error's message, ``retry_after`` (seconds) goes with a 429, ``times`` (default 1,
        None = forever) is how many requests it answers.  ``commit`` runs the real
        handler before answering the error (default: True for 502 only); with ``status``
        None it only decides when ``hook`` runs: before the handler, or after it (the
        request happened, the answer is not sent yet).
        """
        commit = commits(status) if commit is None else commit
        return self._keep(
            Fault(method, path, status, code=code, global_=global_, commit=commit, **options)
        )

    def _keep(self, fault: F) -> F:
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, route: str, path: str) -> Fault | None:
        """The first matching fault, counted as used (and dropped once exhausted)."""
        for fault in self.faults:
            if fault.matches(method, route, path):
                fault.used += 1
                if fault.exhausted:
                    self.faults.remove(fault)
                return fault
        return None


def commits(status: int | None) -> bool:
    """Whether a fault of this status lets the request happen by default: a 502 does
    (the platform did the work, then the answer was lost), nothing else."""
    return status == 502


async def answer_with_fault(
    fault: F | None, handle: Callable[[], Awaitable[R]], refuse: Callable[[F], R]
) -> R:
    """The handler's answer, or the injected fault's (``refuse(fault)``): its delay first,
    its hook and error before the handler runs, or after it with ``commit``."""
    if fault is None:
        return await handle()
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if not fault.commit:
        if fault.hook is not None:
            fault.hook()
        if fault.status is not None:
            return refuse(fault)
    answer = await handle()
    if fault.commit and fault.hook is not None:
        fault.hook()
    return answer if fault.status is None else refuse(fault)
