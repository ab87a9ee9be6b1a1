"""Every button the bot posts is routed by its id, from the click itself.

Discord keeps no view in memory for them, so a button posted before a restart works
after it: the buttons go out in a view finished from the start (discord.py then never
keeps it, nor dispatches a click to it), and every click reaches
:meth:`PlcBot.on_interaction`, which asks the core's routes by the button's id (ids
written by earlier versions still match their route).

discord.py's own way to route persistent buttons (a ``DynamicItem``) rebuilt the clicked
message's whole view before each click's callback: 0.11 ms of the 0.5 ms a session turn
spent between the gateway and its handler.
"""

from __future__ import annotations

from typing import Any

import discord

CUSTOM_ID_MAX = 100  # Discord's limit


def button(
    custom_id: str,
    *,
    label: str | None = None,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    disabled: bool = False,
    emoji: str | None = None,
    row: int | None = None,
) -> discord.ui.Button[discord.ui.View]:
    """A persistent button; ``custom_id`` must match a declared route."""
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id over {CUSTOM_ID_MAX} characters: {custom_id[:40]}…")
    return discord.ui.Button(
        custom_id=custom_id, label=label, style=style, disabled=disabled, emoji=emoji, row=row
    )


class SentOnly(discord.ui.View):
    """A message's buttons as discord.py sends them: a view finished from the start,
    which it never keeps in its view store (nor times out, nor dispatches clicks to)."""

    def __init__(self, items: list[discord.ui.Item[Any]]) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)

    def is_finished(self) -> bool:
        return True


def clicked_button(interaction: discord.Interaction) -> str | None:
    """The id of the button clicked, if ``interaction`` is a click on one."""
    if interaction.type is not discord.InteractionType.component:
        return None
    data: dict[str, Any] = dict(interaction.data or {})
    if data.get("component_type") != discord.ComponentType.button.value:
        return None
    return str(data.get("custom_id", ""))
