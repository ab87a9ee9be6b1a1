"""A thin HTTP control API over the actor, under ``/_emulator``.

For tests that run the bot as a subprocess against an emulator living in
another process: act as users and read what the bot did over plain HTTP.

    POST /_emulator/slash         {guild_id, user_id, command, options?, channel_id?, locale?,
                                   final?}
    POST /_emulator/autocomplete  {guild_id, user_id, command, focused, value?, options?}
    POST /_emulator/click         {user_id, message_id, custom_id, values?}
    POST /_emulator/submit        {user_id, modal_custom_id, values}
    POST /_emulator/message       {user_id, channel_id, content}
    GET  /_emulator/messages?channel_id=...[&include_ephemeral=1]
    GET  /_emulator/requests[?method=...&path_contains=...]

Interaction routes answer the :class:`InteractionResult` as JSON; a bad
request (unknown command, option, component...) is a 400, an interaction the
bot did not answer in time a 504, both as ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .interactions import InteractionResult, InteractionTimeout
from .state import JSON

if TYPE_CHECKING:
    from .server import Emulator

PREFIX = "/_emulator"


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


def result_json(emu: Emulator, result: InteractionResult) -> JSON:
    """An interaction result as JSON: response, original message, follow-ups, modal, choices."""
    message = result.message
    modal = result.modal
    return {
        "id": str(result.id),
        "response_type": None if result.response_type is None else int(result.response_type),
        "latency": result.latency,
        "ephemeral": result.ephemeral,
        "message": None if message is None else message.to_json(emu.state),
        "followups": [m.to_json(emu.state) for m in result.followups],
        "modal": None
        if modal is None
        else {
            "custom_id": modal.custom_id,
            "title": modal.title,
            "fields": [
                {"custom_id": f.custom_id, "label": f.label, "type": f.type, "required": f.required}
                for f in modal.fields
            ],
        },
        "choices": result.choices,
    }


def install_control_api(app: web.Application, emu: Emulator) -> None:
    async def body(request: web.Request) -> JSON:
        data = await request.json()
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return data

    def interaction_route(
        act: Callable[[JSON], Awaitable[InteractionResult]],
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            try:
                data = await body(request)
                result = await act(data)
                if data.get("final"):
                    await result.final(timeout=float(data.get("timeout", 10.0)))
            except InteractionTimeout as exc:
                return _json({"error": str(exc)}, status=504)
            except (LookupError, ValueError, PermissionError, TimeoutError) as exc:
                return _json({"error": str(exc)}, status=400)
            return _json(result_json(emu, result))

        return handler

    async def slash(data: JSON) -> InteractionResult:
        return await emu.slash(
            _opt_int(data.get("guild_id")),
            int(data["user_id"]),
            data["command"],
            channel_id=_opt_int(data.get("channel_id")),
            locale=data.get("locale"),
            options=data.get("options") or {},
        )

    async def autocomplete(data: JSON) -> InteractionResult:
        return await emu.autocomplete(
            _opt_int(data.get("guild_id")),
            int(data["user_id"]),
            data["command"],
            focused=data["focused"],
            value=str(data.get("value", "")),
            channel_id=_opt_int(data.get("channel_id")),
            locale=data.get("locale"),
            options=data.get("options") or {},
        )

    async def click(data: JSON) -> InteractionResult:
        return await emu.click(
            int(data["user_id"]),
            int(data["message_id"]),
            data["custom_id"],
            values=data.get("values"),
        )

    async def submit(data: JSON) -> InteractionResult:
        return await emu.submit_modal(
            int(data["user_id"]), data["modal_custom_id"], data.get("values") or {}
        )

    async def message(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            sent = emu.send_message(
                int(data["user_id"]), int(data["channel_id"]), data.get("content", "")
            )
        except (LookupError, PermissionError) as exc:
            return _json({"error": str(exc)}, status=400)
        return _json(sent.to_json(emu.state))

    async def messages(request: web.Request) -> web.Response:
        channel_id = int(request.query["channel_id"])
        include_ephemeral = request.query.get("include_ephemeral") in ("1", "true")
        return _json(
            [
                m.to_json(emu.state)
                for m in emu.messages_in(channel_id, include_ephemeral=include_ephemeral)
            ]
        )

    async def requests(request: web.Request) -> web.Response:
        found = emu.requests(
            method=request.query.get("method"), path_contains=request.query.get("path_contains")
        )
        return _json(
            [
                {
                    "method": r.method,
                    "path": r.path,
                    "route": r.route,
                    "json": r.json,
                    "status": r.status,
                    "time": r.time,
                }
                for r in found
            ]
        )

    app.router.add_post(PREFIX + "/slash", interaction_route(slash))
    app.router.add_post(PREFIX + "/autocomplete", interaction_route(autocomplete))
    app.router.add_post(PREFIX + "/click", interaction_route(click))
    app.router.add_post(PREFIX + "/submit", interaction_route(submit))
    app.router.add_post(PREFIX + "/message", message)
    app.router.add_get(PREFIX + "/messages", messages)
    app.router.add_get(PREFIX + "/requests", requests)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)
