"""Moderation that only moderators see: the *Moderate* message command and its panel.

Public posts carry only what every member may use (upvote, report, the thread).
Facilitators right-click a post (Apps › *Moderate*) to get a private panel with
*Answered*, *Remove* and *Block author*. Discord hides the command from members
without Manage Messages (``default_permissions``); the service still checks the
facilitator role at run time, so an admin who shows the command to everyone in
Server Settings › Integrations gives members only a refusal.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.db.questions import QuestionItem
from bot.services.questions import Outcome
from cogs.questions.commands import service
from cogs.questions.render import moderation_view, what
from cogs.toolkit import actor, plc_bot, reply, t, user_language

REF = r"(?P<ref>[0-9a-f]{16})"
Params = dict[str, str]


def moderate_command() -> app_commands.ContextMenu:
    menu = app_commands.ContextMenu(
        name=_("Moderate"), callback=open_panel, type=discord.AppCommandType.message
    )
    menu.default_permissions = discord.Permissions(manage_messages=True)
    menu.guild_only = True
    return menu


async def open_panel(interaction: discord.Interaction, message: discord.Message) -> None:
    item = await service(interaction).moderation_panel(actor(interaction), message.id)
    await reply(interaction, _panel_text(interaction, item), view=_view(interaction, item))


def _panel_text(interaction: discord.Interaction, item: QuestionItem) -> str:
    return t(interaction, "questions.mod.panel", what=_what(interaction, item))


def _what(interaction: discord.Interaction, item: QuestionItem) -> str:
    return what(plc_bot(interaction).catalog, user_language(interaction), item)


def _view(interaction: discord.Interaction, item: QuestionItem) -> discord.ui.View | None:
    return moderation_view(plc_bot(interaction).catalog, user_language(interaction), item)


async def _answer(interaction: discord.Interaction, outcome: Outcome, key: str) -> None:
    """Show the result in the panel, with what is still possible."""
    text = t(interaction, key, what=_what(interaction, outcome.item))
    await interaction.response.edit_message(content=text, view=_view(interaction, outcome.item))


async def on_answered(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).mark_answered(actor(interaction), params["ref"])
    key = "questions.mod.answered" if outcome.item.kind == "question" else "questions.mod.discussed"
    await _answer(interaction, outcome, key)


async def on_remove(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).remove(actor(interaction), params["ref"])
    await _answer(interaction, outcome, "questions.mod.removed")


async def on_block(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).block_author(actor(interaction), params["ref"])
    key = "questions.mod.blocked" if outcome.newly_blocked else "questions.mod.already_blocked"
    await _answer(interaction, outcome, key)


ROUTES = (
    (rf"plcq:mdone:{REF}", on_answered),
    (rf"plcq:mremove:{REF}", on_remove),
    (rf"plcq:mblock:{REF}", on_block),
)
