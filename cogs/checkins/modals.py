"""The forms: ``/goal set`` (five inputs, Discord's maximum) and the check-in answer.

discord.py keeps an open modal in memory only, so a form opened before a restart
would be dropped on submit and the member's text lost. These forms are therefore
sent *stopped* (not kept by discord.py) with a ``custom_id`` that holds what is
needed to handle them (``plc:checkin:answer-form:<checkin>``, ``plc:goal:form:<scope>``),
and every submission is handled by :func:`handle_modal_submit`, restart or not.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.scheduler import RetryLater, nonce_for
from bot.services.checkins import (
    ANSWER_MAX,
    MAX_TEXT_QUESTIONS,
    AnswerForm,
    CheckinService,
    SavedAnswer,
)
from bot.services.goals import (
    MEASURE_MAX,
    NUMBER_MAX_CHARS,
    TITLE_MAX,
    GoalScopeChoice,
    GoalService,
    format_number,
)
from cogs import delivery
from cogs.checkins.render import LABEL_MAX, NO_MENTIONS, PLACEHOLDER_MAX, answer_embed, clip
from cogs.errors import report
from cogs.toolkit import is_facilitator_member, plc_bot, reply, t, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

DUE_MAX = 40
_ANSWER_FORM = re.compile(r"^plc:checkin:answer-form:(?P<checkin_id>[0-9]{1,20})$")
_GOAL_FORM = re.compile(r"^plc:goal:form:(?P<scope>mine|community)$")
GOAL_FIELDS = ("title", "measure", "baseline", "target", "due")


def goal_form(interaction: discord.Interaction, scope: GoalScopeChoice) -> discord.ui.Modal:
    """Title, how it is measured (with its unit), baseline, target, due date."""

    def text(key: str) -> str:
        return t(interaction, f"goals.modal.{key}")

    modal = discord.ui.Modal(
        title=text("title_community" if scope == "community" else "title"),
        custom_id=f"plc:goal:form:{scope}",
    )
    limits = {
        "title": TITLE_MAX,
        "measure": MEASURE_MAX,
        "baseline": NUMBER_MAX_CHARS,
        "target": NUMBER_MAX_CHARS,
        "due": DUE_MAX,
    }
    for name in GOAL_FIELDS:
        modal.add_item(
            discord.ui.TextInput(
                label=text(f"{name}_label"),
                placeholder=text(f"{name}_placeholder"),
                max_length=limits[name],
                custom_id=name,
            )
        )
    return _detached(modal)


def answer_form(interaction: discord.Interaction, form: AnswerForm) -> discord.ui.Modal:
    """The week's answer: the optional number, then one input per text question, in the
    member's language; pre-filled with their answer when they edit it."""
    modal = discord.ui.Modal(
        title=clip(t(interaction, "checkins.modal.title", week=form.checkin.week), LABEL_MAX),
        custom_id=f"plc:checkin:answer-form:{form.checkin.id}",
    )
    existing = form.existing
    if form.goal is not None:
        hint = t(
            interaction,
            "checkins.modal.progress_for",
            goal=form.goal.title,
            measure=form.goal.measure,
            target=format_number(form.goal.target),
        )
    else:
        hint = t(interaction, "checkins.modal.progress_free")
    modal.add_item(
        discord.ui.TextInput(
            label=clip(t(interaction, "checkins.questions.progress"), LABEL_MAX),
            placeholder=clip(hint, PLACEHOLDER_MAX),
            required=False,
            max_length=NUMBER_MAX_CHARS,
            custom_id="progress",
            default=format_number(existing.progress)
            if existing is not None and existing.progress is not None
            else None,
        )
    )
    for index, question in enumerate(form.questions):
        # A long custom question is cut in the label and shown whole as the placeholder.
        modal.add_item(
            discord.ui.TextInput(
                label=clip(question, LABEL_MAX),
                style=discord.TextStyle.paragraph,
                required=False,
                max_length=ANSWER_MAX,
                custom_id=f"q{index + 1}",
                placeholder=clip(question, PLACEHOLDER_MAX)
                if len(question) > LABEL_MAX
                else t(interaction, "checkins.modal.optional"),
                default=existing.texts[index]
                if existing is not None and index < len(existing.texts)
                else None,
            )
        )
    return _detached(modal)


def _detached(modal: discord.ui.Modal) -> discord.ui.Modal:
    """Stopped before sending, so discord.py does not keep it: submissions come to
    :func:`handle_modal_submit` whether or not the bot restarted in between."""
    modal.stop()
    return modal


def submitted_values(interaction: discord.Interaction) -> dict[str, str]:
    """The text inputs of a submitted modal, by custom_id (rows or labels alike)."""
    data = cast("dict[str, Any]", interaction.data or {})
    values: dict[str, str] = {}
    for top in data.get("components", []):
        inner = top.get("components") or ([top["component"]] if "component" in top else [])
        for component in inner:
            if "custom_id" in component:
                values[component["custom_id"]] = str(component.get("value") or "")
    return values


async def handle_modal_submit(interaction: discord.Interaction) -> bool:
    """Handle a submitted goal or answer form; False if the modal is not one of ours."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    custom_id = str(cast("dict[str, Any]", interaction.data or {}).get("custom_id", ""))
    answer = _ANSWER_FORM.match(custom_id)
    goal = _GOAL_FORM.match(custom_id)
    if answer is None and goal is None:
        return False
    try:
        if answer is not None:
            await _submit_answer(interaction, int(answer["checkin_id"]))
        elif goal is not None:
            scope: GoalScopeChoice = "community" if goal["scope"] == "community" else "mine"
            await _submit_goal(interaction, scope)
    except Exception as exc:
        await report(interaction, exc)
    return True


async def _submit_goal(interaction: discord.Interaction, scope: GoalScopeChoice) -> None:
    if interaction.guild_id is None:
        raise discord.app_commands.NoPrivateMessage()
    values = submitted_values(interaction)
    # Checked again at submit: the role may have been removed while the form was open.
    as_facilitator = scope == "community" and await is_facilitator_member(interaction)
    goal = (
        await plc_bot(interaction)
        .services.get(GoalService)
        .create_goal(
            interaction.guild_id,
            interaction.user.id,
            scope=scope,
            title=values.get("title", ""),
            measure=values.get("measure", ""),
            baseline=values.get("baseline", ""),
            target=values.get("target", ""),
            due=values.get("due", ""),
            language=user_language(interaction),
            as_facilitator=as_facilitator,
        )
    )
    key = "goals.set.saved_community" if goal.scope == "community" else "goals.set.saved"
    await reply(
        interaction,
        t(
            interaction,
            key,
            title=discord.utils.escape_markdown(goal.title),
            baseline=format_number(goal.baseline),
            target=format_number(goal.target),
            measure=discord.utils.escape_markdown(goal.measure),
            due=goal.due_on.isoformat(),
        ),
    )


async def _submit_answer(interaction: discord.Interaction, checkin_id: int) -> None:
    if interaction.guild_id is None:
        raise discord.app_commands.NoPrivateMessage()
    await interaction.response.defer(ephemeral=True, thinking=True)
    values = submitted_values(interaction)
    texts = [
        values[f"q{index}"] for index in range(1, MAX_TEXT_QUESTIONS + 1) if f"q{index}" in values
    ]
    bot = plc_bot(interaction)
    saved = await bot.services.get(CheckinService).save_answer(
        interaction.guild_id,
        checkin_id,
        interaction.user.id,
        progress=values.get("progress", ""),
        texts=texts,
        language=user_language(interaction),
    )
    place = await publish_answer(bot, saved, interaction.user)
    if place is None:
        await reply(interaction, t(interaction, "checkins.answer.post_failed"))
    elif saved.created:
        await reply(
            interaction,
            t(
                interaction,
                "checkins.answer.saved",
                place=place,
                closes=int(saved.checkin.closes_at.timestamp()),
            ),
        )
    else:
        await reply(interaction, t(interaction, "checkins.answer.updated", place=place))


async def publish_answer(bot: PlcBot, saved: SavedAnswer, member: discord.abc.User) -> str | None:
    """Post the answer in the week's thread, or edit the earlier post; where, or None."""
    checkin = saved.checkin
    answer = saved.answer
    embed = answer_embed(bot.catalog, saved.language, answer, saved.questions, saved.goal, member)
    target_id = checkin.thread_id or checkin.channel_id
    place = f"<#{target_id}>"
    if answer.post_message_id is not None:
        try:
            channel = bot.get_channel(target_id) or await bot.fetch_channel(target_id)
            if isinstance(channel, discord.Thread | discord.TextChannel):
                await channel.get_partial_message(answer.post_message_id).edit(
                    embed=embed, allowed_mentions=NO_MENTIONS
                )
                return place
        except discord.NotFound:
            pass  # the post was deleted: post it again below
        except discord.HTTPException as exc:
            log.warning("editing a check-in answer failed (%s)", exc.status)
            return None
    try:
        message = await delivery.post(
            bot,
            checkin.guild_id,
            target_id,
            nonce=nonce_for("checkin_answer", answer.id, answer.updated_at.isoformat()),
            embed=embed,
            allowed_mentions=NO_MENTIONS,
        )
    except RetryLater:
        return None
    if message is None:
        return None
    await bot.services.get(CheckinService).record_answer_post(answer.id, message.id)
    return place
