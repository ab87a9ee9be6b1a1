"""What every REST resource shares: JSON answers, request parsing helpers, route declarations.

discord.py decodes a body as JSON only if ``Content-Type`` is exactly
``application/json``, so responses are built by :func:`json_response`, never
``aiohttp.web.json_response`` (which appends a charset).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from ..gateway import Gateway
from ..interactions import InteractionRegistry
from ..recorder import RecordedFile, RecordedRequest
from ..state import JSON, ApiError, Channel, Message, State, invalid, missing_access
from .compose import MessageWriter

API_PREFIX = "/api/v10"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: One route: HTTP method, path below :data:`API_PREFIX`, handler.
Route = tuple[str, str, Handler]
#: A handler method (unbound), as :func:`route` marks it.
H = TypeVar("H", bound=Callable[..., Awaitable[web.StreamResponse]])
#: The attribute in which :func:`route` keeps a handler's ``(method, path)`` pairs.
_ROUTES = "_emulator_routes"
#: The parsed JSON body (or multipart ``payload_json``) and the uploaded files of a request.
BODY = web.RequestKey("emulator_body", object)
FILES = web.RequestKey("emulator_files", list)
#: The request's record, made as it arrived (before its body was read).
RECORD = web.RequestKey("emulator_record", RecordedRequest)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON answer whose Content-Type is exactly ``application/json``, as Discord's."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def error_response(err: ApiError) -> web.Response:
    return json_response(err.body(), status=err.status)


def wrong_channel_type() -> ApiError:
    return ApiError(400, 50024, "Cannot execute action on this channel type")


def thread_archived() -> ApiError:
    return ApiError(400, 50083, "Thread is archived")


def checked_name(value: Any) -> str:
    """A channel or thread name from a body: 1 to 100 characters, or 400 on ``name``."""
    name: str = value or ""
    if not 1 <= len(name) <= 100:
        raise invalid("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    return name


def snowflake(value: Any, name: str = "id") -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(name, "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.') from None


def route(method: str, *paths: str) -> Callable[[H], H]:
    """Declare a :class:`Resource` method as the handler of ``method`` on each of ``paths``.

    Routes are installed in the order the methods are defined: where two paths could
    match the same URL (``.../@me`` and ``.../{user_id}``), define the literal one first."""

    def declare(handler: H) -> H:
        declared: list[tuple[str, str]] = getattr(handler, _ROUTES, [])
        setattr(handler, _ROUTES, [*declared, *((method, path) for path in paths)])
        return handler

    return declare


@dataclass(frozen=True)
class Backend:
    """What the resources work on: the world, the bot's gateway, the interactions in flight."""

    state: State
    gateway: Gateway
    interactions: InteractionRegistry
    writer: MessageWriter
    gateway_url: Callable[[], str]


class Resource:
    """A group of REST routes (methods marked with :func:`route`) over the shared state."""

    def __init__(self, backend: Backend) -> None:
        self.state = backend.state
        self.gateway = backend.gateway
        self.interactions = backend.interactions
        self.writer = backend.writer

    def routes(self) -> list[Route]:
        """This resource's routes, in the order its handlers are defined."""
        return [
            (method, path, getattr(self, name))
            for name, member in vars(type(self)).items()
            for method, path in getattr(member, _ROUTES, ())
        ]

    @staticmethod
    def body(request: web.Request) -> JSON:
        """The request's JSON object body (``{}`` when there is none or it is not an object)."""
        body = request.get(BODY)
        return body if isinstance(body, dict) else {}

    @staticmethod
    def files(request: web.Request) -> list[RecordedFile]:
        files: list[RecordedFile] = request.get(FILES) or []
        return files

    @staticmethod
    def param(request: web.Request, name: str) -> int:
        """A snowflake from the route's path (``{channel_id}``...)."""
        return snowflake(request.match_info[name], name)

    @property
    def bot_id(self) -> int:
        return self.state.bot_user_id

    def msg_json(self, message: Message) -> JSON:
        return message.to_json(self.state)

    def visible_channel(self, request: web.Request) -> Channel:
        """The ``{channel_id}`` of the route, if the bot can see it."""
        channel = self.state.channel(self.param(request, "channel_id"))
        self.state.require(self.bot_id, channel.id)
        return channel

    def bot_guild(self, request: web.Request) -> int:
        """The ``{guild_id}`` of the route, if the bot is a member of it."""
        guild = self.state.guild(self.param(request, "guild_id"))
        if self.bot_id not in guild.members:
            raise missing_access()
        return guild.id
