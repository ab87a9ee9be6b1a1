"""Slash command groups: one rule for every feature's ``/group subcommand``."""

from __future__ import annotations

from discord import app_commands
from discord.app_commands import locale_str


def command_group(name: str, description: str) -> app_commands.Group:
    """A group of slash commands, for servers only (a community lives in one); its name and
    description are translated through the catalogs' ``[_commands]`` tables."""
    return app_commands.Group(
        name=locale_str(name), description=locale_str(description), guild_only=True
    )
