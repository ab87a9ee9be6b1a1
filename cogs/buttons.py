"""Every persistent button of the bot is one ``DynamicItem``: its click is routed by id.

Discord keeps no view in memory for them, so a button posted before a restart works
after it: the click reaches :meth:`PlcBot.dispatch_click`, which asks the core's
routes (ids written by earlier versions still match their route).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100  # Discord's limit


class RoutedButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"(?P<custom_id>plc[a-z]*:.+)",
):
    """Every persistent button of the bot; the bot's routes run it."""

    def __init__(self, button: discord.ui.Button[discord.ui.View]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RoutedButton:
        return cls(cast("discord.ui.Button[discord.ui.View]", item))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("PlcBot", interaction.client)
        custom_id = self.item.custom_id or ""
        if not await bot.dispatch_click(interaction, custom_id):
            log.debug("no route for a button (%d characters)", len(custom_id))


def button(
    custom_id: str,
    *,
    label: str | None = None,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    disabled: bool = False,
    emoji: str | None = None,
    row: int | None = None,
) -> RoutedButton:
    """A persistent button; ``custom_id`` must match a declared route."""
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id over {CUSTOM_ID_MAX} characters: {custom_id[:40]}…")
    return RoutedButton(
        discord.ui.Button(
            custom_id=custom_id, label=label, style=style, disabled=disabled, emoji=emoji, row=row
        )
    )
