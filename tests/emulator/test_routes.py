"""The REST route table: each resource module declares its routes next to their handlers;
a literal segment (``@me``, ``@original``) must win over the placeholder beside it."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.emulator import Emulator
from bot.emulator.routes.base import API_PREFIX


def _installed() -> web.Application:
    app = web.Application()
    Emulator(bot_token="t0k3n").rest.install(app)
    return app


async def _handler_name(app: web.Application, method: str, path: str) -> str:
    match = await app.router.resolve(make_mocked_request(method, API_PREFIX + path, app=app))
    return match.route.handler.__name__


def test_each_method_and_path_is_declared_once() -> None:
    routes = [(r.method, r.resource.canonical) for r in _installed().router.routes()]
    repeated = {route for route in routes if routes.count(route) > 1}
    assert not repeated
    assert ("GET", API_PREFIX + "/applications/{application_id}/commands") in routes
    assert ("GET", API_PREFIX + "/applications/{application_id}/guilds/{guild_id}/commands") in (
        routes
    )


async def test_literal_segments_win_over_placeholders() -> None:
    app = _installed()
    reactions = "/channels/1/messages/2/reactions/%F0%9F%91%8D"
    cases = {
        ("GET", "/users/@me"): "get_me",
        ("GET", "/users/42"): "get_user",
        ("PUT", "/channels/1/thread-members/@me"): "join_thread",
        ("PUT", "/channels/1/thread-members/42"): "add_thread_member",
        ("DELETE", "/channels/1/thread-members/@me"): "leave_thread",
        ("DELETE", "/channels/1/thread-members/42"): "remove_thread_member",
        ("DELETE", reactions + "/@me"): "remove_own_reaction",
        ("DELETE", reactions + "/42"): "remove_user_reaction",
        ("PATCH", "/webhooks/1/tok/messages/@original"): "edit_webhook_message",
        ("POST", "/webhooks/1/tok"): "create_followup",
        ("GET", "/not/a/route"): "not_found",
    }
    resolved = {case: await _handler_name(app, *case) for case in cases}
    assert resolved == cases


async def test_original_webhook_message_has_no_message_id() -> None:
    app = _installed()
    for suffix, expected in (("@original", None), ("42", "42")):
        request = make_mocked_request("GET", f"{API_PREFIX}/webhooks/1/tok/messages/{suffix}")
        match = await app.router.resolve(request)
        assert match.get("message_id") == expected
