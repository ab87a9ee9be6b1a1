"""Command sync that asks Discord what it has (one request) before changing anything.

A hash kept in the database would trust the database over Discord: a database
restored onto another application, a playground with a fresh emulator, or commands
removed by hand in the developer portal would never be registered again. So at
start-up the bot reads the registered commands and syncs only when they differ from
its tree (names, options, localizations, permissions, scope). Discord allows 200
command creations a day; an unchanged tree costs one read.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

# What Discord adds to a command it stores, and defaults it fills in: not ours to compare.
_SERVER_FIELDS = frozenset({"id", "application_id", "version", "guild_id"})
_DEFAULTS: dict[str, Any] = {
    "type": 1,
    "nsfw": False,
    "dm_permission": True,
    "integration_types": [0],
    "required": False,
    "autocomplete": False,
}


def canonical(value: Any) -> Any:
    """A command payload with server-side fields, empty values and defaults removed."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if key in _SERVER_FIELDS or item is None or item in ("", [], {}):
                continue
            if key in _DEFAULTS and item == _DEFAULTS[key]:
                continue
            # Discord answers permissions as a string of digits; discord.py sends a number.
            kept[key] = str(item) if key == "default_member_permissions" else canonical(item)
        return kept
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def _ordered(commands: list[Any]) -> list[Any]:
    return sorted((canonical(c) for c in commands), key=lambda c: (c.get("type", 1), c["name"]))


async def sync_if_needed(bot: PlcBot, *, force: bool = False) -> bool:
    """Sync the tree when Discord's registered commands differ from it; True if synced."""
    translator = bot.tree.translator
    assert translator is not None
    guild_id = bot.core.settings.discord.dev_guild_id
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    local = [
        await command.get_translated_payload(bot.tree, translator)
        for command in bot.tree.get_commands(guild=guild)
    ]
    application_id = bot.application_id
    assert application_id is not None
    if guild_id is not None:
        remote = await bot.http.get_guild_commands(application_id, guild_id)
    else:
        remote = await bot.http.get_global_commands(application_id)
    if not force and _ordered(list(remote)) == _ordered(local):
        log.info("Discord has the %d commands of this version; not syncing", len(local))
        return False
    await bot.tree.sync(guild=guild)
    log.info(
        "synced %d commands to %s (Discord had %d%s)",
        len(local),
        f"guild {guild_id}" if guild_id is not None else "all guilds",
        len(remote),
        ", forced" if force else "",
    )
    return True
