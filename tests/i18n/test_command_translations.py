"""Every slash command, option, description and choice has its French (SPEC §2)."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.app import build_services
from bot.i18n.translator import CatalogTranslator
from bot.services.base import Core
from cogs.client import PlcBot
from cogs.toolkit.chat import DiscordChat


async def _translated_tree(core: Core) -> list[dict[str, Any]]:
    # Extensions declare their cards' renderers on the Discord side of the chat port.
    core = dataclasses.replace(core, chat=DiscordChat())
    bot = PlcBot(core, build_services(core))
    translator = CatalogTranslator(core.catalog)
    await bot.tree.set_translator(translator)
    for extension in core.settings.discord.cogs:
        await bot.load_extension(extension)
    payload = [
        await command.get_translated_payload(bot.tree, translator)
        for command in bot.tree.get_commands()
    ]
    await bot.close()
    return payload


def _missing(node: dict[str, Any], path: str, out: list[str]) -> None:
    here = f"{path} {node['name']}".strip()
    if "fr" not in (node.get("name_localizations") or {}):
        out.append(f"name of {here}")
    if node.get("description") and "fr" not in (node.get("description_localizations") or {}):
        out.append(f"description of {here}")
    for choice in node.get("choices") or []:
        if "fr" not in (choice.get("name_localizations") or {}):
            out.append(f"choice {choice['name']} of {here}")
    for option in node.get("options") or []:
        _missing(option, here, out)


async def test_every_command_part_has_a_french_translation(core: Core) -> None:
    missing: list[str] = []
    for command in await _translated_tree(core):
        _missing(command, "", missing)
    assert missing == []


async def test_french_names_are_unique_among_siblings(core: Core) -> None:
    def check(nodes: list[dict[str, Any]], where: str) -> None:
        names = [n.get("name_localizations", {}).get("fr") for n in nodes]
        assert len(names) == len(set(names)), (where, names)
        for node in nodes:
            check(node.get("options") or [], f"{where} {node['name']}")

    check(await _translated_tree(core), "")
