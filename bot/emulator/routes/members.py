"""A guild's members: get, list (a privileged intent), add and remove a role."""

from __future__ import annotations

from aiohttp import web

from ..gateway import Intent
from ..state import Permission, missing_access, missing_permissions
from .base import Resource, json_response, no_content, route, snowflake

MEMBER = "/guilds/{guild_id}/members/{user_id}"


class MemberRoutes(Resource):
    @route("GET", MEMBER)
    async def get_member(self, request: web.Request) -> web.Response:
        guild_id = self.bot_guild(request)
        user_id = self.param(request, "user_id")
        return json_response(
            self.state.member(guild_id, user_id).to_json(self.state.users[user_id])
        )

    @route("GET", "/guilds/{guild_id}/members")
    async def list_members(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self.bot_guild(request)]
        if not self.gateway.allowed_privileged_intents & Intent.GUILD_MEMBERS:
            raise missing_access()
        limit = int(request.query.get("limit", 1))
        after = snowflake(request.query.get("after", 0), "after")
        members = sorted(
            (m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id
        )[:limit]
        return json_response([m.to_json(self.state.users[m.user_id]) for m in members])

    def _edit_member_role(self, request: web.Request, add: bool) -> web.Response:
        guild_id = self.bot_guild(request)
        member = self.state.member(guild_id, self.param(request, "user_id"))
        role = self.state.role(guild_id, self.param(request, "role_id"))
        guild = self.state.guilds[guild_id]
        bot_top = max(
            (guild.roles[r].position for r in guild.members[self.bot_id].roles if r in guild.roles),
            default=0,
        )
        if (
            not self.state.permissions(guild_id, self.bot_id) & Permission.MANAGE_ROLES
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

    @route("PUT", MEMBER + "/roles/{role_id}")
    async def add_member_role(self, request: web.Request) -> web.Response:
        return self._edit_member_role(request, add=True)

    @route("DELETE", MEMBER + "/roles/{role_id}")
    async def remove_member_role(self, request: web.Request) -> web.Response:
        return self._edit_member_role(request, add=False)
