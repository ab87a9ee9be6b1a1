"""The slash commands as Discord receives them (translated), and what lacks its French."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from cogs.toolkit.chat import DiscordChat

from bot.app import build_services
from bot.i18n.translator import CatalogTranslator
from bot.services.base import Core
from cogs.client import PlcBot


async def translated_tree(
    core: Core, extensions: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The payload of every command the ``extensions`` declare (default: the configured
    ones), with the catalogs' translations."""
    # Extensions declare their cards' renderers on the Discord side of the chat port.
    core = dataclasses.replace(core, chat=DiscordChat())
    bot = PlcBot(core, build_services(core))
    translator = CatalogTranslator(core.catalog)
    await bot.tree.set_translator(translator)
    for extension in core.settings.discord.cogs if extensions is None else extensions:
        await bot.load_extension(extension)
    payload = [
        await command.get_translated_payload(bot.tree, translator)
        for command in bot.tree.get_commands()
    ]
    await bot.close()
    return payload


def untranslated(node: dict[str, Any], path: str = "") -> list[str]:
    """The names, descriptions and choices of a command (and its options) with no French."""
    here = f"{path} {node['name']}".strip()
    missing = []
    if "fr" not in (node.get("name_localizations") or {}):
        missing.append(f"name of {here}")
    if node.get("description") and "fr" not in (node.get("description_localizations") or {}):
        missing.append(f"description of {here}")
    for choice in node.get("choices") or []:
        if "fr" not in (choice.get("name_localizations") or {}):
            missing.append(f"choice {choice['name']} of {here}")
    for option in node.get("options") or []:
        missing += untranslated(option, here)
    return missing
