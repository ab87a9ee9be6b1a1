"""A feature's interface declared on its handlers: each command, button, form and
confirmation written once, right above the method that answers it (as discord.py's app
commands and Typer do), instead of in a separate nested table.

::

    ROTATION = CommandGroup("rotation", "Take turns facilitating the community's meetings")

    class RotationInterface(Interface):
        @ROTATION.command("join", "Volunteer to facilitate meetings in turn")
        async def join(self, ctx: Interaction) -> None: ...

        @click(ACCEPT)
        async def accept(self, ctx: Interaction, params: Params) -> None: ...

:meth:`Interface.declare` then adds the commands (groups and top-level commands in the
order they are written) and the routes of the instance's methods to the :class:`UI`.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from types import MethodType
from typing import Literal, TypeVar

from bot.chat.layout import Form
from bot.interactions import UI
from bot.interactions.commands import (
    Access,
    Command,
    Group,
    HiddenUnless,
    MessageCommand,
    Option,
)
from bot.interactions.confirm import Confirmations
from bot.interactions.routes import CustomId

HandlerT = TypeVar("HandlerT", bound=Callable[..., Awaitable[None]])
SuggestMethod = Callable[..., Awaitable[list[tuple[str, str]]]]
"""An interface's own autocomplete method, not yet bound: ``(self, ctx, current)``."""

_MARKS = "__plc_declared__"
_written = itertools.count()
"""Each declaration's place in the source: decorators are evaluated top to bottom, so
commands keep the order they are written in, even stacked on one method."""


@dataclass(frozen=True)
class CommandGroup:
    """``/name subcommand``: the group its commands name with :meth:`command`
    (:data:`TOP_LEVEL`'s are commands of no group)."""

    name: str
    description: str

    def command(
        self,
        name: str,
        description: str,
        *options: Option,
        access: Access = "everyone",
        suggest: Mapping[str, SuggestMethod] | None = None,
        given: tuple[object, ...] = (),
        ask_first: bool = False,
        fills: tuple[str, ...] = (),
        anonymous: bool = False,
        form: Callable[[], Form] | None = None,
    ) -> Callable[[HandlerT], HandlerT]:
        """A command answered by the decorated method. ``suggest`` names, by option, the
        interface's method that autocompletes it; ``given`` are the arguments the method
        gets before the interaction (one method answering several commands);
        ``ask_first``, ``fills``, ``anonymous`` and ``form``: see :class:`Command`."""
        mark = _CommandMark(
            next(_written),
            self,
            name,
            description,
            options,
            access,
            dict(suggest or {}),
            given,
            ask_first,
            fills,
            anonymous,
            form,
        )
        return _marking(mark)


TOP_LEVEL = CommandGroup("", "")
"""The commands of no group: ``/ask``, not ``/questions ask``."""
command = TOP_LEVEL.command
"""A top-level command answered by the decorated method (:meth:`CommandGroup.command`)."""


def message_command(
    name: str, *, access: Access = "facilitator", hidden_unless: HiddenUnless | None = None
) -> Callable[[HandlerT], HandlerT]:
    """A command run on a message (Discord: Apps › name), answered by the method."""
    return _marking(_MessageMark(next(_written), name, access, hidden_unless))


def click(*custom_ids: CustomId) -> Callable[[HandlerT], HandlerT]:
    """The method answers a click on a button carrying one of these ids."""
    return _marking(_RouteMark("click", custom_ids))


def form(*custom_ids: CustomId) -> Callable[[HandlerT], HandlerT]:
    """The method answers a form submitted with one of these ids."""
    return _marking(_RouteMark("form", custom_ids))


def on_confirm(
    kind: str, *, cancelled_key: str, expired_key: str | None = None
) -> Callable[[HandlerT], HandlerT]:
    """The method does what Confirm does for the dialog ``kind`` (with the payload asked)."""
    return _marking(_ConfirmMark(kind, cancelled_key, expired_key))


class Interface:
    """The base of a feature's interface: :meth:`declare` adds what its methods declare
    (those of the class itself, in the order written)."""

    _confirmations: Confirmations | None = None

    @property
    def confirmations(self) -> Confirmations:
        """The one confirm dialog, there once :meth:`declare` ran."""
        if self._confirmations is None:
            raise RuntimeError(f"{type(self).__name__} asked to confirm before it was declared")
        return self._confirmations

    def declare(self, ui: UI) -> None:
        self._confirmations = ui.confirmations
        marked = [
            (mark, name)
            for name, member in vars(type(self)).items()
            for mark in getattr(member, _MARKS, ())
        ]
        commands = sorted(
            ((m, name) for m, name in marked if isinstance(m, _CommandMark | _MessageMark)),
            key=lambda pair: pair[0].order,
        )
        ui.add(*self._commands(commands))
        for mark, name in marked:
            if isinstance(mark, _RouteMark):
                add = ui.routes.click if mark.kind == "click" else ui.routes.form
                for custom_id in mark.custom_ids:
                    add(custom_id, getattr(self, name))
            elif isinstance(mark, _ConfirmMark):
                expired = {} if mark.expired_key is None else {"expired_key": mark.expired_key}
                ui.confirmations.on(
                    mark.kind, getattr(self, name), cancelled_key=mark.cancelled_key, **expired
                )

    def _commands(
        self, marked: list[tuple[_CommandMark | _MessageMark, str]]
    ) -> list[Group | Command | MessageCommand]:
        """Top-level commands and groups where each is first written; a group's
        subcommands in the order written."""
        declared: list[Group | Command | MessageCommand] = []
        groups: dict[CommandGroup, int] = {}
        for mark, name in marked:
            handler = getattr(self, name)
            if isinstance(mark, _MessageMark):
                declared.append(
                    MessageCommand(
                        mark.name, handler, access=mark.access, hidden_unless=mark.hidden_unless
                    )
                )
                continue
            built = self._command(mark, handler)
            if mark.group is TOP_LEVEL:
                declared.append(built)
            elif mark.group in groups:
                at = groups[mark.group]
                group = declared[at]
                assert isinstance(group, Group)
                declared[at] = replace(group, commands=(*group.commands, built))
            else:
                groups[mark.group] = len(declared)
                declared.append(Group(mark.group.name, mark.group.description, (built,)))
        return declared

    def _command(self, mark: _CommandMark, handler: Callable[..., Awaitable[None]]) -> Command:
        unknown = set(mark.suggest) - {option.name for option in mark.options}
        if unknown:
            raise LookupError(f"{mark.name!r} suggests for options it does not have: {unknown}")
        options = tuple(
            replace(option, suggest=MethodType(mark.suggest[option.name], self))
            if option.name in mark.suggest
            else option
            for option in mark.options
        )
        if mark.given:
            handler = partial(handler, *mark.given)
        return Command(
            mark.name,
            mark.description,
            handler,
            options=options,
            access=mark.access,
            ask_first=mark.ask_first,
            fills=mark.fills,
            anonymous=mark.anonymous,
            form=mark.form,
        )


@dataclass(frozen=True)
class _CommandMark:
    order: int
    group: CommandGroup
    name: str
    description: str
    options: tuple[Option, ...]
    access: Access
    suggest: dict[str, SuggestMethod]
    given: tuple[object, ...]
    ask_first: bool
    fills: tuple[str, ...]
    anonymous: bool
    form: Callable[[], Form] | None


@dataclass(frozen=True)
class _MessageMark:
    order: int
    name: str
    access: Access
    hidden_unless: HiddenUnless | None


@dataclass(frozen=True)
class _RouteMark:
    kind: Literal["click", "form"]
    custom_ids: tuple[CustomId, ...]


@dataclass(frozen=True)
class _ConfirmMark:
    kind: str
    cancelled_key: str
    expired_key: str | None


_Mark = _CommandMark | _MessageMark | _RouteMark | _ConfirmMark


def _marking(mark: _Mark) -> Callable[[HandlerT], HandlerT]:
    def marked(handler: HandlerT) -> HandlerT:
        # Stacked decorators apply bottom up: keep the marks in the order written.
        setattr(handler, _MARKS, (mark, *getattr(handler, _MARKS, ())))
        return handler

    return marked
