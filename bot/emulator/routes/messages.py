"""A channel's messages: history, send (with ``nonce``/``enforce_nonce`` de-duplication and
replies), get, edit, delete; and the attachment files they carry."""

from __future__ import annotations

import time

from aiohttp import web

from ..recorder import RecordedFile
from ..state import (
    JSON,
    ApiError,
    Channel,
    ChannelType,
    Message,
    Permission,
    invalid,
    now_iso,
    unknown,
)
from ..validation import check_message
from .base import Backend, Resource, json_response, no_content, route, snowflake, thread_archived

#: A channel's messages.
MESSAGES = "/channels/{channel_id}/messages"
#: How long Discord remembers a nonce for ``enforce_nonce``.
NONCE_WINDOW = 300.0


class MessageRoutes(Resource):
    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}

    async def serve_attachment(self, request: web.Request) -> web.Response:
        """``/attachments/{channel_id}/{attachment_id}/{filename}``: a stored file's bytes."""
        att = self.state.attachment(snowflake(request.match_info["attachment_id"]))
        if att is None or att.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=att.data, headers={"Content-Type": att.content_type})

    # ----- reading ---------------------------------------------------------------------
    def _readable_channel(self, request: web.Request) -> Channel:
        channel = self.visible_channel(request)
        self.state.require(self.bot_id, channel.id, Permission.READ_MESSAGE_HISTORY)
        return channel

    def _channel_message(self, channel: Channel, request: web.Request) -> Message:
        """A message through the channel routes: ephemeral ones only exist for their webhook."""
        message = self.state.message(channel.id, self.param(request, "message_id"))
        if message.ephemeral:
            raise unknown("Message", 10008)
        return message

    @route("GET", MESSAGES)
    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._readable_channel(request)
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
        return json_response([self.msg_json(m) for m in reversed(selected)])

    @route("GET", MESSAGES + "/{message_id}")
    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._readable_channel(request)
        return json_response(self.msg_json(self._channel_message(channel, request)))

    # ----- sending ---------------------------------------------------------------------
    @route("POST", MESSAGES)
    async def create_message(self, request: web.Request) -> web.Response:
        channel = self.state.channel(self.param(request, "channel_id"))
        body = self.body(request)
        files = self.files(request)
        self._check_can_send(channel, body, files)
        nonce = body.get("nonce")
        if nonce is not None:
            if len(str(nonce)) > 25:
                raise invalid("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            if body.get("enforce_nonce"):
                seen = self._nonces.get((self.bot_id, str(nonce)))
                if seen is not None and time.monotonic() - seen[1] < NONCE_WINDOW:
                    existing = self.state.messages[seen[0]]
                    return json_response(self.msg_json(existing))
        check_message(body, file_count=len(files))
        reference = self._reference(channel, body.get("message_reference"))
        message = self.writer.new_message(
            channel,
            self.bot_id,
            body,
            files,
            type=19 if reference is not None else 0,
            message_reference=reference,
        )
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[(self.bot_id, str(nonce))] = (message.id, time.monotonic())
        self._unarchive_on_send(channel)
        self.gateway.message_created(message)
        return json_response(self.msg_json(message))

    def _check_can_send(self, channel: Channel, body: JSON, files: list[RecordedFile]) -> None:
        if channel.type == ChannelType.DM:
            recipient = self.state.users[channel.recipient_ids[0]]
            shares_guild = any(
                recipient.id in g.members
                for g in self.state.guilds.values()
                if self.bot_id in g.members
            )
            if recipient.id in self.state.closed_dm_user_ids or recipient.bot or not shares_guild:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if channel.type == ChannelType.CATEGORY:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        needed = [channel.send_permission]
        if files:
            needed.append(Permission.ATTACH_FILES)
        if body.get("message_reference"):
            needed.append(Permission.READ_MESSAGE_HISTORY)
        self.state.require(self.bot_id, channel.id, *needed)
        locked = channel.is_thread and channel.archived and channel.locked
        perms = self.state.channel_permissions(self.bot_id, channel.id)
        if locked and not perms & Permission.MANAGE_THREADS:
            raise thread_archived()

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

    # ----- changing --------------------------------------------------------------------
    @route("PATCH", MESSAGES + "/{message_id}")
    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self.visible_channel(request)
        message = self._channel_message(channel, request)
        if message.author_id != self.bot_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.writer.edit(message, self.body(request), self.files(request))
        return json_response(self.msg_json(message))

    @route("DELETE", MESSAGES + "/{message_id}")
    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self.visible_channel(request)
        message = self._channel_message(channel, request)
        if message.author_id != self.bot_id:
            self.state.require(self.bot_id, channel.id, Permission.MANAGE_MESSAGES)
        self.writer.delete(message)
        return no_content()
