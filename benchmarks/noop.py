"""The floor: a slash command that does nothing but answer, loaded only by the benchmark."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.toolkit import reply

NOOP_COMMAND = "bench-noop"


class Noop(commands.Cog):
    @app_commands.command(name=NOOP_COMMAND, description="Benchmark floor: answers at once")
    @app_commands.guild_only()
    async def noop(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "ok")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Noop())
