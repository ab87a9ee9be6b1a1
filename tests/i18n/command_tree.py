"""The slash commands as Discord receives them (translated), and what lacks its French."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from bot.app import build_app
from bot.chat import Chat
from bot.services.base import Core
from cogs.client import PlcBot
from cogs.platform import DiscordPlatform
from cogs.translator import CatalogTranslator


async def translated_tree(core: Core, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The payload of every command of the enabled features (or only those named), with
    the catalogs' translations."""
    platform = DiscordPlatform(core.catalog)
    core = dataclasses.replace(core, chat=Chat(core.db, core.clock, platform))
    bot = PlcBot(build_app(core))
    platform.bind(bot)
    translator = CatalogTranslator(core.catalog)
    await bot.tree.set_translator(translator)
    await bot.install_commands()
    wanted = None if names is None else set(names)
    payload = [
        await command.get_translated_payload(bot.tree, translator)
        for command in bot.tree.get_commands()
        if wanted is None or command.name in wanted
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
