"""The check-in's restart-proof buttons: Answer, Edit my answer, and the 1–5 pulse.

Each is a :class:`discord.ui.DynamicItem` whose ``custom_id`` holds only ids
(``plc:checkin:answer:<checkin>``, ``plc:checkin:edit:<answer>``,
``plc:checkin:pulse:<checkin>:<score>``), so a button keeps working after a restart;
the service checks every value again (whose answer, still open, score in 1..5).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.db.checkins import Checkin
from bot.i18n import Catalog
from bot.services.checkins import CheckinService
from cogs.checkins.modals import answer_form
from cogs.toolkit import plc_bot, reports_errors, t, user_language


def _service(interaction: discord.Interaction) -> CheckinService:
    return plc_bot(interaction).services.get(CheckinService)


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise discord.app_commands.NoPrivateMessage()
    return interaction.guild_id


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"plc:checkin:answer:(?P<checkin_id>[0-9]{1,20})",
):
    """Opens the answer modal; pressed again, offers *Edit my answer*."""

    def __init__(self, checkin_id: int, label: str = "Answer") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                emoji="📝",
                custom_id=f"plc:checkin:answer:{checkin_id}",
            )
        )
        self.checkin_id = checkin_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(int(match["checkin_id"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        language = user_language(interaction)
        form = await _service(interaction).answer_form(
            _guild_id(interaction), self.checkin_id, interaction.user.id, language
        )
        if form.existing is None:
            await interaction.response.send_modal(answer_form(interaction, form))
            return
        view = discord.ui.View(timeout=None)
        view.add_item(EditAnswerButton(form.existing.id, t(interaction, "checkins.buttons.edit")))
        await interaction.response.send_message(
            t(
                interaction,
                "checkins.answer.already",
                closes=int(form.checkin.closes_at.timestamp()),
            ),
            view=view,
            ephemeral=True,
        )


class EditAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"plc:checkin:edit:(?P<answer_id>[0-9]{1,20})",
):
    """Opens the answer modal pre-filled; only for the answer's own author."""

    def __init__(self, answer_id: int, label: str = "Edit my answer") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                emoji="✏️",
                custom_id=f"plc:checkin:edit:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> EditAnswerButton:
        return cls(int(match["answer_id"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        language = user_language(interaction)
        form = await _service(interaction).edit_form(
            _guild_id(interaction), self.answer_id, interaction.user.id, language
        )
        await interaction.response.send_modal(answer_form(interaction, form))


class PulseButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"plc:checkin:pulse:(?P<checkin_id>[0-9]{1,20}):(?P<score>[0-9])",
):
    """One anonymous 1–5 vote; the voter only ever gets an ephemeral reply."""

    def __init__(self, checkin_id: int, score: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(score),
                style=discord.ButtonStyle.secondary,
                custom_id=f"plc:checkin:pulse:{checkin_id}:{score}",
                row=1,
            )
        )
        self.checkin_id = checkin_id
        self.score = score

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PulseButton:
        return cls(int(match["checkin_id"]), int(match["score"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        first = await _service(interaction).vote_pulse(
            _guild_id(interaction), self.checkin_id, interaction.user.id, self.score
        )
        key = "checkins.pulse.thanks" if first else "checkins.pulse.changed"
        await interaction.response.send_message(t(interaction, key), ephemeral=True)


def prompt_view(catalog: Catalog, language: str, checkin: Checkin) -> discord.ui.View:
    """The prompt's buttons: Answer, and the pulse scale when the schedule asks for it."""
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(checkin.id, catalog.t(language, "checkins.buttons.answer")))
    if checkin.pulse:
        for score in range(1, 6):
            view.add_item(PulseButton(checkin.id, score))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    EditAnswerButton,
    PulseButton,
)
