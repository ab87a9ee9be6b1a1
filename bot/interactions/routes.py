"""Routing a click or a form by its action id: each id written once, as a :class:`CustomId`.

A feature writes each action id once; its template gives both the ids its buttons and
forms carry and the pattern of its route::

    RSVP = CustomId("plc:mtg:rsvp:{occurrence}:{answer}", answer="going|maybe|cant")
    routes.click(RSVP, on_rsvp)          # on_rsvp(ctx, {"occurrence": …, "answer": …})
    Button(action=RSVP.build(occurrence=12, answer="going"), …)

An id holds only what the handler needs to reload its state (ids, never member text),
so a button or a form shown before a restart works after it. Ids that earlier versions
put on messages still posted are declared as ``legacy`` templates of the same
:class:`CustomId` and reach the same handler.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.interactions.context import Interaction

ACTION_ID_MAX = 100
PREFIX = "plc:"
ID_PART = "-?[0-9]{1,20}"
"""What a part of an id matches unless told otherwise: a number (a Discord snowflake, or
the negative number a Teams id is mapped to)."""

Params = dict[str, str]
ClickHandler = Callable[[Interaction, Params], Awaitable[None]]
FormHandler = Callable[[Interaction, Params, dict[str, str]], Awaitable[None]]
HandlerT = TypeVar("HandlerT")


class CustomId:
    """An action id written once: ``template`` names its parts in braces
    (``plc:ses:join:{session}``); each part matches :data:`ID_PART` unless ``parts`` gives
    its own pattern. :meth:`build` makes the ids, :attr:`patterns` route them (the
    template's, then each ``legacy`` one), and a handler gets the parts by name."""

    def __init__(self, template: str, *, legacy: tuple[str, ...] = (), **parts: str) -> None:
        if not template.startswith(PREFIX):
            raise ValueError(f"action ids start with {PREFIX!r}: {template!r}")
        self.template = template
        self.patterns = tuple(_pattern(t, parts) for t in (template, *legacy))

    @property
    def pattern(self) -> str:
        return self.patterns[0]

    def build(self, **values: object) -> str:
        built = self.template.format(**values)
        if len(built) > ACTION_ID_MAX:
            raise ValueError(f"action id over {ACTION_ID_MAX} characters: {built[:40]}…")
        return built


def _pattern(template: str, parts: dict[str, str]) -> str:
    pieces = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, …
    return "".join(
        re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>{parts.get(piece, ID_PART)})"
        for index, piece in enumerate(pieces)
    )


class Router(Generic[HandlerT]):
    """Patterns (full matches, named groups) and their handlers, first match wins."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], HandlerT]] = []

    def route(self, custom_id: CustomId, handler: HandlerT) -> None:
        for pattern in custom_id.patterns:
            compiled = re.compile(pattern)
            if any(existing.pattern == compiled.pattern for existing, _ in self._routes):
                raise RuntimeError(f"route {pattern!r} declared twice")
            self._routes.append((compiled, handler))

    def find(self, action: str) -> tuple[HandlerT, Params] | None:
        for pattern, handler in self._routes:
            match = pattern.fullmatch(action)
            if match is not None:
                return handler, {k: v for k, v in match.groupdict().items() if v is not None}
        return None


class Routes:
    """Every click and every form of the bot, by action id (one per process)."""

    def __init__(self) -> None:
        self.clicks: Router[ClickHandler] = Router()
        self.forms: Router[FormHandler] = Router()

    def click(self, custom_id: CustomId, handler: ClickHandler) -> None:
        self.clicks.route(custom_id, handler)

    def form(self, custom_id: CustomId, handler: FormHandler) -> None:
        self.forms.route(custom_id, handler)
