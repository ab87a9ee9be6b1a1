"""Command checks that ask the services (the rules live there), and error routing."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import discord
from discord import app_commands

from bot.errors import UserError
from bot.services.community import CommunityService
from bot.timezones import search_timezones
from cogs.errors import Refused, report
from cogs.toolkit.context import actor, plc_bot

T = TypeVar("T")


def manages_server() -> Callable[[T], T]:
    """Run-time check for admin commands, whatever the command's permission override."""

    async def predicate(interaction: discord.Interaction) -> bool:
        try:
            CommunityService.require_manager(actor(interaction))
        except UserError as exc:  # a check may only raise AppCommandError
            raise Refused(exc.key, **exc.params) from None
        return True

    return app_commands.check(predicate)


async def is_facilitator_member(interaction: discord.Interaction) -> bool:
    try:
        return (
            await plc_bot(interaction)
            .services.get(CommunityService)
            .is_facilitator(actor(interaction))
        )
    except UserError as exc:
        raise Refused(exc.key, **exc.params) from None


def is_facilitator() -> Callable[[T], T]:
    """Refuse at run time members who may not facilitate (D3); the service decides."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if not await is_facilitator_member(interaction):
            raise Refused("errors.not_facilitator")
        return True

    return app_commands.check(predicate)


async def timezone_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in search_timezones(current)]


Callback = TypeVar("Callback", bound=Callable[..., Awaitable[None]])


def reports_errors(callback: Callback) -> Callback:
    """Route a callback's errors to the one error handler, in the member's language."""

    @functools.wraps(callback)
    async def wrapper(self: object, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as exc:
            await report(interaction, exc)

    return cast(Callback, wrapper)


class PlcView(discord.ui.View):
    """A view whose errors go through the one error handler."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report(interaction, error)
