"""``/rotation join|leave|show|skip|set-next`` and the Accept / Can't this time buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.services.rotation import RotationService
from bot.services.rotation_models import RotationView
from cogs.rotation import render
from cogs.toolkit import actor, actor_in, command_group, is_facilitator, reply, t, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot


class Rotation(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.service = bot.services.get(RotationService)

    rotation = command_group("rotation", "Take turns facilitating the community's meetings")

    async def _show(self, interaction: discord.Interaction, view: RotationView, key: str) -> None:
        embed = render.show(view, self.bot.catalog, user_language(interaction))
        await reply(interaction, t(interaction, key), embed=embed)

    @rotation.command(name=_("join"), description=_("Volunteer to facilitate meetings in turn"))
    async def join(self, interaction: discord.Interaction) -> None:
        joined = await self.service.join(actor(interaction))
        key = "facilitation.rotation.joined" if joined else "facilitation.rotation.already_in"
        await self._show(interaction, await self.service.show(actor(interaction)), key)

    @rotation.command(name=_("leave"), description=_("Stop volunteering to facilitate"))
    async def leave(self, interaction: discord.Interaction) -> None:
        await self.service.leave(actor(interaction))
        await reply(interaction, t(interaction, "facilitation.rotation.left"))

    @rotation.command(
        name=_("show"), description=_("Who facilitates next, the order, and how often each has")
    )
    async def show(self, interaction: discord.Interaction) -> None:
        view = await self.service.show(actor(interaction))
        await self._show(interaction, view, "facilitation.rotation.shown")

    @rotation.command(
        name=_("skip"), description=_("Send whoever is next to the back of the line (facilitators)")
    )
    @is_facilitator()
    async def skip(self, interaction: discord.Interaction) -> None:
        view = await self.service.skip(actor(interaction))
        await self._show(interaction, view, "facilitation.rotation.skipped")

    @rotation.command(
        name=_("set-next"), description=_("Choose who facilitates next (facilitators)")
    )
    @app_commands.describe(member=_("A member of the rotation"))
    @is_facilitator()
    async def set_next(self, interaction: discord.Interaction, member: discord.Member) -> None:
        view = await self.service.set_next(actor(interaction), member.id)
        await self._show(interaction, view, "facilitation.rotation.next_set")

    # -- the offer's buttons --------------------------------------------------------------

    async def on_accept(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        answer = await self.service.accept(
            actor_in(interaction, int(params["guild"])), int(params["occurrence"])
        )
        await reply(
            interaction,
            t(
                interaction,
                "facilitation.offer.accepted",
                title=answer.meeting_title,
                timestamp=int(answer.starts_at.timestamp()),
            ),
        )

    async def on_decline(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        answer = await self.service.decline(
            actor_in(interaction, int(params["guild"])), int(params["occurrence"])
        )
        key = (
            "facilitation.offer.declined_passed"
            if answer.next_user_id
            else "facilitation.offer.declined_nobody"
        )
        await reply(interaction, t(interaction, key, title=answer.meeting_title))
