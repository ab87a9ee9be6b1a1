"""The emulated Discord REST API v10 (routes under ``/api/v10``).

Each route answers like Discord: same JSON shapes, same error bodies and codes,
the permission checks that matter for a bot, ``nonce``/``enforce_nonce``
de-duplication, multipart uploads (``payload_json`` + ``files[n]``), the
interaction callback and the interaction webhooks (a deferred response is
edited by the first follow-up, as Discord documents).  A middleware records
every request, enforces rate limits when asked, applies injected faults and adds
rate-limit headers; any route
that is not implemented answers ``404`` and is kept in :attr:`RestApi.unhandled`.

The handlers live in :mod:`bot.emulator.routes`, one module per resource;
:class:`RestApi` builds them over the shared state and installs them.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from .faults import FaultInjector
from .gateway import Gateway
from .http import Forwarded
from .interactions import InteractionRegistry
from .ratelimits import RateLimits
from .recorder import RecordedFile, RecordedRequest, Recorder
from .routes.base import API_PREFIX, Backend, Resource
from .routes.channels import ChannelRoutes
from .routes.commands import CommandRoutes
from .routes.compose import MessageWriter
from .routes.events import EventRoutes
from .routes.guilds import GuildRoutes
from .routes.interactions import InteractionRoutes
from .routes.members import MemberRoutes
from .routes.messages import MessageRoutes
from .routes.pipeline import RequestPipeline
from .routes.reactions import ReactionRoutes
from .routes.threads import ThreadRoutes
from .routes.users import UserRoutes
from .state import JSON, Message, State


class RestApi:
    """REST handlers over the shared :class:`State`; dispatches gateway events as Discord does."""

    def __init__(
        self,
        state: State,
        recorder: Recorder,
        faults: FaultInjector,
        gateway: Gateway,
        interactions: InteractionRegistry,
        *,
        token: Callable[[], str],
        gateway_url: Callable[[], str],
        rate_limits: RateLimits | None = None,
    ) -> None:
        self.state = state
        self.pipeline = RequestPipeline(recorder, faults, token=token, rate_limits=rate_limits)
        self.writer = MessageWriter(state, gateway)
        backend = Backend(state, gateway, interactions, self.writer, gateway_url)
        self.reactions = ReactionRoutes(backend)
        self.messages = MessageRoutes(backend)
        self.resources: list[Resource] = [
            UserRoutes(backend),
            CommandRoutes(backend),
            InteractionRoutes(backend),
            ChannelRoutes(backend),
            self.messages,
            ThreadRoutes(backend),
            self.reactions,
            GuildRoutes(backend),
            MemberRoutes(backend),
            EventRoutes(backend),
        ]

    unhandled = Forwarded[list[RecordedRequest]](
        "pipeline", "Requests to routes the emulator does not implement (answered 404)."
    )

    def install(self, app: web.Application) -> None:
        app.middlewares.append(self.pipeline.middleware)
        for resource in self.resources:
            for method, path, handler in resource.routes():
                app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.pipeline.not_found)
        app.router.add_get(
            "/attachments/{channel_id}/{attachment_id}/{filename}", self.messages.serve_attachment
        )

    # ----- what the users the emulator acts as do, through the same rules -------------
    def apply_edit(self, message: Message, body: JSON, files: list[RecordedFile]) -> None:
        """Apply an edit body to a message the way Discord merges fields (validated first)."""
        self.writer.apply_edit(message, body, files)

    def delete_message_object(self, message: Message) -> None:
        self.writer.delete(message)

    def add_reaction_for(self, message: Message, emoji: str, user_id: int) -> None:
        self.reactions.add_for(message, emoji, user_id)
