"""The one confirm dialog: a preview with Confirm / Cancel, bound to the member who asked.

What waits for the answer stays in memory for ``ttl`` (by the injected clock): a
preview is not yet something the bot accepted, so a restart or a late click is told
the confirmation expired and nothing is written. Buttons are routed like every other
(``plc:confirm:<kind>:<token>:yes|no``), so the dialog needs no view kept alive.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.clock import Clock
from cogs.buttons import button
from cogs.toolkit.context import reply, t
from cogs.toolkit.routing import buttons_view

CONFIRM_ROUTE = r"plc:confirm:(?P<kind>[a-z_.-]{1,40}):(?P<token>[0-9a-f]{16}):(?P<answer>yes|no)"
ConfirmHandler = Callable[[discord.Interaction, Any], Awaitable[None]]


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
    """Dialogs waiting for an answer, by token. One per bot (``bot.confirmations``)."""

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
        interaction: discord.Interaction,
        kind: str,
        payload: Any,
        *,
        confirm_label: str,
        cancel_label: str,
        danger: bool = False,
        **message: Any,
    ) -> None:
        """Answer ``interaction`` (ephemeral) with ``message`` and the two buttons."""
        if kind not in self._kinds:
            raise RuntimeError(f"confirmation {kind!r} was not declared")
        now = self._clock.now()
        self._forget_expired(now)
        token = secrets.token_hex(8)
        self._pending[token] = _Pending(kind, payload, interaction.user.id, now + self._ttl)
        view = buttons_view(
            button(
                f"plc:confirm:{kind}:{token}:yes",
                label=confirm_label,
                style=discord.ButtonStyle.danger if danger else discord.ButtonStyle.success,
            ),
            button(f"plc:confirm:{kind}:{token}:no", label=cancel_label),
        )
        await reply(interaction, view=view, **message)

    async def answer(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        """The route of both buttons: run the kind's handler once, or say why not."""
        self._forget_expired(self._clock.now())
        if params["kind"] not in self._kinds:  # a feature already on the core's dialog
            from cogs.interaction import DiscordInteraction
            from cogs.toolkit.context import plc_bot

            await plc_bot(interaction).app.ui.confirmations.answer(
                DiscordInteraction(interaction), params
            )
            return
        pending = self._pending.get(params["token"])
        declared = self._kinds.get(params["kind"])
        if pending is None or pending.user_id != interaction.user.id or declared is None:
            key = declared.expired_key if declared else "errors.confirmation_expired"
            await interaction.response.edit_message(
                content=t(interaction, key), embed=None, view=None
            )
            return
        del self._pending[params["token"]]
        kind = self._kinds[pending.kind]
        if params["answer"] == "no":
            await interaction.response.edit_message(
                content=t(interaction, kind.cancelled_key), embed=None, view=None
            )
            return
        await kind.on_confirm(interaction, pending.payload)

    def _forget_expired(self, now: datetime) -> None:
        for token in [k for k, p in self._pending.items() if p.expires_at <= now]:
            del self._pending[token]
