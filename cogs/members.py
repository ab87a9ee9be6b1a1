"""``/me``: a member's own time zone, reminders, away dates, export and erasure."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import format_day
from bot.services.members import MemberService
from cogs.toolkit import (
    actor,
    command_group,
    message_link,
    read_as,
    reply,
    t,
    timezone_autocomplete,
    user_language,
)

if TYPE_CHECKING:
    from cogs.client import PlcBot

ERASE = "member.erase"


class Members(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.members = bot.services.get(MemberService)

    me = command_group("me", "Your own settings and data")

    @me.command(name=_("timezone"), description=_("Set your own time zone"))
    @app_commands.describe(name=_("IANA time zone, e.g. Europe/Paris"))
    @app_commands.autocomplete(name=timezone_autocomplete)
    async def timezone(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild is not None
        zone = await self.members.set_timezone(interaction.guild.id, interaction.user.id, name)
        await reply(interaction, t(interaction, "members.timezone.saved", zone=zone))

    @me.command(name=_("reminders"), description=_("Turn reminders by direct message on or off"))
    @app_commands.describe(state=_("on or off"))
    @app_commands.choices(
        state=[
            app_commands.Choice(name=_("on"), value="on"),
            app_commands.Choice(name=_("off"), value="off"),
        ]
    )
    async def reminders(
        self, interaction: discord.Interaction, state: app_commands.Choice[str]
    ) -> None:
        assert interaction.guild is not None
        enabled = state.value == "on"
        await self.members.set_dm_reminders(interaction.guild.id, interaction.user.id, enabled)
        key = "members.reminders.on" if enabled else "members.reminders.off"
        await reply(interaction, t(interaction, key))

    @me.command(name=_("away"), description=_("Mark yourself away until a date"))
    @app_commands.describe(until=_("Last day away, e.g. 2026-12-18 or Dec 18"))
    async def away(self, interaction: discord.Interaction, until: str) -> None:
        assert interaction.guild is not None
        language = user_language(interaction)
        until_day = await self.members.set_away(
            interaction.guild.id, interaction.user.id, until, language
        )
        lines = [
            t(interaction, "members.away.saved", date=format_day(until_day.day, language)),
            read_as(self.bot.catalog, language, until_day.day, until_day.timezone),
        ]
        await reply(interaction, "\n".join(lines))

    @me.command(name=_("back"), description=_("End your away period now"))
    async def back(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        was_away = await self.members.back(interaction.guild.id, interaction.user.id)
        await reply(
            interaction,
            t(interaction, "members.back.done" if was_away else "members.back.not_away"),
        )

    @me.command(name=_("export"), description=_("Download everything the bot stores about you"))
    async def export(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.members.export(interaction.guild.id, interaction.user.id)
        payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
        await interaction.followup.send(
            t(interaction, "members.export.done"),
            file=discord.File(io.BytesIO(payload), filename="plc-bot-my-data.json"),
            ephemeral=True,
        )

    @me.command(name=_("delete"), description=_("Erase everything the bot stores about you"))
    async def delete(self, interaction: discord.Interaction) -> None:
        who = actor(interaction)
        await self.bot.confirmations.ask(
            interaction,
            ERASE,
            (who.guild_id, who.user_id),
            content=t(interaction, "members.delete.ask"),
            confirm_label=t(interaction, "members.delete.confirm"),
            cancel_label=t(interaction, "members.delete.cancel"),
            danger=True,
        )

    async def erase_confirmed(
        self, interaction: discord.Interaction, member: tuple[int, int]
    ) -> None:
        guild_id, user_id = member
        await interaction.response.defer()
        erased = await self.members.delete(guild_id, user_id)
        lines = [t(interaction, "members.delete.done")]
        if erased.posts_removed:
            lines.append(t(interaction, "members.delete.posts", removed=erased.posts_removed))
        if erased.left:
            links = "\n".join(
                message_link(p.guild_id, p.channel_id, p.message_id) for p in erased.left[:10]
            )
            lines.append(t(interaction, "members.delete.posts_left", links=links))
        await interaction.edit_original_response(content="\n".join(lines), view=None)


async def setup(bot: PlcBot) -> None:
    cog = Members(bot)
    bot.confirmations.on(ERASE, cog.erase_confirmed, cancelled_key="members.delete.cancelled")
    await bot.add_cog(cog)
