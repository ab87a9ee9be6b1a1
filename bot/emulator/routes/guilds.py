"""A guild itself: get, its channels (list, create), its roles, its active threads."""

from __future__ import annotations

from aiohttp import web

from ..state import ChannelType, Permission, missing_permissions
from .base import Resource, json_response, route


class GuildRoutes(Resource):
    @route("GET", "/guilds/{guild_id}")
    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self.bot_guild(request)]
        return json_response(
            guild.to_json(with_counts=request.query.get("with_counts") in ("1", "true"))
        )

    @route("GET", "/guilds/{guild_id}/channels")
    async def list_guild_channels(self, request: web.Request) -> web.Response:
        guild_id = self.bot_guild(request)
        return json_response([c.to_json(self.state) for c in self.state.guild_channels(guild_id)])

    @route("POST", "/guilds/{guild_id}/channels")
    async def create_guild_channel(self, request: web.Request) -> web.Response:
        guild_id = self.bot_guild(request)
        if not self.state.permissions(guild_id, self.bot_id) & Permission.MANAGE_CHANNELS:
            raise missing_permissions()
        body = self.body(request)
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

    @route("GET", "/guilds/{guild_id}/roles")
    async def list_roles(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self.bot_guild(request)]
        return json_response(
            [r.to_json() for r in sorted(guild.roles.values(), key=lambda r: r.position)]
        )

    @route("GET", "/guilds/{guild_id}/threads/active")
    async def list_active_threads(self, request: web.Request) -> web.Response:
        guild_id = self.bot_guild(request)
        threads = [
            t
            for t in self.state.active_threads(guild_id)
            if self.state.channel_permissions(self.bot_id, t.id)
        ]
        members = [
            t.thread_member_json(self.bot_id) for t in threads if self.bot_id in t.thread_members
        ]
        return json_response(
            {"threads": [t.to_json(self.state) for t in threads], "members": members}
        )
