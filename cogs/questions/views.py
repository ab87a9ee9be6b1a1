"""How questions and topics look in Discord, and their restart-proof buttons.

Every ``custom_id`` is ``plcq:<action>:<ref>``: the ref is a random opaque id, so a
button says nothing about the author or the order of submission (RELIABILITY A6).
User text is rendered with :func:`bot.text.inert_markdown` (D2) and every send or
edit passes ``AllowedMentions.none()`` explicitly (D1).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.db.questions import QuestionItem
from bot.i18n import Catalog
from bot.services.community import CommunityService
from bot.services.questions import QuestionService
from bot.text import inert_markdown
from cogs.errors import Refused
from cogs.toolkit import (
    is_facilitator_member,
    plc_bot,
    reply,
    reports_errors,
    t,
    user_language,
)

NO_MENTIONS = discord.AllowedMentions.none()
QUESTION_COLOUR = discord.Colour.teal()
TOPIC_COLOUR = discord.Colour.gold()
REVIEW_COLOUR = discord.Colour.orange()
TOP_TEXT_CHARS = 90


def message_link(guild_id: int, channel_id: int | None, message_id: int | None) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def what(catalog: Catalog, language: str, item: QuestionItem) -> str:
    """The item as moderators and reports name it: anonymous question #3, topic #2."""
    return catalog.t(language, f"questions.what.{item.kind}", number=item.number or "?")


def _body(catalog: Catalog, language: str, item: QuestionItem, embed: discord.Embed) -> None:
    if item.kind == "question":
        embed.description = inert_markdown(item.text)
        if item.details:
            embed.add_field(
                name=catalog.t(language, "questions.post.topic_field"),
                value=inert_markdown(item.details),
                inline=False,
            )
    else:
        parts = [f"**{inert_markdown(item.text)}**"]
        if item.details:
            parts.append(inert_markdown(item.details))
        embed.description = "\n\n".join(parts)
        signed = (
            catalog.t(language, "questions.post.proposed_by", member=f"<@{item.proposer_id}>")
            if item.proposer_id is not None
            else catalog.t(language, "questions.post.proposed_anonymously")
        )
        embed.add_field(name="\u200b", value=signed, inline=False)


def public_embed(catalog: Catalog, language: str, item: QuestionItem) -> discord.Embed:
    if item.status == "removed":
        return discord.Embed(
            description=catalog.t(
                language, f"questions.post.removed_{item.kind}", number=item.number
            ),
            colour=discord.Colour.dark_grey(),
        )
    embed = discord.Embed(
        title=catalog.t(language, f"questions.post.{item.kind}_title", number=item.number),
        colour=QUESTION_COLOUR if item.kind == "question" else TOPIC_COLOUR,
    )
    _body(catalog, language, item, embed)
    if item.answered_at is not None:
        embed.set_footer(text=catalog.t(language, "questions.post.answered"))
    elif item.discussed_at is not None:
        embed.set_footer(text=catalog.t(language, "questions.post.discussed"))
    return embed


def public_view(catalog: Catalog, language: str, item: QuestionItem) -> discord.ui.View | None:
    closed = item.answered_at is not None or item.discussed_at is not None
    done_label = "mark_answered" if item.kind == "question" else "mark_discussed"
    if item.status == "posted":
        buttons = [
            ("up", "upvote", discord.ButtonStyle.primary, False),
            ("done", done_label, discord.ButtonStyle.success, closed),
            ("report", "report", discord.ButtonStyle.secondary, False),
            ("remove", "remove", discord.ButtonStyle.danger, False),
        ]
    elif item.status == "removed" and item.anonymous:
        buttons = []  # removed first, blocked after: only the block button stays
    else:
        return None
    view = discord.ui.View(timeout=None)
    if item.anonymous:
        buttons.append(("block", "block", discord.ButtonStyle.danger, False))
    for action, key, style, disabled in buttons:
        label = catalog.t(language, f"questions.post.{key}", count=item.upvotes)
        view.add_item(QuestionButton(action, item.ref, label=label, style=style, disabled=disabled))
    return view


def review_embed(
    catalog: Catalog,
    language: str,
    item: QuestionItem,
    questions_channel_id: int | None,
    *,
    decision: str | None = None,
) -> discord.Embed:
    embed = discord.Embed(
        title=catalog.t(language, f"questions.review.{item.kind}_title"), colour=REVIEW_COLOUR
    )
    if item.status == "rejected":
        embed.colour = discord.Colour.dark_grey()
    else:
        _body(catalog, language, item, embed)
    if decision is None and questions_channel_id is not None:
        decision = catalog.t(
            language, "questions.review.hint", channel=f"<#{questions_channel_id}>"
        )
    if decision is not None:
        embed.add_field(name="\u200b", value=decision, inline=False)
    return embed


def review_view(catalog: Catalog, language: str, item: QuestionItem) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    buttons = [
        ("approve", "approve", discord.ButtonStyle.success),
        ("reject", "reject", discord.ButtonStyle.secondary),
    ]
    if item.anonymous:
        buttons.append(("rejectblock", "reject_block", discord.ButtonStyle.danger))
    for action, key, style in buttons:
        label = catalog.t(language, f"questions.review.{key}")
        view.add_item(QuestionButton(action, item.ref, label=label, style=style))
    return view


def top_embed(
    catalog: Catalog,
    language: str,
    guild_id: int,
    items: list[QuestionItem],
    footer: str,
) -> discord.Embed:
    embed = discord.Embed(title=catalog.t(language, "questions.top.title"), colour=QUESTION_COLOUR)
    lines = []
    for item in items:
        text = item.text if len(item.text) <= TOP_TEXT_CHARS else item.text[:TOP_TEXT_CHARS] + "…"
        lines.append(
            catalog.t(
                language,
                f"questions.top.line_{item.kind}",
                votes=item.upvotes,
                number=item.number,
                link=message_link(guild_id, item.channel_id, item.message_id),
                text=inert_markdown(" ".join(text.split())),
            )
        )
    embed.description = "\n".join(lines) or catalog.t(language, "questions.top.empty")
    embed.set_footer(text=footer)
    return embed


# -- the buttons ------------------------------------------------------------------------

_Action = Callable[[discord.Interaction, str], Awaitable[None]]


class QuestionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"plcq:(?P<action>[a-z]+):(?P<ref>[0-9a-f]{16})",
):
    """One button on a posted or in-review item; survives restarts (DynamicItem)."""

    def __init__(
        self,
        action: str,
        ref: str,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                custom_id=f"plcq:{action}:{ref}", label=label, style=style, disabled=disabled
            )
        )
        self.action = action
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> QuestionButton:
        return cls(match["action"], match["ref"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        # Errors go to the one handler: an ephemeral message, never a log naming the user.
        action = _ACTIONS.get(self.action)
        if action is None:
            raise Refused("errors.expired")
        await action(interaction, self.ref)


def _service(interaction: discord.Interaction) -> QuestionService:
    return plc_bot(interaction).services.get(QuestionService)


async def _language(interaction: discord.Interaction) -> str:
    assert interaction.guild_id is not None
    community = (
        await plc_bot(interaction).services.get(CommunityService).require(interaction.guild_id)
    )
    return community.language


async def _require_facilitator(interaction: discord.Interaction) -> None:
    if not await is_facilitator_member(interaction):
        raise Refused("errors.not_facilitator")


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise Refused("errors.guild_only")
    return interaction.guild_id


async def _show(interaction: discord.Interaction, item: QuestionItem) -> None:
    """Re-render a public post in place (the answer to the click)."""
    bot = plc_bot(interaction)
    language = await _language(interaction)
    await interaction.response.edit_message(
        embed=public_embed(bot.catalog, language, item),
        view=public_view(bot.catalog, language, item),
        allowed_mentions=NO_MENTIONS,
    )


async def _upvote(interaction: discord.Interaction, ref: str) -> None:
    result = await _service(interaction).toggle_upvote(
        _guild_id(interaction), ref, interaction.user.id
    )
    await _show(interaction, result.item)


async def _done(interaction: discord.Interaction, ref: str) -> None:
    await _require_facilitator(interaction)
    item = await _service(interaction).mark_answered(
        _guild_id(interaction), ref, interaction.user.id
    )
    await _show(interaction, item)


async def _report(interaction: discord.Interaction, ref: str) -> None:
    from cogs.questions.modals import ReportModal  # the modal module imports this one

    await _service(interaction).get(_guild_id(interaction), ref)
    await interaction.response.send_modal(ReportModal(interaction, ref))


async def _remove(interaction: discord.Interaction, ref: str) -> None:
    await _require_facilitator(interaction)
    bot = plc_bot(interaction)
    item = await _service(interaction).remove(_guild_id(interaction), ref, interaction.user.id)
    await _show(interaction, item)
    label = what(bot.catalog, user_language(interaction), item)
    await reply(
        interaction,
        t(interaction, "questions.mod.removed", what=label),
        allowed_mentions=NO_MENTIONS,
    )


async def _block(interaction: discord.Interaction, ref: str) -> None:
    await _require_facilitator(interaction)
    result = await _service(interaction).block_author(
        _guild_id(interaction), ref, interaction.user.id
    )
    key = "questions.mod.blocked" if result.newly_blocked else "questions.mod.already_blocked"
    label = what(plc_bot(interaction).catalog, user_language(interaction), result.item)
    await reply(interaction, t(interaction, key, what=label), allowed_mentions=NO_MENTIONS)


async def _decided(
    interaction: discord.Interaction, item: QuestionItem, key: str, channel_id: int | None
) -> None:
    bot = plc_bot(interaction)
    language = await _language(interaction)
    decision = bot.catalog.t(
        language,
        key,
        moderator=interaction.user.mention,
        channel=f"<#{channel_id}>" if channel_id else "",
    )
    await interaction.response.edit_message(
        embed=review_embed(bot.catalog, language, item, channel_id, decision=decision),
        view=None,
        allowed_mentions=NO_MENTIONS,
    )


async def _approve(interaction: discord.Interaction, ref: str) -> None:
    await _require_facilitator(interaction)
    bot = plc_bot(interaction)
    guild_id = _guild_id(interaction)
    item = await _service(interaction).approve(guild_id, ref, interaction.user.id)
    community = await bot.services.get(CommunityService).require(guild_id)
    await _decided(interaction, item, "questions.review.approved", community.questions_channel_id)
    # The approval is committed with its post timer; run it now rather than at the sweep.
    await bot.core.scheduler.run_due()


async def _reject(interaction: discord.Interaction, ref: str, *, block: bool) -> None:
    await _require_facilitator(interaction)
    result = await _service(interaction).reject(
        _guild_id(interaction), ref, interaction.user.id, block_author=block
    )
    key = "questions.review.rejected_blocked" if block else "questions.review.rejected"
    await _decided(interaction, result.item, key, None)


async def _reject_only(interaction: discord.Interaction, ref: str) -> None:
    await _reject(interaction, ref, block=False)


async def _reject_and_block(interaction: discord.Interaction, ref: str) -> None:
    await _reject(interaction, ref, block=True)


_ACTIONS: dict[str, _Action] = {
    "up": _upvote,
    "done": _done,
    "report": _report,
    "remove": _remove,
    "block": _block,
    "approve": _approve,
    "reject": _reject_only,
    "rejectblock": _reject_and_block,
}
