"""The one confirm dialog: a preview with Confirm / Cancel, bound to the member who asked.

What waits for the answer stays in memory for ``ttl`` (by the injected clock): a
preview is not yet something the bot accepted, so a restart or a late click is told the
confirmation expired and nothing is written. Both buttons are routed like every other
(``plc:confirm:<kind>:<token>:yes|no``), so the dialog needs nothing kept alive.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.chat.layout import Button, Message
from bot.chat.text import Content, Text
from bot.clock import Clock
from bot.interactions.context import Interaction
from bot.interactions.routes import CustomId, Params

CONFIRM = CustomId(
    "plc:confirm:{kind}:{token}:{answer}",
    kind="[a-z_.-]{1,40}",
    token="[0-9a-f]{16}",  # noqa: S106 (a pattern, not a password)
    answer="yes|no",
)
ConfirmHandler = Callable[[Interaction, Any], Awaitable[None]]


@dataclass(frozen=True)
class _Kind:
    on_confirm: ConfirmHandler
    cancelled_key: str
    expired_key: str


@dataclass(frozen=True)
class _Pending:
    kind: str
    payload: Any
    user_id: int
    expires_at: datetime


class Confirmations:
    """Dialogs waiting for an answer, by token. One per process."""

    def __init__(self, clock: Clock, *, ttl: timedelta = timedelta(minutes=10)) -> None:
        self._clock = clock
        self._ttl = ttl
        self._kinds: dict[str, _Kind] = {}
        self._pending: dict[str, _Pending] = {}

    def on(
        self,
        kind: str,
        on_confirm: ConfirmHandler,
        *,
        cancelled_key: str,
        expired_key: str = "errors.confirmation_expired",
    ) -> None:
        """Declare what Confirm does for ``kind`` and what Cancel and expiry say."""
        if kind in self._kinds:
            raise RuntimeError(f"confirmation {kind!r} declared twice")
        self._kinds[kind] = _Kind(on_confirm, cancelled_key, expired_key)

    async def ask(
        self,
        ctx: Interaction,
        kind: str,
        payload: Any,
        preview: Message,
        *,
        confirm_label: Content,
        cancel_label: Content,
        danger: bool = False,
    ) -> None:
        """Answer ``ctx`` privately with ``preview`` and the two buttons."""
        if kind not in self._kinds:
            raise RuntimeError(f"confirmation {kind!r} was not declared")
        now = self._clock.now()
        self._forget_expired(now)
        token = secrets.token_hex(8)
        self._pending[token] = _Pending(kind, payload, ctx.user_id, now + self._ttl)
        buttons = (
            Button(
                action=CONFIRM.build(kind=kind, token=token, answer="yes"),
                label=confirm_label,
                style="danger" if danger else "success",
            ),
            Button(action=CONFIRM.build(kind=kind, token=token, answer="no"), label=cancel_label),
        )
        await ctx.reply(preview.model_copy(update={"rows": (*preview.rows, buttons)}))

    async def answer(self, ctx: Interaction, params: Params) -> None:
        """The route of both buttons: run the kind's handler once, or say why not."""
        self._forget_expired(self._clock.now())
        pending = self._pending.get(params["token"])
        declared = self._kinds.get(params["kind"])
        if pending is None or pending.user_id != ctx.user_id or declared is None:
            key = declared.expired_key if declared else "errors.confirmation_expired"
            await ctx.update(Message(content=Text(key=key)))
            return
        del self._pending[params["token"]]
        kind = self._kinds[pending.kind]
        if params["answer"] == "no":
            await ctx.update(Message(content=Text(key=kind.cancelled_key)))
            return
        await kind.on_confirm(ctx, pending.payload)

    def _forget_expired(self, now: datetime) -> None:
        for token in [k for k, p in self._pending.items() if p.expires_at <= now]:
            del self._pending[token]
