"""Every slash command, option, description and choice has its French."""

from __future__ import annotations

import re
from typing import Any

from bot.i18n import load_catalog
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


# The welcome's line for English speakers, in English on purpose.
_ENGLISH_ON_PURPOSE = {"admin.welcome.other"}


def _names(nodes: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The English and the French names of every command, subcommand and option."""
    english: set[str] = set()
    french: set[str] = set()
    for node in nodes:
        english.add(node["name"])
        french.add(node.get("name_localizations", {}).get("fr", node["name"]))
        below = _names(node.get("options") or [])
        english |= below[0]
        french |= below[1]
    return english, french


async def test_french_messages_name_the_french_commands(core: Core) -> None:
    """A French reply that tells what to type names the command and its options as a
    French member's Discord lists them: `/cap configurer salon_bilans:`, never
    `/plc setup checkin_channel:`."""
    english, french = _names(await translated_tree(core))
    english_only = english - french
    span = re.compile(r"`/([^`]+)`")
    offenders = {
        key: text
        for key, text in load_catalog().messages["fr"].items()
        if key not in _ENGLISH_ON_PURPOSE
        and any(
            word.split(":")[0] in english_only
            for typed in span.findall(text)
            for word in typed.split()
        )
    }
    assert offenders == {}
