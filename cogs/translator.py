"""Localized slash commands: discord.py asks, the French catalog answers."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from bot.i18n import Catalog

_NAME_LOCATIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CatalogTranslator(app_commands.Translator):
    """English is the base language of the command tree; French comes from the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.french:
            return None
        kind: Literal["names", "texts"] = (
            "names" if context.location in _NAME_LOCATIONS else "texts"
        )
        return self._catalog.command_translation(string.message, kind)
