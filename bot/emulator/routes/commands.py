"""Application commands, global and per guild: list, bulk overwrite, create, get, edit, delete."""

from __future__ import annotations

from aiohttp import web

from ..state import JSON, ApiError, ApplicationCommand, missing_access, unknown
from ..validation import check_command
from .base import BODY, Resource, json_response, no_content, route

#: Global commands, and a guild's: the same routes below each.
COMMANDS = (
    "/applications/{application_id}/commands",
    "/applications/{application_id}/guilds/{guild_id}/commands",
)
COMMAND = tuple(path + "/{command_id}" for path in COMMANDS)


class CommandRoutes(Resource):
    def _command_scope(self, request: web.Request) -> int | None:
        if self.param(request, "application_id") != self.state.application_id:
            raise missing_access()
        if "guild_id" not in request.match_info:
            return None
        guild_id = self.param(request, "guild_id")
        if self.bot_id not in self.state.guild(guild_id).members:
            raise missing_access()
        return guild_id

    def _command(self, request: web.Request, guild_id: int | None) -> ApplicationCommand:
        command = self.state.commands.get(self.param(request, "command_id"))
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

    @route("GET", *COMMANDS)
    async def list_commands(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        return json_response([c.to_json() for c in self.state.commands_for(guild_id)])

    @route("PUT", *COMMANDS)
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

    @route("POST", *COMMANDS)
    async def create_command(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        payload = self.body(request)
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

    @route("GET", *COMMAND)
    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._command(request, self._command_scope(request)).to_json())

    @route("PATCH", *COMMAND)
    async def edit_command(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        command = self._command(request, guild_id)
        payload = {**command.payload, "name": command.name, **self.body(request)}
        check_command(payload)
        return json_response(self._store_command(payload, guild_id, command).to_json())

    @route("DELETE", *COMMAND)
    async def delete_command(self, request: web.Request) -> web.Response:
        command = self._command(request, self._command_scope(request))
        del self.state.commands[command.id]
        return no_content()
