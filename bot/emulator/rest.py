"""The emulated Discord REST API v10 (routes under ``/api/v10``).

Each route answers like Discord: same JSON shapes, same error bodies and codes,
the permission checks that matter for a bot, ``nonce``/``enforce_nonce``
de-duplication, multipart uploads (``payload_json`` + ``files[n]``), the
interaction callback and the interaction webhooks (a deferred response is
edited by the first follow-up, as Discord documents).  A middleware records
every request, applies injected faults and adds rate-limit headers; any route
that is not implemented answers ``404`` and is kept in :attr:`RestApi.unhandled`.

discord.py decodes a body as JSON only if ``Content-Type`` is exactly
``application/json``, so responses are built by :func:`json_response`, never
``aiohttp.web.json_response`` (which appends a charset).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import mimetypes
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from .faults import Fault, FaultInjector
from .gateway import Gateway, Intent
from .interactions import (
    InteractionRegistry,
    InteractionResult,
    InteractionType,
    Modal,
    ResponseType,
)
from .recorder import SECRET_HEADERS, RecordedFile, RecordedRequest, Recorder
from .state import (
    JSON,
    THREAD_TYPES,
    WALL_CLOCK,
    ApiError,
    ApplicationCommand,
    Attachment,
    Channel,
    ChannelType,
    Message,
    MessageFlag,
    Permission,
    ScheduledEvent,
    State,
    emoji_json,
    invalid,
    iso,
    missing_permissions,
    now_iso,
    parse_iso,
    unknown,
)
from .validation import check_choices, check_command, check_message, check_modal

API_PREFIX = "/api/v10"
#: How long Discord remembers a nonce for ``enforce_nonce``.
NONCE_WINDOW = 300.0
#: Message flags a bot may set when sending.
SENDABLE_FLAGS = (
    MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS | MessageFlag.IS_COMPONENTS_V2
)
#: Interaction response types Discord accepts per interaction type.
ALLOWED_RESPONSES: dict[InteractionType, set[int]] = {
    InteractionType.PING: {1},
    InteractionType.APPLICATION_COMMAND: {4, 5, 9},
    InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    InteractionType.AUTOCOMPLETE: {8},
    InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: The parsed JSON body (or multipart ``payload_json``) and the uploaded files of a request.
BODY = web.RequestKey("emulator_body", object)
FILES = web.RequestKey("emulator_files", list)


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


def snowflake(value: Any, name: str = "id") -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(name, "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.') from None


def guess_content_type(filename: str, declared: str) -> str:
    """Discord infers the content type from the file name (discord.py always sends octet-stream)."""
    guessed, _ = mimetypes.guess_type(filename)
    content_type = guessed or declared or "application/octet-stream"
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=utf-8"
    return content_type


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
    ) -> None:
        self.state = state
        self.recorder = recorder
        self.faults = faults
        self.gateway = gateway
        self.interactions = interactions
        self._token = token
        self._gateway_url = gateway_url
        self.unhandled: list[RecordedRequest] = []
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self._verify_key = secrets.token_hex(32)

    # ----- wiring ----------------------------------------------------------------------
    def install(self, app: web.Application) -> None:
        app.middlewares.append(self._middleware)
        for method, path, handler in self._routes():
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._not_found)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)

    def _routes(self) -> list[tuple[str, str, Handler]]:
        app_cmds = "/applications/{application_id}/commands"
        guild_cmds = "/applications/{application_id}/guilds/{guild_id}/commands"
        hook = "/webhooks/{application_id}/{token}"
        msgs = "/channels/{channel_id}/messages"
        reactions = msgs + "/{message_id}/reactions/{emoji}"
        events = "/guilds/{guild_id}/scheduled-events"
        return [
            ("GET", "/users/@me", self.get_me),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", app_cmds, self.list_commands),
            ("PUT", app_cmds, self.bulk_overwrite_commands),
            ("POST", app_cmds, self.create_command),
            ("GET", app_cmds + "/{command_id}", self.get_command),
            ("PATCH", app_cmds + "/{command_id}", self.edit_command),
            ("DELETE", app_cmds + "/{command_id}", self.delete_command),
            ("GET", guild_cmds, self.list_commands),
            ("PUT", guild_cmds, self.bulk_overwrite_commands),
            ("POST", guild_cmds, self.create_command),
            ("GET", guild_cmds + "/{command_id}", self.get_command),
            ("PATCH", guild_cmds + "/{command_id}", self.edit_command),
            ("DELETE", guild_cmds + "/{command_id}", self.delete_command),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback),
            ("GET", hook + "/messages/@original", self.get_webhook_message),
            ("PATCH", hook + "/messages/@original", self.edit_webhook_message),
            ("DELETE", hook + "/messages/@original", self.delete_webhook_message),
            ("GET", hook + "/messages/{message_id}", self.get_webhook_message),
            ("PATCH", hook + "/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", hook + "/messages/{message_id}", self.delete_webhook_message),
            ("POST", hook, self.create_followup),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("PATCH", "/channels/{channel_id}", self.edit_channel),
            ("DELETE", "/channels/{channel_id}", self.delete_channel),
            ("POST", "/channels/{channel_id}/typing", self.trigger_typing),
            ("GET", msgs, self.list_messages),
            ("POST", msgs, self.create_message),
            ("GET", msgs + "/{message_id}", self.get_message),
            ("PATCH", msgs + "/{message_id}", self.edit_message),
            ("DELETE", msgs + "/{message_id}", self.delete_message),
            ("POST", msgs + "/{message_id}/threads", self.create_thread_from_message),
            ("POST", "/channels/{channel_id}/threads", self.create_thread),
            ("PUT", "/channels/{channel_id}/thread-members/@me", self.join_thread),
            ("DELETE", "/channels/{channel_id}/thread-members/@me", self.leave_thread),
            ("GET", "/channels/{channel_id}/thread-members", self.list_thread_members),
            ("GET", "/channels/{channel_id}/thread-members/{user_id}", self.get_thread_member),
            ("PUT", "/channels/{channel_id}/thread-members/{user_id}", self.add_thread_member),
            (
                "DELETE",
                "/channels/{channel_id}/thread-members/{user_id}",
                self.remove_thread_member,
            ),
            ("PUT", reactions + "/@me", self.add_reaction),
            ("DELETE", reactions + "/@me", self.remove_own_reaction),
            ("DELETE", reactions + "/{user_id}", self.remove_user_reaction),
            ("GET", reactions, self.list_reactions),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.list_guild_channels),
            ("POST", "/guilds/{guild_id}/channels", self.create_guild_channel),
            ("GET", "/guilds/{guild_id}/roles", self.list_roles),
            ("GET", "/guilds/{guild_id}/members", self.list_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.add_member_role),
            (
                "DELETE",
                "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
                self.remove_member_role,
            ),
            ("GET", "/guilds/{guild_id}/threads/active", self.list_active_threads),
            ("GET", events, self.list_events),
            ("POST", events, self.create_event),
            ("GET", events + "/{event_id}", self.get_event),
            ("PATCH", events + "/{event_id}", self.edit_event),
            ("DELETE", events + "/{event_id}", self.delete_event),
        ]

    # ----- middleware: parse, record, authenticate, inject faults ----------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        started = time.monotonic()
        path = request.path[len(API_PREFIX) :]
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        implemented = "{tail" not in canonical
        route = canonical[len(API_PREFIX) :] if implemented else path
        record = RecordedRequest(
            method=request.method,
            path=path,
            route=route,
            query=dict(request.query),
            headers={k: v for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS},
            json=None,
            files=[],
        )
        try:
            record.json, record.files = await self._parse_body(request)
            request[BODY], request[FILES] = record.json, record.files
            self._authenticate(request, route)
            fault = self.faults.take(request.method, route, path)
            response: web.StreamResponse
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None and not fault.commit:
                response = self._fault_response(fault)
            else:
                response = await handler(request)
                if fault is not None and fault.status is not None:
                    response = self._fault_response(fault)
        except ApiError as err:
            response = error_response(err)
        if response.status != 429:
            response.headers.update(self._ratelimit_headers(route, request.method))
        record.status = response.status
        body = getattr(response, "body", None)
        if isinstance(body, bytes) and response.content_type == "application/json":
            record.response = json.loads(body)
        record.duration = time.monotonic() - started
        self.recorder.add_request(record)
        if not implemented:
            self.unhandled.append(record)
        return response

    async def _parse_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        if not request.body_exists:
            return None, []
        if request.content_type.startswith("multipart/"):
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
                    files.append(
                        RecordedFile(
                            name, part.filename, part.headers.get("Content-Type", ""), data
                        )
                    )
                elif name == "payload_json":
                    payload = json.loads(await part.text())
                else:
                    fields[name] = await part.text()
            return (payload if payload is not None else fields), files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    def _authenticate(self, request: web.Request, route: str) -> None:
        if route.startswith(("/interactions/", "/webhooks/")):
            return
        if request.headers.get("Authorization") != f"Bot {self._token()}":
            raise ApiError(401, 0, "401: Unauthorized")

    @staticmethod
    def _fault_response(fault: Fault) -> web.Response:
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
    async def _not_found(request: web.Request) -> web.Response:
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    async def _attachment(self, request: web.Request) -> web.Response:
        att = self.state.attachment(snowflake(request.match_info["attachment_id"]))
        if att is None or att.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=att.data, headers={"Content-Type": att.content_type})

    # ----- small helpers ---------------------------------------------------------------
    @staticmethod
    def _body(request: web.Request) -> JSON:
        body = request.get(BODY)
        return body if isinstance(body, dict) else {}

    @staticmethod
    def _param(request: web.Request, name: str) -> int:
        return snowflake(request.match_info[name], name)

    @property
    def _bot_id(self) -> int:
        return self.state.bot_user_id

    def _msg_json(self, message: Message) -> JSON:
        return message.to_json(self.state)

    def _attachments_from(
        self, body: JSON, files: list[RecordedFile], channel_id: int, *, ephemeral: bool
    ) -> list[Attachment]:
        """New attachments of a body: ``attachments[n].id`` names the file field ``files[n]``."""
        described = {
            str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)
        }
        result = []
        for index, file in enumerate(files):
            key = (
                file.field_name[len("files[") : -1]
                if file.field_name.startswith("files[")
                else str(index)
            )
            meta = described.get(key, {})
            result.append(
                Attachment(
                    id=self.state.new_id(),
                    filename=meta.get("filename") or file.filename,
                    content_type=guess_content_type(file.filename, file.content_type),
                    data=file.data,
                    channel_id=channel_id,
                    description=meta.get("description"),
                    ephemeral=ephemeral,
                )
            )
        return result

    def new_message(
        self,
        channel: Channel,
        author_id: int,
        body: JSON,
        files: list[RecordedFile],
        *,
        extra_flags: int = 0,
        **fields: Any,
    ) -> Message:
        """Build and store a message from a create body (content, embeds, components, files...)."""
        flags = (int(body.get("flags") or 0) & SENDABLE_FLAGS) | extra_flags
        message = Message(
            id=self.state.new_id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=body.get("content") or "",
            embeds=[{"type": "rich", **e} for e in body.get("embeds") or []],
            components=list(body.get("components") or []),
            flags=flags,
            tts=bool(body.get("tts")),
            nonce=None if body.get("nonce") is None else str(body["nonce"]),
            allowed_mentions=body.get("allowed_mentions"),
            **fields,
        )
        message.attachments = self._attachments_from(
            body, files, channel.id, ephemeral=message.ephemeral
        )
        self.state.resolve_mentions(message)
        return self.state.add_message(message)

    def apply_edit(self, message: Message, body: JSON, files: list[RecordedFile]) -> None:
        """Apply an edit body to a message the way Discord merges fields (validated first)."""
        content = (body["content"] or "") if "content" in body else message.content
        embeds = message.embeds
        if "embeds" in body:
            embeds = [{"type": "rich", **e} for e in body["embeds"] or []]
        components = list(body["components"] or []) if "components" in body else message.components
        flags = message.flags & ~MessageFlag.LOADING
        if body.get("flags") is not None:
            keep = message.flags & (MessageFlag.EPHEMERAL | MessageFlag.HAS_THREAD)
            flags = keep | (int(body["flags"]) & SENDABLE_FLAGS)
        attachments = message.attachments
        if body.get("attachments") is not None:
            kept_ids = {str(a.get("id")) for a in body["attachments"] if isinstance(a, dict)}
            attachments = [a for a in attachments if str(a.id) in kept_ids]
        new = self._attachments_from(body, files, message.channel_id, ephemeral=message.ephemeral)
        check_message(
            {"content": content, "embeds": embeds, "components": components, "flags": flags},
            file_count=len(attachments) + len(new),
        )
        message.content, message.embeds, message.components = content, embeds, components
        message.flags, message.attachments = flags, attachments + new
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        message.edited_timestamp = now_iso()
        self.state.resolve_mentions(message)

    def delete_message_object(self, message: Message) -> None:
        message.deleted = True
        self.gateway.message_deleted(message)

    # ----- users, gateway, application -------------------------------------------------
    async def get_me(self, request: web.Request) -> web.Response:
        data = self.state.bot_user.to_json()
        data.update(
            bot=True, verified=True, mfa_enabled=False, email=None, locale="en-US", premium_type=0
        )
        return json_response(data)

    async def get_user(self, request: web.Request) -> web.Response:
        return json_response(self.state.user(self._param(request, "user_id")).to_json())

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self._gateway_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self._gateway_url(),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000 - self.gateway.identify_count,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_application(self, request: web.Request) -> web.Response:
        state = self.state
        owner = state.users[state.owner_user_id or state.bot_user_id]
        return json_response(
            {
                "id": str(state.application_id),
                "name": state.application_name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "hook": True,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": self._verify_key,
                "owner": owner.to_json(),
                "team": None,
                "flags": 1 << 13 | 1 << 15 | 1 << 19 | 1 << 23,
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "approximate_guild_count": len(state.guilds),
                "bot": state.bot_user.to_json(),
                "integration_types_config": {"0": {}},
            }
        )

    # ----- application commands --------------------------------------------------------
    def _command_scope(self, request: web.Request) -> int | None:
        if self._param(request, "application_id") != self.state.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        guild_id = self._param(request, "guild_id")
        if self._bot_id not in self.state.guild(guild_id).members:
            raise ApiError(403, 50001, "Missing Access")
        return guild_id

    def _command(self, request: web.Request, guild_id: int | None) -> ApplicationCommand:
        command = self.state.commands.get(self._param(request, "command_id"))
        if command is None or command.guild_id != guild_id:
            raise unknown("application command", 10063)
        return command

    def _store_command(
        self, payload: JSON, guild_id: int | None, existing: ApplicationCommand | None
    ) -> ApplicationCommand:
        command = existing or ApplicationCommand(
            id=self.state.new_id(),
            application_id=self.state.application_id,
            name=payload["name"],
            payload={},
            guild_id=guild_id,
        )
        if existing is None or existing.payload != payload:
            command.version = self.state.new_id()
        command.name = payload["name"]
        command.payload = {
            k: v
            for k, v in payload.items()
            if k not in ("id", "application_id", "version", "guild_id")
        }
        self.state.commands[command.id] = command
        return command

    async def list_commands(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        return json_response([c.to_json() for c in self.state.commands_for(guild_id)])

    async def bulk_overwrite_commands(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        payloads = request.get(BODY)
        if not isinstance(payloads, list):
            error = {
                "code": "LIST_TYPE_CONVERT",
                "message": "Only iterables may be used in a ListType",
            }
            raise ApiError(400, 50035, "Invalid Form Body", {"_errors": [error]})
        if len(payloads) > 100:
            raise ApiError(400, 30032, "Maximum number of application commands reached (100)")
        for index, payload in enumerate(payloads):
            check_command(payload, path=[index])
        current = {(c.name, c.type): c for c in self.state.commands_for(guild_id)}
        stored = [
            self._store_command(p, guild_id, current.pop((p["name"], int(p.get("type", 1))), None))
            for p in payloads
        ]
        for leftover in current.values():
            del self.state.commands[leftover.id]
        return json_response([c.to_json() for c in stored])

    async def create_command(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        payload = self._body(request)
        check_command(payload)
        existing = next(
            (
                c
                for c in self.state.commands_for(guild_id)
                if c.name == payload.get("name") and c.type == int(payload.get("type", 1))
            ),
            None,
        )
        command = self._store_command(payload, guild_id, existing)
        return json_response(command.to_json(), status=200 if existing else 201)

    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._command(request, self._command_scope(request)).to_json())

    async def edit_command(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        command = self._command(request, guild_id)
        payload = {**command.payload, "name": command.name, **self._body(request)}
        check_command(payload)
        return json_response(self._store_command(payload, guild_id, command).to_json())

    async def delete_command(self, request: web.Request) -> web.Response:
        command = self._command(request, self._command_scope(request))
        del self.state.commands[command.id]
        return no_content()

    # ----- interactions ----------------------------------------------------------------
    async def interaction_callback(self, request: web.Request) -> web.Response:
        result = self.interactions.by_id.get(self._param(request, "interaction_id"))
        if result is None or result.token != request.match_info["token"]:
            raise unknown("interaction", 10062)
        if result.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if result.expired:
            raise unknown("interaction", 10062)
        body = self._body(request)
        rtype = body.get("type")
        data = body.get("data") or {}
        try:
            if rtype not in ALLOWED_RESPONSES[result.type] or (
                rtype in (6, 7) and "message" not in result.payload
            ):
                raise invalid(
                    "type",
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    "Interaction response type is invalid",
                )
            response_type = ResponseType(rtype)
            files: list[RecordedFile] = request.get(FILES) or []
            message = self._apply_callback(result, response_type, data, files)
        except ApiError as err:
            result.rejected_responses.append(err.body())
            raise
        result.record_response(response_type, data)
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return no_content()
        interaction: JSON = {"id": str(result.id), "type": int(result.type)}
        resource: JSON = {"type": rtype}
        if message is not None and response_type in (4, 5, 7):
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=response_type == 5,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = self._msg_json(message)
        return json_response({"interaction": interaction, "resource": resource})

    def _apply_callback(
        self, result: InteractionResult, rtype: ResponseType, data: JSON, files: list[RecordedFile]
    ) -> Message | None:
        channel = self.state.channel(result.channel_id)
        if rtype == ResponseType.CHANNEL_MESSAGE:
            check_message(data, file_count=len(files))
            message = self._interaction_message(result, channel, data, files, original=True)
            self.gateway.message_created(message)
            return message
        if rtype == ResponseType.DEFERRED_CHANNEL_MESSAGE:
            ephemeral = int(data.get("flags") or 0) & MessageFlag.EPHEMERAL
            message = self._interaction_message(
                result, channel, {}, [], original=True, extra_flags=MessageFlag.LOADING | ephemeral
            )
            self.gateway.message_created(message)
            return message
        if rtype in (ResponseType.DEFERRED_UPDATE_MESSAGE, ResponseType.UPDATE_MESSAGE):
            target = self.state.messages[int(result.payload["message"]["id"])]
            result.original_message_id = target.id
            if rtype == ResponseType.UPDATE_MESSAGE:
                self.apply_edit(target, data, files)
                self.gateway.message_updated(target)
            return target
        if rtype == ResponseType.AUTOCOMPLETE_RESULT:
            check_choices(data)
            result.choices = list(data["choices"])
        elif rtype == ResponseType.MODAL:
            check_modal(data)
            modal = Modal(
                custom_id=data["custom_id"],
                title=data["title"],
                components=data["components"],
                interaction=result,
            )
            result.modal = modal
            self.interactions.modals.append(modal)
        return None

    def _interaction_message(
        self,
        result: InteractionResult,
        channel: Channel,
        data: JSON,
        files: list[RecordedFile],
        *,
        original: bool,
        extra_flags: int = 0,
    ) -> Message:
        user = self.state.users[result.user_id].to_json()
        metadata: JSON = {
            "id": str(result.id),
            "type": int(result.type),
            "user": user,
            "authorizing_integration_owners": result.payload.get(
                "authorizing_integration_owners", {}
            ),
        }
        if result.type == InteractionType.APPLICATION_COMMAND:
            metadata.update(
                name=_command_path(result.payload["data"]),
                command_type=result.payload["data"].get("type", 1),
            )
        if "message" in result.payload:
            metadata["interacted_message_id"] = result.payload["message"]["id"]
        if not original and result.original_message_id is not None:
            metadata["original_response_message_id"] = str(result.original_message_id)
        is_command = result.type == InteractionType.APPLICATION_COMMAND
        message = self.new_message(
            channel,
            self._bot_id,
            data,
            files,
            extra_flags=extra_flags | (int(data.get("flags") or 0) & MessageFlag.EPHEMERAL),
            type=20 if is_command and original else 0,
            webhook_id=self.state.application_id,
            application_id=self.state.application_id,
            interaction_metadata=metadata,
        )
        if original:
            result.original_message_id = message.id
        return message

    def _webhook_interaction(self, request: web.Request) -> InteractionResult:
        result = self.interactions.by_token.get(request.match_info["token"])
        if (
            result is None
            or self._param(request, "application_id") != self.state.application_id
            or result.token_expired
        ):
            raise unknown("Webhook", 10015)
        return result

    def _webhook_message(self, request: web.Request, result: InteractionResult) -> Message:
        raw = request.match_info.get("message_id")
        message_id = result.original_message_id if raw is None else snowflake(raw, "message_id")
        if message_id is None or (
            message_id != result.original_message_id and message_id not in result.followup_ids
        ):
            raise unknown("Message", 10008)
        message = self.state.messages.get(message_id)
        if message is None or message.deleted:
            raise unknown("Message", 10008)
        return message

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        return json_response(self._msg_json(self._webhook_message(request, result)))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        message = self._webhook_message(request, result)
        self.apply_edit(message, self._body(request), request.get(FILES) or [])
        self.gateway.message_updated(message)
        if message.id == result.original_message_id:
            result.deferred_followup_pending = False
            result.note_original_edit()
        return json_response(self._msg_json(message))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        self.delete_message_object(self._webhook_message(request, result))
        result.touch()
        return no_content()

    async def create_followup(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        if not result.acknowledged:
            raise unknown("Webhook", 10015)
        body = self._body(request)
        files: list[RecordedFile] = request.get(FILES) or []
        check_message(body, file_count=len(files))
        if result.deferred_followup_pending and result.message is not None:
            # Discord: the first follow-up after a deferred response edits the loading message.
            message = result.message
            self.apply_edit(message, body, files)
            result.deferred_followup_pending = False
            self.gateway.message_updated(message)
            result.note_original_edit()
        else:
            channel = self.state.channel(result.channel_id)
            message = self._interaction_message(result, channel, body, files, original=False)
            result.followup_ids.append(message.id)
            self.gateway.message_created(message)
            result.touch()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(self._msg_json(message))
        return no_content()

    # ----- channels --------------------------------------------------------------------
    def _visible_channel(self, request: web.Request) -> Channel:
        channel = self.state.channel(self._param(request, "channel_id"))
        self.state.require(self._bot_id, channel.id)
        return channel

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._visible_channel(request).to_json(self.state))

    async def edit_channel(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        body = self._body(request)
        if channel.is_thread:
            self._edit_thread(channel, body)
        else:
            self.state.require(self._bot_id, channel.id, Permission.MANAGE_CHANNELS)
            for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
                if key in body:
                    setattr(channel, key, body[key])
        self.gateway.channel_event("UPDATE", channel)
        return json_response(channel.to_json(self.state))

    def _edit_thread(self, channel: Channel, body: JSON) -> None:
        perms = self.state.channel_permissions(self._bot_id, channel.id)
        moderator = bool(perms & Permission.MANAGE_THREADS)
        owner = channel.owner_id == self._bot_id
        if not moderator and (
            not owner or "locked" in body or (channel.locked and body.get("archived") is False)
        ):
            raise missing_permissions()
        if "name" in body:
            name = body["name"] or ""
            if not 1 <= len(name) <= 100:
                raise invalid(
                    "name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )
            channel.name = name
        for key in ("locked", "invitable", "auto_archive_duration", "rate_limit_per_user"):
            if key in body:
                setattr(channel, key, body[key])
        if "archived" in body and bool(body["archived"]) != channel.archived:
            channel.archived = bool(body["archived"])
            channel.archive_timestamp = now_iso()

    async def delete_channel(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        if channel.type != ChannelType.DM:
            needed = Permission.MANAGE_THREADS if channel.is_thread else Permission.MANAGE_CHANNELS
            self.state.require(self._bot_id, channel.id, needed)
            channel.deleted = True
            self.gateway.channel_event("DELETE", channel)
        return json_response(channel.to_json(self.state))

    async def trigger_typing(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        self.state.require(self._bot_id, channel.id, self._send_permission(channel))
        return no_content()

    @staticmethod
    def _send_permission(channel: Channel) -> Permission:
        return (
            Permission.SEND_MESSAGES_IN_THREADS if channel.is_thread else Permission.SEND_MESSAGES
        )

    # ----- messages --------------------------------------------------------------------
    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        self.state.require(self._bot_id, channel.id, Permission.READ_MESSAGE_HISTORY)
        query = request.query
        limit = int(query.get("limit", 50))
        if not 1 <= limit <= 100:
            raise invalid(
                "limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to 100."
            )
        history = [m for m in self.state.channel_history(channel.id) if not m.ephemeral]
        if "around" in query:
            pivot = snowflake(query["around"], "around")
            older = [m for m in history if m.id <= pivot][-((limit + 1) // 2) :]
            newer = [m for m in history if m.id > pivot][: limit // 2]
            selected = older + newer
        elif "after" in query:
            selected = [m for m in history if m.id > snowflake(query["after"], "after")][:limit]
        else:
            before = snowflake(query["before"], "before") if "before" in query else None
            selected = [m for m in history if before is None or m.id < before][-limit:]
        return json_response([self._msg_json(m) for m in reversed(selected)])

    def _channel_message(self, channel: Channel, request: web.Request) -> Message:
        """A message through the channel routes: ephemeral ones only exist for their webhook."""
        message = self.state.message(channel.id, self._param(request, "message_id"))
        if message.ephemeral:
            raise unknown("Message", 10008)
        return message

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        self.state.require(self._bot_id, channel.id, Permission.READ_MESSAGE_HISTORY)
        return json_response(self._msg_json(self._channel_message(channel, request)))

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self.state.channel(self._param(request, "channel_id"))
        body = self._body(request)
        files: list[RecordedFile] = request.get(FILES) or []
        self._check_can_send(channel, body, files)
        nonce = body.get("nonce")
        if nonce is not None:
            if len(str(nonce)) > 25:
                raise invalid("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            if body.get("enforce_nonce"):
                seen = self._nonces.get((self._bot_id, str(nonce)))
                if seen is not None and time.monotonic() - seen[1] < NONCE_WINDOW:
                    existing = self.state.messages[seen[0]]
                    return json_response(self._msg_json(existing))
        check_message(body, file_count=len(files))
        reference = self._reference(channel, body.get("message_reference"))
        message = self.new_message(
            channel,
            self._bot_id,
            body,
            files,
            type=19 if reference is not None else 0,
            message_reference=reference,
        )
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[(self._bot_id, str(nonce))] = (message.id, time.monotonic())
        self._unarchive_on_send(channel)
        self.gateway.message_created(message)
        return json_response(self._msg_json(message))

    def _check_can_send(self, channel: Channel, body: JSON, files: list[RecordedFile]) -> None:
        if channel.type == ChannelType.DM:
            recipient = self.state.users[channel.recipient_ids[0]]
            shares_guild = any(
                recipient.id in g.members
                for g in self.state.guilds.values()
                if self._bot_id in g.members
            )
            if recipient.id in self.state.closed_dm_user_ids or recipient.bot or not shares_guild:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if channel.type == ChannelType.CATEGORY:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        needed = [self._send_permission(channel)]
        if files:
            needed.append(Permission.ATTACH_FILES)
        if body.get("message_reference"):
            needed.append(Permission.READ_MESSAGE_HISTORY)
        self.state.require(self._bot_id, channel.id, *needed)
        locked = channel.is_thread and channel.archived and channel.locked
        perms = self.state.channel_permissions(self._bot_id, channel.id)
        if locked and not perms & Permission.MANAGE_THREADS:
            raise ApiError(400, 50083, "Thread is archived")

    def _unarchive_on_send(self, channel: Channel) -> None:
        if channel.is_thread and channel.archived:
            channel.archived = False
            channel.archive_timestamp = now_iso()
            self.gateway.channel_event("UPDATE", channel)

    def _reference(self, channel: Channel, ref: JSON | None) -> JSON | None:
        if not ref:
            return None
        message_id = snowflake(ref.get("message_id"), "message_reference")
        target = self.state.messages.get(message_id)
        if (
            target is None
            or target.deleted
            or target.channel_id != int(ref.get("channel_id") or channel.id)
        ):
            if ref.get("fail_if_not_exists", True):
                raise invalid("message_reference", "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
            return None
        data: JSON = {"type": 0, "message_id": str(target.id), "channel_id": str(target.channel_id)}
        if target.guild_id is not None:
            data["guild_id"] = str(target.guild_id)
        return data

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        message = self._channel_message(channel, request)
        if message.author_id != self._bot_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.apply_edit(message, self._body(request), request.get(FILES) or [])
        self.gateway.message_updated(message)
        return json_response(self._msg_json(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self._visible_channel(request)
        message = self._channel_message(channel, request)
        if message.author_id != self._bot_id:
            self.state.require(self._bot_id, channel.id, Permission.MANAGE_MESSAGES)
        self.delete_message_object(message)
        return no_content()

    # ----- threads ---------------------------------------------------------------------
    def _new_thread(
        self, parent: Channel, body: JSON, thread_type: ChannelType, *, thread_id: int | None = None
    ) -> Channel:
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise invalid("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        thread = self.state.add_channel(
            parent.guild_id,
            name,
            thread_type,
            id=thread_id,
            parent_id=parent.id,
            owner_id=self._bot_id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 4320),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
            invitable=bool(body.get("invitable", True)),
        )
        thread.thread_members[self._bot_id] = now_iso()
        self.gateway.channel_event("CREATE", thread)
        return thread

    async def create_thread(self, request: web.Request) -> web.Response:
        parent = self._visible_channel(request)
        body = self._body(request)
        if parent.type not in (ChannelType.TEXT, ChannelType.NEWS):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        thread_type = ChannelType(int(body.get("type") or ChannelType.PRIVATE_THREAD))
        if thread_type not in THREAD_TYPES:
            raise invalid("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.")
        needed = (
            Permission.CREATE_PRIVATE_THREADS
            if thread_type == ChannelType.PRIVATE_THREAD
            else Permission.CREATE_PUBLIC_THREADS
        )
        self.state.require(self._bot_id, parent.id, needed)
        thread = self._new_thread(parent, body, thread_type)
        if thread_type != ChannelType.PRIVATE_THREAD:
            notice = self.new_message(parent, self._bot_id, {"content": thread.name}, [], type=18)
            notice.message_reference = {
                "type": 0,
                "channel_id": str(thread.id),
                "guild_id": str(parent.guild_id),
            }
            self.gateway.message_created(notice)
        return json_response(thread.to_json(self.state), status=201)

    async def create_thread_from_message(self, request: web.Request) -> web.Response:
        parent = self._visible_channel(request)
        message = self.state.message(parent.id, self._param(request, "message_id"))
        self.state.require(
            self._bot_id,
            parent.id,
            Permission.CREATE_PUBLIC_THREADS,
            Permission.READ_MESSAGE_HISTORY,
        )
        if parent.is_thread or parent.type not in (ChannelType.TEXT, ChannelType.NEWS):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if message.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread_type = (
            ChannelType.NEWS_THREAD
            if parent.type == ChannelType.NEWS
            else ChannelType.PUBLIC_THREAD
        )
        # On Discord, a thread started from a message has the message's id.
        thread = self._new_thread(parent, self._body(request), thread_type, thread_id=message.id)
        message.thread_id = thread.id
        message.flags |= MessageFlag.HAS_THREAD
        self.gateway.message_updated(message)
        return json_response(thread.to_json(self.state), status=201)

    def _thread(self, request: web.Request) -> Channel:
        channel = self._visible_channel(request)
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return channel

    def _thread_members_changed(
        self, thread: Channel, added: list[int], removed: list[int]
    ) -> None:
        guild = self.state.guild(thread.guild_id or 0)
        data: JSON = {
            "id": str(thread.id),
            "guild_id": str(guild.id),
            "member_count": len(thread.thread_members),
        }
        if added:
            data["added_members"] = [
                {
                    **thread.thread_member_json(uid),
                    "member": guild.members[uid].to_json(self.state.users[uid]),
                    "presence": None,
                }
                for uid in added
                if uid in guild.members
            ]
        if removed:
            data["removed_member_ids"] = [str(uid) for uid in removed]
        self.gateway.dispatch("THREAD_MEMBERS_UPDATE", data, guild_id=guild.id)

    async def join_thread(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        if self._bot_id not in thread.thread_members:
            thread.thread_members[self._bot_id] = now_iso()
            self._thread_members_changed(thread, [self._bot_id], [])
        return no_content()

    async def leave_thread(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        if thread.thread_members.pop(self._bot_id, None) is not None:
            self._thread_members_changed(thread, [], [self._bot_id])
        return no_content()

    async def list_thread_members(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        return json_response([thread.thread_member_json(uid) for uid in thread.thread_members])

    async def get_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self._param(request, "user_id")
        if user_id not in thread.thread_members:
            raise unknown("Member", 10007)
        return json_response(thread.thread_member_json(user_id))

    async def add_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self._param(request, "user_id")
        self.state.member(thread.guild_id or 0, user_id)
        if thread.archived:
            raise ApiError(400, 50083, "Thread is archived")
        self.state.require(self._bot_id, thread.id, Permission.SEND_MESSAGES_IN_THREADS)
        if user_id not in thread.thread_members:
            thread.thread_members[user_id] = now_iso()
            self._thread_members_changed(thread, [user_id], [])
        return no_content()

    async def remove_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self._param(request, "user_id")
        if thread.owner_id != self._bot_id:
            self.state.require(self._bot_id, thread.id, Permission.MANAGE_THREADS)
        if thread.thread_members.pop(user_id, None) is not None:
            self._thread_members_changed(thread, [], [user_id])
        return no_content()

    # ----- reactions -------------------------------------------------------------------
    def _reaction_target(self, request: web.Request) -> tuple[Message, str]:
        channel = self._visible_channel(request)
        message = self.state.message(channel.id, self._param(request, "message_id"))
        emoji = request.match_info["emoji"]
        if not emoji or (":" not in emoji and emoji.isascii()):
            raise unknown("Emoji", 10014)
        return message, emoji

    def _reaction_event(self, kind: str, message: Message, emoji: str, user_id: int) -> None:
        data: JSON = {
            "user_id": str(user_id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": emoji_json(emoji),
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
            if kind == "ADD" and user_id in self.state.guilds[message.guild_id].members:
                data["member"] = (
                    self.state.guilds[message.guild_id]
                    .members[user_id]
                    .to_json(self.state.users[user_id])
                )
        if kind == "ADD":
            data["message_author_id"] = str(message.author_id)
            data["burst_colors"] = []
        self.gateway.dispatch(f"MESSAGE_REACTION_{kind}", data, guild_id=message.guild_id)

    def add_reaction_for(self, message: Message, emoji: str, user_id: int) -> None:
        users = message.reactions.setdefault(emoji, [])
        if user_id not in users:
            users.append(user_id)
            self._reaction_event("ADD", message, emoji, user_id)

    def remove_reaction_for(self, message: Message, emoji: str, user_id: int) -> None:
        users = message.reactions.get(emoji, [])
        if user_id in users:
            users.remove(user_id)
            self._reaction_event("REMOVE", message, emoji, user_id)

    async def add_reaction(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        self.state.require(self._bot_id, message.channel_id, Permission.READ_MESSAGE_HISTORY)
        if emoji not in message.reactions or not message.reactions[emoji]:
            self.state.require(self._bot_id, message.channel_id, Permission.ADD_REACTIONS)
        self.add_reaction_for(message, emoji, self._bot_id)
        return no_content()

    async def remove_own_reaction(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        self.remove_reaction_for(message, emoji, self._bot_id)
        return no_content()

    async def remove_user_reaction(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        self.state.require(self._bot_id, message.channel_id, Permission.MANAGE_MESSAGES)
        self.remove_reaction_for(message, emoji, self._param(request, "user_id"))
        return no_content()

    async def list_reactions(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        return json_response(
            [self.state.users[uid].to_json() for uid in message.reactions.get(emoji, [])]
        )

    # ----- DMs -------------------------------------------------------------------------
    async def create_dm(self, request: web.Request) -> web.Response:
        recipient_id = snowflake(self._body(request).get("recipient_id"), "recipient_id")
        return json_response(self.state.dm_channel(recipient_id).to_json(self.state))

    # ----- guilds ----------------------------------------------------------------------
    def _bot_guild(self, request: web.Request) -> int:
        guild = self.state.guild(self._param(request, "guild_id"))
        if self._bot_id not in guild.members:
            raise ApiError(403, 50001, "Missing Access")
        return guild.id

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._bot_guild(request)]
        return json_response(
            guild.to_json(with_counts=request.query.get("with_counts") in ("1", "true"))
        )

    async def list_guild_channels(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        return json_response([c.to_json(self.state) for c in self.state.guild_channels(guild_id)])

    async def create_guild_channel(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        if not self.state.permissions(guild_id, self._bot_id) & Permission.MANAGE_CHANNELS:
            raise missing_permissions()
        body = self._body(request)
        channel = self.state.add_channel(
            guild_id,
            body.get("name"),
            ChannelType(int(body.get("type") or 0)),
            topic=body.get("topic"),
            parent_id=None if body.get("parent_id") is None else int(body["parent_id"]),
        )
        for ow in body.get("permission_overwrites") or []:
            self.state.set_overwrite(
                channel.id,
                int(ow["id"]),
                allow=int(ow.get("allow") or 0),
                deny=int(ow.get("deny") or 0),
            )
        self.gateway.channel_event("CREATE", channel)
        return json_response(channel.to_json(self.state), status=201)

    async def list_roles(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._bot_guild(request)]
        return json_response(
            [r.to_json() for r in sorted(guild.roles.values(), key=lambda r: r.position)]
        )

    async def get_member(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        user_id = self._param(request, "user_id")
        return json_response(
            self.state.member(guild_id, user_id).to_json(self.state.users[user_id])
        )

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._bot_guild(request)]
        if not self.gateway.allowed_privileged_intents & Intent.GUILD_MEMBERS:
            raise ApiError(403, 50001, "Missing Access")
        limit = int(request.query.get("limit", 1))
        after = snowflake(request.query.get("after", 0), "after")
        members = sorted(
            (m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id
        )[:limit]
        return json_response([m.to_json(self.state.users[m.user_id]) for m in members])

    def _edit_member_role(self, request: web.Request, add: bool) -> web.Response:
        guild_id = self._bot_guild(request)
        member = self.state.member(guild_id, self._param(request, "user_id"))
        role = self.state.role(guild_id, self._param(request, "role_id"))
        guild = self.state.guilds[guild_id]
        bot_top = max(
            (
                guild.roles[r].position
                for r in guild.members[self._bot_id].roles
                if r in guild.roles
            ),
            default=0,
        )
        if (
            not self.state.permissions(guild_id, self._bot_id) & Permission.MANAGE_ROLES
            or role.position >= bot_top
            or role.managed
        ):
            raise missing_permissions()
        if add and role.id not in member.roles:
            member.roles.append(role.id)
        elif not add and role.id in member.roles:
            member.roles.remove(role.id)
        data = member.to_json(self.state.users[member.user_id])
        data["guild_id"] = str(guild_id)
        self.gateway.dispatch("GUILD_MEMBER_UPDATE", data, guild_id=guild_id)
        return no_content()

    async def add_member_role(self, request: web.Request) -> web.Response:
        return self._edit_member_role(request, add=True)

    async def remove_member_role(self, request: web.Request) -> web.Response:
        return self._edit_member_role(request, add=False)

    async def list_active_threads(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        threads = [
            t
            for t in self.state.active_threads(guild_id)
            if self.state.channel_permissions(self._bot_id, t.id)
        ]
        members = [
            t.thread_member_json(self._bot_id) for t in threads if self._bot_id in t.thread_members
        ]
        return json_response(
            {"threads": [t.to_json(self.state) for t in threads], "members": members}
        )

    # ----- scheduled events ------------------------------------------------------------
    def _event_json(self, event: ScheduledEvent, request: web.Request | None = None) -> JSON:
        with_count = request is not None and request.query.get("with_user_count") in ("1", "true")
        return event.to_json(self.state, with_user_count=with_count)

    async def list_events(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        events = [e for e in self.state.scheduled_events.values() if e.guild_id == guild_id]
        return json_response([self._event_json(e, request) for e in events])

    async def get_event(self, request: web.Request) -> web.Response:
        event = self.state.scheduled_event(
            self._bot_guild(request), self._param(request, "event_id")
        )
        return json_response(self._event_json(event, request))

    def _check_event_permission(
        self, guild_id: int, channel_id: int | None, event: ScheduledEvent | None
    ) -> None:
        perms = self.state.permissions(guild_id, self._bot_id, channel_id)
        own = event is None or event.creator_id == self._bot_id
        if not perms & Permission.MANAGE_EVENTS and not (own and perms & Permission.CREATE_EVENTS):
            raise missing_permissions()

    def _validate_event(self, guild_id: int, data: JSON, *, creating: bool) -> None:
        errors: JSON = {}

        def add(name: str, code: str, message: str) -> None:
            errors.setdefault(name, {"_errors": []})["_errors"].append(
                {"code": code, "message": message}
            )

        name = data.get("name") or ""
        if not 1 <= len(name) <= 100:
            add("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if len(data.get("description") or "") > 1000:
            add("description", "BASE_TYPE_MAX_LENGTH", "Must be 1000 or fewer in length.")
        if data.get("privacy_level") != 2:
            add("privacy_level", "BASE_TYPE_CHOICES", "Value must be one of {2}.")
        entity_type = data.get("entity_type")
        start_raw = data.get("scheduled_start_time")
        try:
            start = parse_iso(str(start_raw))
        except ValueError:
            add(
                "scheduled_start_time",
                "DATE_TIME_TYPE_PARSE",
                "Could not parse date. Should be ISO8601.",
            )
            start = None
        if start is not None and creating and start.timestamp() < self.state.now_timestamp():
            add(
                "scheduled_start_time",
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        end_raw = data.get("scheduled_end_time")
        if end_raw is not None and start is not None:
            try:
                if parse_iso(str(end_raw)) <= start:
                    add(
                        "scheduled_end_time",
                        "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                        "Cannot schedule event to end before starting.",
                    )
            except ValueError:
                add(
                    "scheduled_end_time",
                    "DATE_TIME_TYPE_PARSE",
                    "Could not parse date. Should be ISO8601.",
                )
        if entity_type == 3:
            location = (data.get("entity_metadata") or {}).get("location")
            if not location or len(location) > 100:
                add("entity_metadata", "BASE_TYPE_REQUIRED", "This field is required")
            if end_raw is None:
                add("scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
            if data.get("channel_id") is not None:
                add(
                    "channel_id",
                    "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                    "Channel must be null for external events.",
                )
        elif entity_type in (1, 2):
            wanted = ChannelType.STAGE if entity_type == 1 else ChannelType.VOICE
            channel = self.state.channels.get(int(data.get("channel_id") or 0))
            if (
                channel is None
                or channel.deleted
                or channel.guild_id != guild_id
                or channel.type != wanted
            ):
                add("channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "Invalid channel.")
        else:
            add("entity_type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
        if errors:
            raise ApiError(400, 50035, "Invalid Form Body", errors)

    async def create_event(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        body = self._body(request)
        self._validate_event(guild_id, body, creating=True)
        channel_id = None if body.get("channel_id") is None else int(body["channel_id"])
        self._check_event_permission(guild_id, channel_id, None)
        event = ScheduledEvent(
            id=self.state.new_id(),
            guild_id=guild_id,
            name=body["name"],
            description=body.get("description"),
            scheduled_start_time=iso(parse_iso(body["scheduled_start_time"])),
            scheduled_end_time=None
            if body.get("scheduled_end_time") is None
            else iso(parse_iso(body["scheduled_end_time"])),
            entity_type=int(body["entity_type"]),
            channel_id=channel_id,
            location=(body.get("entity_metadata") or {}).get("location"),
            creator_id=self._bot_id,
            image=body.get("image"),
        )
        self.state.scheduled_events[event.id] = event
        self.gateway.dispatch(
            "GUILD_SCHEDULED_EVENT_CREATE", self._event_json(event), guild_id=guild_id
        )
        return json_response(self._event_json(event))

    async def edit_event(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        event = self.state.scheduled_event(guild_id, self._param(request, "event_id"))
        self._check_event_permission(guild_id, event.channel_id, event)
        body = self._body(request)
        if event.status in (3, 4):
            raise ApiError(400, 180000, "Cannot update a finished event")
        status = body.get("status")
        if (
            status is not None
            and status != event.status
            and (event.status, status) not in ((1, 2), (1, 4), (2, 3))
        ):
            raise invalid(
                "status",
                "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                "Invalid status transition.",
            )
        merged = event.to_json(self.state) | body
        merged.setdefault("privacy_level", event.privacy_level)
        if merged.get("entity_type") == 3 and "entity_metadata" not in body:
            merged["entity_metadata"] = {"location": event.location}
        self._validate_event(
            guild_id, merged, creating="scheduled_start_time" in body and status is None
        )
        event.name = merged["name"]
        event.description = merged.get("description")
        event.scheduled_start_time = iso(parse_iso(merged["scheduled_start_time"]))
        end = merged.get("scheduled_end_time")
        event.scheduled_end_time = None if end is None else iso(parse_iso(end))
        event.entity_type = int(merged["entity_type"])
        event.channel_id = None if merged.get("channel_id") is None else int(merged["channel_id"])
        event.location = (merged.get("entity_metadata") or {}).get("location")
        if status is not None:
            event.status = int(status)
        self.gateway.dispatch(
            "GUILD_SCHEDULED_EVENT_UPDATE", self._event_json(event), guild_id=guild_id
        )
        return json_response(self._event_json(event))

    async def delete_event(self, request: web.Request) -> web.Response:
        guild_id = self._bot_guild(request)
        event = self.state.scheduled_event(guild_id, self._param(request, "event_id"))
        self._check_event_permission(guild_id, event.channel_id, event)
        del self.state.scheduled_events[event.id]
        self.gateway.dispatch(
            "GUILD_SCHEDULED_EVENT_DELETE", self._event_json(event), guild_id=guild_id
        )
        return no_content()


def _command_path(data: JSON) -> str:
    """``plc setup`` for a subcommand interaction, as in ``interaction_metadata.name``."""
    parts = [data["name"]]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        parts.append(options[0]["name"])
        options = options[0].get("options") or []
    return " ".join(parts)
