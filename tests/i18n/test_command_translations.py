"""Every slash command, option, description and choice has its French."""

from __future__ import annotations

from typing import Any

from bot.services.base import Core
from tests.i18n.command_tree import translated_tree, untranslated


async def test_every_command_part_has_a_french_translation(core: Core) -> None:
    missing = [gap for command in await translated_tree(core) for gap in untranslated(command)]
    assert missing == []


async def test_french_names_are_unique_among_siblings(core: Core) -> None:
    def check(nodes: list[dict[str, Any]], where: str) -> None:
        names = [n.get("name_localizations", {}).get("fr") for n in nodes]
        assert len(names) == len(set(names)), (where, names)
        for node in nodes:
            check(node.get("options") or [], f"{where} {node['name']}")

    check(await translated_tree(core), "")
