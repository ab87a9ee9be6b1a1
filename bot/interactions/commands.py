"""Commands declared once, for every platform: names, options, who may run them, handlers.

A feature declares its commands as values; each platform adapter turns them into its
own (Discord's slash commands with their French names, Teams' text commands and the
app manifest's command lists). Names and descriptions are English; their French comes
from the catalogs' ``[_commands]`` tables, keyed by the English text.

A handler takes the :class:`~bot.interactions.context.Interaction` and the options by
name (absent optional options are not passed, so the handler's defaults apply)::

    Command("join", "Volunteer to facilitate meetings in turn", handler=join)
    Command("set-next", "Choose who facilitates next", access="facilitator",
            options=(Option("member", "A member of the rotation", kind="member"),),
            handler=set_next)       # set_next(ctx, member=MemberOption(...))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from bot.chat.layout import Form
from bot.chat.port import Posted
from bot.interactions.context import Interaction

OptionKind = Literal["text", "integer", "boolean", "member", "channel", "role"]
ChannelKind = Literal["text", "voice", "stage"]
HiddenUnless = Literal["manage_messages"]
"""The platform permission that shows a message command (Discord's Manage Messages)."""
Access = Literal["everyone", "facilitator", "manager"]
"""Who may run a command: checked at run time by the community's rules, whatever the
platform's own settings say; ``manager`` is whoever may manage the server or team."""

Handler = Callable[..., Awaitable[None]]
Suggest = Callable[[Interaction, str], Awaitable[list[tuple[str, str]]]]
"""Autocomplete: the member's text so far → (value, label) suggestions."""


@dataclass(frozen=True, slots=True)
class MemberOption:
    """A member chosen in an option."""

    user_id: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class ChannelOption:
    """A channel chosen in an option, with its kind (``text``, ``voice``, ``stage``…)."""

    channel_id: int
    kind: str


@dataclass(frozen=True)
class Option:
    """One option of a command; ``choices`` are (value, English label) pairs (int values
    for an ``integer`` option)."""

    name: str
    description: str
    kind: OptionKind = "text"
    required: bool = False
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] | tuple[tuple[int, str], ...] = ()
    suggest: Suggest | None = None
    channel_kinds: tuple[ChannelKind, ...] = ()


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    access: Access = "everyone"
    ask_first: bool = False
    """Typed bare where commands are typed (Teams), its options are offered in a form
    first: a command whose options are what it is for (``/plc setup``). Otherwise a
    command missing no required option runs at once with its defaults, as a slash
    command does."""
    fills: tuple[str, ...] = ()
    """The fields of the form the command opens, by their ids. Where commands are typed
    (Teams), they may be typed after it as options are (``goal set title:Reading``), and
    the form opens filled with them; a slash command has no place for them."""
    form: Callable[[], Form] | None = None
    """The form the command opens, when it is the same for everyone: where commands are
    typed, a field in ``fills`` may also be named by its label (``sujet:``, the label of
    ``/ask``'s ``topic`` field)."""
    anonymous: bool = False
    """Its form can keep who filled it from everyone (``/ask``). Where commands are typed,
    words typed after it are taken only where nobody else reads them (Teams: the 1:1 chat);
    typed in a channel they are already under the member's name there, so they are
    refused and the member is shown how to stay anonymous."""


@dataclass(frozen=True)
class Group:
    """``/name subcommand``: a feature's commands under one name."""

    name: str
    description: str
    commands: tuple[Command, ...]

    def command(self, name: str) -> Command:
        for command in self.commands:
            if command.name == name:
                return command
        raise LookupError(f"/{self.name} has no {name!r}")


MessageHandler = Callable[[Interaction, Posted], Awaitable[None]]


@dataclass(frozen=True)
class MessageCommand:
    """A command run on a message (Discord: Apps › name); ``hidden_unless`` names the
    platform permission that shows it (checked again by ``access`` at run time)."""

    name: str
    handler: MessageHandler
    access: Access = "facilitator"
    hidden_unless: HiddenUnless | None = None


def option_values(options: dict[str, Any]) -> dict[str, Any]:
    """The options given (None means not given: the handler's default applies)."""
    return {name: value for name, value in options.items() if value is not None}
