"""A channel (or thread, or DM channel) itself: get, edit, delete, typing."""

from __future__ import annotations

from aiohttp import web

from ..state import JSON, Channel, ChannelType, Permission, missing_permissions, now_iso
from .base import Resource, checked_name, json_response, no_content, route


class ChannelRoutes(Resource):
    @route("GET", "/channels/{channel_id}")
    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self.visible_channel(request).to_json(self.state))

    @route("PATCH", "/channels/{channel_id}")
    async def edit_channel(self, request: web.Request) -> web.Response:
        channel = self.visible_channel(request)
        body = self.body(request)
        if channel.is_thread:
            self._edit_thread(channel, body)
        else:
            self.state.require(self.bot_id, channel.id, Permission.MANAGE_CHANNELS)
            for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
                if key in body:
                    setattr(channel, key, body[key])
        self.gateway.channel_event("UPDATE", channel)
        return json_response(channel.to_json(self.state))

    def _edit_thread(self, channel: Channel, body: JSON) -> None:
        perms = self.state.channel_permissions(self.bot_id, channel.id)
        moderator = bool(perms & Permission.MANAGE_THREADS)
        owner = channel.owner_id == self.bot_id
        if not moderator and (
            not owner or "locked" in body or (channel.locked and body.get("archived") is False)
        ):
            raise missing_permissions()
        if "name" in body:
            channel.name = checked_name(body["name"])
        for key in ("locked", "invitable", "auto_archive_duration", "rate_limit_per_user"):
            if key in body:
                setattr(channel, key, body[key])
        if "archived" in body and bool(body["archived"]) != channel.archived:
            channel.archived = bool(body["archived"])
            channel.archive_timestamp = now_iso()

    @route("DELETE", "/channels/{channel_id}")
    async def delete_channel(self, request: web.Request) -> web.Response:
        channel = self.visible_channel(request)
        if channel.type != ChannelType.DM:
            needed = Permission.MANAGE_THREADS if channel.is_thread else Permission.MANAGE_CHANNELS
            self.state.require(self.bot_id, channel.id, needed)
            channel.deleted = True
            self.gateway.channel_event("DELETE", channel)
        return json_response(channel.to_json(self.state))

    @route("POST", "/channels/{channel_id}/typing")
    async def trigger_typing(self, request: web.Request) -> web.Response:
        channel = self.visible_channel(request)
        self.state.require(self.bot_id, channel.id, channel.send_permission)
        return no_content()
