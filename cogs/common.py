"""What every cog shares: languages, checks, base views and modals."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands

from bot.actor import Actor
from bot.errors import UserError
from bot.i18n import Language, language_for_locale
from bot.services.community import CommunityService
from bot.timezones import search_timezones
from cogs.errors import Refused, report

if TYPE_CHECKING:
    from bot.app import PlcBot

T = TypeVar("T")


def plc_bot(interaction: discord.Interaction) -> PlcBot:
    return cast("PlcBot", interaction.client)


def user_language(interaction: discord.Interaction) -> Language:
    """Ephemeral replies speak the user's Discord language (SPEC §2)."""
    return language_for_locale(str(interaction.locale))


def t(interaction: discord.Interaction, key: str, /, **params: object) -> str:
    """A message in the user's language."""
    return plc_bot(interaction).catalog.t(user_language(interaction), key, **params)


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = True,
    **kwargs: Any,
) -> None:
    """Answer once, whether or not the interaction was deferred."""
    if content is not None:
        kwargs["content"] = content
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


def _guild_member(interaction: discord.Interaction) -> discord.Member:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    return interaction.user


def manages_server() -> Callable[[T], T]:
    """Run-time check for admin commands, whatever the command's permission override."""

    async def predicate(interaction: discord.Interaction) -> bool:
        member = _guild_member(interaction)
        if not member.guild_permissions.manage_guild:
            raise Refused("errors.manage_server_required")
        return True

    return app_commands.check(predicate)


def actor_of(interaction: discord.Interaction) -> Actor:
    """Who is acting, as the services see them (ids and roles, no discord type)."""
    member = _guild_member(interaction)
    return Actor(
        guild_id=member.guild.id,
        user_id=member.id,
        role_ids=frozenset(role.id for role in member.roles),
        manages_guild=member.guild_permissions.manage_guild,
        language=user_language(interaction),
    )


async def is_facilitator_member(interaction: discord.Interaction) -> bool:
    """The service's rule (``CommunityService.is_facilitator``) for this member."""
    actor = actor_of(interaction)
    try:
        return await plc_bot(interaction).services.get(CommunityService).is_facilitator(actor)
    except UserError as exc:  # a check may only raise AppCommandError
        raise Refused(exc.key, **exc.params) from None


def is_facilitator() -> Callable[[T], T]:
    """Facilitator role (from ``/plc setup``) or Manage Server, checked at run time (D3)."""

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
    """Route a persistent button's errors to the one error handler.

    discord.py runs a ``DynamicItem`` inside a throwaway ``View`` whose ``on_error``
    only logs; the member must hear what went wrong, in their language.
    """

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


class PlcModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]  # Modal drops View's `item` argument
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await report(interaction, error)
