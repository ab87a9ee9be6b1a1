"""``/actions`` (a member's or the community's actions, with Done buttons) and
``/practices export`` (the practice log as a Markdown file)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.services.actions import ActionService
from bot.services.sessions import SessionService
from cogs.sessions import render_summary
from cogs.toolkit import actor, command_group, reply, t, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot

SCOPE_CHOICES = [
    app_commands.Choice(name=_("Mine"), value="mine"),
    app_commands.Choice(name=_("Everyone's"), value="all"),
]


class Records(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.actions = bot.services.get(ActionService)
        self.sessions = bot.services.get(SessionService)

    @app_commands.command(
        name=_("actions"), description=_("The actions committed to in sessions, with Done buttons")
    )
    @app_commands.describe(
        scope=_("Your actions, or everyone's (default: yours)"),
        done=_("Also show the actions already done"),
    )
    @app_commands.choices(scope=SCOPE_CHOICES)
    @app_commands.guild_only()
    async def list_actions(
        self,
        interaction: discord.Interaction,
        scope: app_commands.Choice[str] | None = None,
        done: bool = False,
    ) -> None:
        listing = await self.actions.listing(
            actor(interaction), scope.value if scope else "mine", include_done=done
        )
        embed, view = render_summary.action_list(
            listing, self.bot.catalog, user_language(interaction)
        )
        if view is None:
            await reply(interaction, embed=embed)
        else:
            await reply(interaction, embed=embed, view=view)

    async def on_page(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        """Previous / Next under ``/actions``: the other page replaces this one."""
        listing = await self.actions.listing(
            actor(interaction),
            params["scope"],
            include_done=params["done"] == "1",
            page=int(params["page"]),
        )
        embed, view = render_summary.action_list(
            listing, self.bot.catalog, user_language(interaction)
        )
        await interaction.response.edit_message(embed=embed, view=view)

    practices = command_group(
        "practices", "The community's practice log (référentiel de pratiques)"
    )

    @practices.command(
        name=_("export"), description=_("Download every session summary as one Markdown file")
    )
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild = interaction.guild

        def name_of(user_id: int) -> str:
            member = guild.get_member(user_id) if guild else None
            return member.display_name if member is not None else f"<@{user_id}>"

        text = await self.sessions.practice_log(actor(interaction), name_of=name_of)
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename="practices.md")
        await reply(interaction, t(interaction, "facilitation.replies.exported"), file=file)
