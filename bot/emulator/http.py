"""What the Discord and the Teams emulators' aiohttp servers share.

Each emulator is one aiohttp server on 127.0.0.1 and a free port (:class:`LocalServer`),
records every request the bot makes (:func:`request_record`) and lets tests wait on
those records; what a test reads of a server's parts is declared with :class:`Forwarded`.
What each serves (Discord's REST API and gateway, the Bot Connector and its token
endpoints) stays in its own module.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast, overload

from aiohttp import web

from .recorder import SECRET_HEADERS, RecordedRequest, Recorder

T = TypeVar("T")


class LocalServer(ABC):
    """An emulator's aiohttp server: start on a free port, stop, its URL, waiting.

    A subclass builds its routes in :meth:`_application`; :meth:`_started` and
    :meth:`_stopping` are its hooks around the server's life."""

    recorder: Recorder
    #: How errors name the emulator ("the Teams emulator is not started").
    server_name = "emulator"
    _runner: web.AppRunner | None = None
    _host = "127.0.0.1"
    _port: int | None = None

    @abstractmethod
    def _application(self) -> web.Application: ...

    async def _started(self) -> None:  # noqa: B027 (an optional hook)
        """Called once the server listens (its URL is known)."""

    async def _stopping(self) -> None:  # noqa: B027 (an optional hook)
        """Called before the server closes."""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        self._runner = web.AppRunner(self._application(), handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._host, self._port = host, self._runner.addresses[0][1]
        await self._started()
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self._stopping()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def http_url(self) -> str:
        if self._port is None:
            raise RuntimeError(f"the {self.server_name} is not started")
        return f"http://{self._host}:{self._port}"

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """Wait until ``predicate()`` is truthy, re-checked at each thing recorded."""
        return await self.recorder.wait_for(predicate, timeout)


class Forwarded(Generic[T]):
    """A read-only attribute of the server that is the same-named one of one of its parts:
    ``bot_user_id = Forwarded[int]("state")`` reads ``self.state.bot_user_id``."""

    def __init__(self, part: str, doc: str | None = None) -> None:
        self._part = part
        self._name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, server: None, owner: type) -> Self: ...
    @overload
    def __get__(self, server: object, owner: type) -> T: ...
    def __get__(self, server: object, owner: type) -> Any:
        if server is None:
            return self
        return cast(T, getattr(getattr(server, self._part), self._name))


def request_record(request: web.Request, *, path: str, route: str) -> RecordedRequest:
    """The record of a request as it arrives (no body yet, no answer), secrets left out."""
    return RecordedRequest(
        method=request.method,
        path=path,
        route=route,
        query=dict(request.query),
        headers={k: v for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS},
        json=None,
        files=[],
    )
