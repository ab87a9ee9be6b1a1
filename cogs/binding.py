"""The core's command declarations as Discord slash commands (and message commands).

Each :class:`~bot.interactions.commands.Command` becomes an ``app_commands.Command``
whose options, choices, ranges, channel kinds and autocomplete come from its options;
English names and descriptions are ``locale_str`` so the catalog's translator gives
their French. Every run checks who may act (the command's ``access``, by the
community's rules) before the handler, whatever the server's permission overrides.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.actor import Actor
from bot.interactions.commands import (
    Access,
    ChannelOption,
    Command,
    Group,
    MemberOption,
    MessageCommand,
    Option,
)
from cogs.interaction import DiscordInteraction

Gate = Callable[[Access, Actor], Awaitable[None]]
"""Refuses (raises a ``UserError``) an actor the command's access does not allow."""

_CHANNEL_TYPES = {
    "text": (discord.ChannelType.text, discord.ChannelType.news),
    "voice": (discord.ChannelType.voice,),
    "stage": (discord.ChannelType.stage_voice,),
}
_CHANNEL_KINDS = {
    discord.ChannelType.voice: "voice",
    discord.ChannelType.stage_voice: "stage",
    discord.ChannelType.text: "text",
    discord.ChannelType.news: "text",
}


class _Channels(app_commands.Transformer):
    """A channel option offering only some kinds (the service checks the kind again)."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self._types = [t for kind in kinds for t in _CHANNEL_TYPES[kind]]

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return self._types

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        return value


def _annotation(option: Option) -> Any:
    if option.choices:
        return app_commands.Choice[str]
    if option.kind == "boolean":
        return bool
    if option.kind == "integer":
        if option.min_value is not None or option.max_value is not None:
            return app_commands.Range[int, option.min_value, option.max_value]
        return int
    if option.kind == "member":
        return discord.Member
    if option.kind == "role":
        return discord.Role
    if option.kind == "channel":
        return app_commands.Transform[
            app_commands.AppCommandChannel, _Channels(option.channel_kinds or ("text",))
        ]
    if option.max_length is not None:
        return app_commands.Range[str, None, option.max_length]
    return str


def _value(value: Any) -> Any:
    """From discord.py's value to the core's."""
    if isinstance(value, app_commands.Choice):
        return value.value
    if isinstance(value, discord.Member | discord.User):
        return MemberOption(value.id, value.display_name)
    if isinstance(value, discord.Role):
        return value.id
    if isinstance(value, app_commands.AppCommandChannel | discord.abc.GuildChannel):
        return ChannelOption(value.id, _CHANNEL_KINDS.get(value.type, str(value.type)))
    return value


def _signature(options: tuple[Option, ...]) -> inspect.Signature:
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for option in options:
        parameters.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_annotation(option) if option.required else _annotation(option) | None,
                default=inspect.Parameter.empty if option.required else None,
            )
        )
    return inspect.Signature(parameters)


def slash_command(spec: Command, gate: Gate) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction, **given: Any) -> None:
        ctx = DiscordInteraction(interaction)
        if spec.access != "everyone":
            await gate(spec.access, ctx.actor())
        values = {name: _value(value) for name, value in given.items() if value is not None}
        await spec.handler(ctx, **values)

    callback.__signature__ = _signature(spec.options)  # type: ignore[attr-defined]
    callback.__qualname__ = callback.__name__ = spec.name.replace("-", "_")
    described = app_commands.describe(
        **{option.name: locale_str(option.description) for option in spec.options}
    )(callback)
    choices = {
        option.name: [
            app_commands.Choice(name=locale_str(label), value=value)
            for value, label in option.choices
        ]
        for option in spec.options
        if option.choices
    }
    if choices:
        described = app_commands.choices(**choices)(described)
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=locale_str(spec.name), description=locale_str(spec.description), callback=described
    )
    for option in spec.options:
        if option.suggest is not None:
            command.autocomplete(option.name)(_suggester(option))  # type: ignore[arg-type]
    if spec.access == "manager":
        command.default_permissions = discord.Permissions(manage_guild=True)
    return command


def _suggester(
    option: Option,
) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]:
    suggest = option.suggest
    assert suggest is not None

    async def autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await suggest(DiscordInteraction(interaction), current)
        return [
            app_commands.Choice(name=label[:100], value=value[:100]) for value, label in found[:25]
        ]

    return autocomplete


def group(spec: Group, gate: Gate) -> app_commands.Group:
    built = app_commands.Group(
        name=locale_str(spec.name), description=locale_str(spec.description), guild_only=True
    )
    for command in spec.commands:
        built.add_command(slash_command(command, gate))
    return built


def message_command(spec: MessageCommand, gate: Gate) -> app_commands.ContextMenu:
    async def callback(interaction: discord.Interaction, message: discord.Message) -> None:
        ctx = DiscordInteraction(interaction, target=message)
        if spec.access != "everyone":
            await gate(spec.access, ctx.actor())
        posted = ctx.message
        assert posted is not None
        await spec.handler(ctx, posted)

    menu = app_commands.ContextMenu(
        name=locale_str(spec.name), callback=callback, type=discord.AppCommandType.message
    )
    if spec.hidden_unless == "manage_messages":
        menu.default_permissions = discord.Permissions(manage_messages=True)
    menu.guild_only = True
    return menu


def top_level(spec: Command, gate: Gate) -> app_commands.Command[Any, ..., None]:
    """A command outside any group: offered in servers only (like ``@guild_only()``)."""
    return app_commands.guild_only(slash_command(spec, gate))
