"""Users, DM channels, the gateway URL and the application: what a bot asks at log-in."""

from __future__ import annotations

import secrets

from aiohttp import web

from .base import Backend, Resource, json_response, route, snowflake


class UserRoutes(Resource):
    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self._gateway_url = backend.gateway_url
        self._verify_key = secrets.token_hex(32)

    @route("GET", "/users/@me")
    async def get_me(self, request: web.Request) -> web.Response:
        data = self.state.bot_user.to_json()
        data.update(
            bot=True, verified=True, mfa_enabled=False, email=None, locale="en-US", premium_type=0
        )
        return json_response(data)

    @route("GET", "/users/{user_id}")
    async def get_user(self, request: web.Request) -> web.Response:
        return json_response(self.state.user(self.param(request, "user_id")).to_json())

    @route("POST", "/users/@me/channels")
    async def create_dm(self, request: web.Request) -> web.Response:
        recipient_id = snowflake(self.body(request).get("recipient_id"), "recipient_id")
        return json_response(self.state.dm_channel(recipient_id).to_json(self.state))

    @route("GET", "/gateway")
    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self._gateway_url()})

    @route("GET", "/gateway/bot")
    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self._gateway_url(),
                "shards": self.gateway.recommended_shards(),
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000 - self.gateway.identify_count,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    @route("GET", "/applications/@me", "/oauth2/applications/@me")
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
