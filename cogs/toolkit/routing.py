"""The one way to handle a click or a form: routes from ``custom_id`` to a handler.

A feature writes each ``custom_id`` once, as a :class:`CustomId` (its template gives
both the ids its components carry and the pattern of its route), and declares its
routes in its extension's ``setup``::

    RSVP = CustomId("plc:mtg:rsvp:{occurrence}:{answer}", answer="going|maybe|cant")
    bot.buttons.route(RSVP, on_rsvp)        # on_rsvp gets {"occurrence": …, "answer": …}
    button(RSVP.build(occurrence=12, answer="going"), label=…)

and builds its components with :func:`button` and :class:`Form`. Every ``custom_id``
holds only what the handler needs to reload its state (ids, never member text), so a
button or a form opened before a restart works after it: buttons are one
``DynamicItem`` whose callback asks the router; forms are sent detached (discord.py
keeps nothing) and every submission comes through ``on_interaction``. Errors in a
handler go to the one error handler, in the member's language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

import discord

from cogs.errors import report

log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100  # Discord's limit
ButtonHandler = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]
FormHandler = Callable[[discord.Interaction, dict[str, str], dict[str, str]], Awaitable[None]]
HandlerT = TypeVar("HandlerT")


ID_PART = "[0-9]{1,20}"
"""What a part of a ``custom_id`` matches unless told otherwise: an id (a snowflake fits)."""


class CustomId:
    """A ``custom_id`` written once: ``template`` names its parts in braces
    (``plc:ses:join:{session}``); each part matches :data:`ID_PART` unless ``parts``
    gives its own pattern. :meth:`build` makes the ids, :attr:`pattern` routes them, and
    a handler receives the parts by the same names."""

    def __init__(self, template: str, **parts: str) -> None:
        self.template = template
        pieces = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, …
        self.pattern = "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>{parts.get(piece, ID_PART)})"
            for index, piece in enumerate(pieces)
        )

    def build(self, **values: object) -> str:
        return self.template.format(**values)


class Router(Generic[HandlerT]):
    """Patterns (full matches, named groups) and their handlers, first match wins."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], HandlerT]] = []

    def route(self, pattern: str | CustomId, handler: HandlerT) -> None:
        if isinstance(pattern, CustomId):
            pattern = pattern.pattern
        compiled = re.compile(pattern)
        if any(existing.pattern == compiled.pattern for existing, _ in self._routes):
            raise RuntimeError(f"route {pattern!r} declared twice")
        self._routes.append((compiled, handler))

    def find(self, custom_id: str) -> tuple[HandlerT, dict[str, str]] | None:
        for pattern, handler in self._routes:
            match = pattern.fullmatch(custom_id)
            if match is not None:
                return handler, match.groupdict()
        return None


class ButtonRouter(Router[ButtonHandler]):
    async def dispatch(self, interaction: discord.Interaction, custom_id: str) -> bool:
        found = self.find(custom_id)
        if found is None:
            return False
        handler, params = found
        try:
            await handler(interaction, params)
        except Exception as exc:
            await report(interaction, exc)
        return True


class FormRouter(Router[FormHandler]):
    async def dispatch(self, interaction: discord.Interaction) -> bool:
        """Handle a submitted form; False if it is not one of ours."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        data = cast("dict[str, Any]", interaction.data or {})
        found = self.find(str(data.get("custom_id", "")))
        if found is None:
            return False
        handler, params = found
        try:
            await handler(interaction, params, submitted_values(data))
        except Exception as exc:
            await report(interaction, exc)
        return True


def submitted_values(data: dict[str, Any]) -> dict[str, str]:
    """The text inputs of a submitted modal, by custom_id (rows or labels alike)."""
    values: dict[str, str] = {}
    for top in data.get("components", []):
        inner = top.get("components") or ([top["component"]] if "component" in top else [])
        for component in inner:
            if "custom_id" not in component:
                continue
            if "values" in component:  # a select: its chosen values
                values[component["custom_id"]] = ",".join(map(str, component["values"]))
            else:
                values[component["custom_id"]] = str(component.get("value") or "")
    return values


class RoutedButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"(?P<custom_id>plc[a-z]*:.+)",
):
    """Every persistent button of the bot; the bot's :class:`ButtonRouter` runs it."""

    def __init__(self, button: discord.ui.Button[discord.ui.View]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RoutedButton:
        return cls(cast("discord.ui.Button[discord.ui.View]", item))

    async def callback(self, interaction: discord.Interaction) -> None:
        from cogs.toolkit.context import plc_bot  # the bot module imports this one

        custom_id = self.item.custom_id or ""
        if not await plc_bot(interaction).buttons.dispatch(interaction, custom_id):
            log.debug("no route for a button (%d characters)", len(custom_id))


def button(
    custom_id: str,
    *,
    label: str | None = None,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    disabled: bool = False,
    emoji: str | None = None,
    row: int | None = None,
) -> RoutedButton:
    """A persistent button; ``custom_id`` must match a declared route."""
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id over {CUSTOM_ID_MAX} characters: {custom_id[:40]}…")
    return RoutedButton(
        discord.ui.Button(
            custom_id=custom_id, label=label, style=style, disabled=disabled, emoji=emoji, row=row
        )
    )


def buttons_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view of persistent items (no timeout: the router handles them, restart or not)."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


@dataclass(frozen=True)
class Field:
    """One text input of a form."""

    id: str
    label: str
    style: Literal["short", "paragraph"] = "short"
    required: bool = True
    max_length: int | None = None
    min_length: int | None = None
    default: str | None = None
    placeholder: str | None = None


@dataclass(frozen=True)
class Choice:
    """A one-of-several choice in a form (a select under a label); submitted as its value."""

    id: str
    label: str
    options: Sequence[tuple[str, str]]
    """(value, label) pairs, in the order shown."""
    default: str | None = None


@dataclass(frozen=True)
class Form:
    """A restart-proof form: ``custom_id`` must match a route of the bot's :class:`FormRouter`."""

    custom_id: str
    title: str
    fields: Sequence[Field | Choice]

    def modal(self) -> discord.ui.Modal:
        modal = discord.ui.Modal(title=self.title[:45], custom_id=self.custom_id)
        for field in self.fields:
            if isinstance(field, Choice):
                modal.add_item(_choice(field))
                continue
            modal.add_item(
                discord.ui.TextInput(
                    custom_id=field.id,
                    label=field.label[:45],
                    style=(
                        discord.TextStyle.paragraph
                        if field.style == "paragraph"
                        else discord.TextStyle.short
                    ),
                    required=field.required,
                    max_length=field.max_length,
                    min_length=field.min_length,
                    default=field.default,
                    placeholder=field.placeholder[:100] if field.placeholder else None,
                )
            )
        # Stopped before sending, so discord.py keeps nothing in memory: the submission
        # comes to the FormRouter whether or not the bot restarted in between.
        modal.stop()
        return modal

    async def open(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self.modal())


def _choice(choice: Choice) -> discord.ui.Label[discord.ui.View]:
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        custom_id=choice.id,
        options=[
            discord.SelectOption(label=label[:100], value=value, default=value == choice.default)
            for value, label in choice.options
        ],
        min_values=1,
        max_values=1,
    )
    return discord.ui.Label(text=choice.label[:45], component=select)
