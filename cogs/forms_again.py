"""A form Discord closed on a refusal, opened again filled with what the member typed.

Discord closes a form (a modal) once it is submitted. When the bot refuses what was
typed (a due date in the past, a target that is not a number), the refusal carries a
button that opens the same form again with every field as the member left it: they
correct the one refused instead of typing them all again. Teams needs none of this: its
card keeps what was typed in it.

The forms opened and what was typed in those refused are kept in this process for as
long as Discord lets a refusal be answered (15 minutes), a few thousand at most; after a
restart, or later, the button says to run the command again.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import discord

from bot.chat import Form
from bot.errors import UserError
from bot.interactions import Interaction
from bot.interactions.routes import CustomId, FormHandler, Params, Router
from cogs.errors import report
from cogs.interaction import DiscordInteraction, submitted_values

KEPT_S = 15 * 60
"""As long as Discord lets the refusal's button be answered (an interaction's token)."""
MAX_KEPT = 2_000
AGAIN = CustomId("plc:form-again:{kept}", kept=r"[0-9a-f]{16}")

K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """What was kept in the last :data:`KEPT_S`, the oldest dropped past :data:`MAX_KEPT`."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        self._items.pop(key, None)
        self._items[key] = (self._clock(), value)
        while len(self._items) > MAX_KEPT:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None or self._clock() - found[0] > KEPT_S:
            return None
        return found[1]


class FormsAgain:
    """The forms opened in this process, and the refused ones to open again."""

    def __init__(self, clicks: Router[Any], clock: Callable[[], float] = time.monotonic) -> None:
        self._opened: _Recent[tuple[int, str], Form] = _Recent(clock)
        self._refused: _Recent[str, tuple[int, Form]] = _Recent(clock)
        clicks.route(AGAIN, self._again)

    def opened(self, user_id: int, form: Form) -> None:
        self._opened.put((user_id, form.action), form)

    def refused(self, user_id: int, action: str, values: dict[str, str]) -> str | None:
        """The id of a button that opens the form ``user_id`` submitted to ``action`` again,
        filled with ``values``; None if that form is not known here."""
        form = self._opened.get((user_id, action))
        if form is None:
            return None
        token = secrets.token_hex(8)
        self._refused.put(token, (user_id, form.filled(values)))
        return AGAIN.build(kept=token)

    async def _again(self, ctx: Interaction, params: Params) -> None:
        kept = self._refused.get(params["kept"])
        if kept is None or kept[0] != ctx.actor().user_id:
            raise UserError("errors.form_gone")
        await ctx.open_form(kept[1])


async def submit(
    interaction: discord.Interaction, found: tuple[FormHandler, Params], data: dict[str, Any]
) -> None:
    """Run a submitted form's handler; a refusal answered with a button to correct it,
    unless correcting what was typed cannot help (``UserError.correctable``)."""
    handler, params = found
    values = submitted_values(data)
    try:
        await handler(DiscordInteraction(interaction), params, values)
    except Exception as exc:
        forms: FormsAgain | None = getattr(interaction.client, "forms_again", None)
        again = None
        if isinstance(exc, UserError) and exc.correctable and forms is not None:
            again = forms.refused(interaction.user.id, str(data.get("custom_id", "")), values)
        await report(interaction, exc, again=again)
