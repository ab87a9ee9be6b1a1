"""Command checks of the cogs not yet converted: they ask the services (the rules live there)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.errors import UserError
from bot.services.community import CommunityService
from cogs.errors import Refused
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
    """Refuse at run time members who may not facilitate, whatever the command's
    permission override says; the service decides."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if not await is_facilitator_member(interaction):
            raise Refused("errors.not_facilitator")
        return True

    return app_commands.check(predicate)
