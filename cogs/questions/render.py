"""How questions and topics look in Discord: the cards' renderers and the replies' texts.

Every button's ``custom_id`` is ``plcq:<action>:<ref>``: the ref is a random opaque id,
so a button says nothing about the author or the order of submission (RELIABILITY A6).
Member text is shown inert (:func:`cogs.toolkit.escape`, D2); nobody is pinged but the
facilitator role a report names (D1, through ``core.chat``).
"""

from __future__ import annotations

from typing import Literal

import discord

from bot.db.questions import QuestionItem
from bot.i18n import Catalog
from bot.services.questions import (
    QuestionPost,
    ReportPost,
    ReviewPost,
    Submission,
    TopList,
)
from cogs.toolkit import Rendered, button, buttons_view, clip, escape, message_link

QUESTION_COLOUR = discord.Colour.teal()
TOPIC_COLOUR = discord.Colour.gold()
REVIEW_COLOUR = discord.Colour.orange()
TOP_TEXT_CHARS = 91  # a line of /questions top: the text, ellipsis included


def what(catalog: Catalog, language: str, item: QuestionItem) -> str:
    """The item as moderators and reports name it: anonymous question #3, topic #2."""
    return catalog.t(language, f"questions.what.{item.kind}", number=item.number or "?")


def _body(catalog: Catalog, language: str, item: QuestionItem, embed: discord.Embed) -> None:
    if item.kind == "question":
        embed.description = escape(item.text)
        if item.details:
            embed.add_field(
                name=catalog.t(language, "questions.post.topic_field"),
                value=escape(item.details),
                inline=False,
            )
        return
    parts = [f"**{escape(item.text)}**"]
    if item.details:
        parts.append(escape(item.details))
    embed.description = "\n\n".join(parts)
    signed = (
        catalog.t(language, "questions.post.proposed_by", member=f"<@{item.proposer_id}>")
        if item.proposer_id is not None
        else catalog.t(language, "questions.post.proposed_anonymously")
    )
    embed.add_field(name="\u200b", value=signed, inline=False)


# -- the public post ----------------------------------------------------------------------


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
    """Only what every member may use: upvote and report. Moderation is reached through
    the *Moderate* message command, which members do not see (``moderation.py``)."""
    if item.status != "posted":
        return None
    buttons = [
        ("up", "upvote", discord.ButtonStyle.primary, False),
        ("report", "report", discord.ButtonStyle.secondary, False),
    ]
    return _buttons(catalog, language, item, buttons, prefix="")


def moderation_view(catalog: Catalog, language: str, item: QuestionItem) -> discord.ui.View | None:
    """A facilitator's private panel: answered (or discussed), remove, block the author."""
    closed = item.answered_at is not None or item.discussed_at is not None
    done_label = "mark_answered" if item.kind == "question" else "mark_discussed"
    buttons: list[tuple[str, str, discord.ButtonStyle, bool]] = []
    if item.status == "posted":
        buttons += [
            ("done", done_label, discord.ButtonStyle.success, closed),
            ("remove", "remove", discord.ButtonStyle.danger, False),
        ]
    if item.anonymous and item.blockable:
        buttons.append(("block", "block", discord.ButtonStyle.danger, False))
    return _buttons(catalog, language, item, buttons, prefix="m") if buttons else None


def _buttons(
    catalog: Catalog,
    language: str,
    item: QuestionItem,
    buttons: list[tuple[str, str, discord.ButtonStyle, bool]],
    *,
    prefix: str,
) -> discord.ui.View:
    return buttons_view(
        *(
            button(
                f"plcq:{prefix}{action}:{item.ref}",
                label=catalog.t(language, f"questions.post.{key}", count=item.upvotes),
                style=style,
                disabled=disabled,
            )
            for action, key, style, disabled in buttons
        )
    )


def render_question_post(card: QuestionPost, catalog: Catalog) -> Rendered:
    return Rendered(
        embeds=[public_embed(catalog, card.language, card.item)],
        view=public_view(catalog, card.language, card.item),
    )


# -- review ------------------------------------------------------------------------------------


def render_review_post(card: ReviewPost, catalog: Catalog) -> Rendered:
    """Awaiting review (with the moderators' buttons), or the decision (without)."""
    item, language = card.item, card.language
    title = (
        catalog.t(language, f"questions.review.{item.kind}_title")
        if card.decision is None
        else catalog.t(language, f"questions.review.{item.kind}_{card.decision}_title")
    )
    embed = discord.Embed(title=title, colour=REVIEW_COLOUR)
    if item.status in ("rejected", "removed"):
        embed.colour = discord.Colour.dark_grey()
    else:
        _body(catalog, language, item, embed)
    channel = f"<#{card.questions_channel_id}>" if card.questions_channel_id else ""
    if card.decision is not None:
        note = catalog.t(
            language,
            f"questions.review.{card.decision}",
            moderator=f"<@{card.moderator_id}>",
            channel=channel,
        )
        embed.add_field(name="\u200b", value=note, inline=False)
        return Rendered(embeds=[embed])
    if card.questions_channel_id is not None:
        hint = catalog.t(language, "questions.review.hint", channel=channel)
        embed.add_field(name="\u200b", value=hint, inline=False)
    buttons = [
        ("approve", "approve", discord.ButtonStyle.success),
        ("reject", "reject", discord.ButtonStyle.secondary),
    ]
    if item.anonymous:
        buttons.append(("rejectblock", "reject_block", discord.ButtonStyle.danger))
    view = buttons_view(
        *(
            button(
                f"plcq:{action}:{item.ref}",
                label=catalog.t(language, f"questions.review.{key}"),
                style=style,
            )
            for action, key, style in buttons
        )
    )
    return Rendered(embeds=[embed], view=view)


# -- reports and the top list ------------------------------------------------------------------


def render_report_post(card: ReportPost, catalog: Catalog) -> Rendered:
    item = card.item
    params = {
        "what": what(catalog, card.language, item),
        "link": message_link(item.guild_id, item.channel_id, item.message_id),
    }
    if card.facilitator_role_id is not None:
        header = catalog.t(
            card.language,
            "questions.report.post_for_facilitators",
            role=f"<@&{card.facilitator_role_id}>",
            **params,
        )
    else:
        header = catalog.t(card.language, "questions.report.post", **params)
    return Rendered(content=f"{header}\n>>> {escape(card.reason)}")


def top_embed(catalog: Catalog, top: TopList) -> discord.Embed:
    language = top.language
    embed = discord.Embed(title=catalog.t(language, "questions.top.title"), colour=QUESTION_COLOUR)
    lines = [
        catalog.t(
            language,
            f"questions.top.line_{item.kind}",
            votes=item.upvotes,
            number=item.number,
            link=message_link(top.guild_id, item.channel_id, item.message_id),
            text=escape(" ".join(clip(item.text, TOP_TEXT_CHARS).split())),
        )
        for item in top.items
    ]
    embed.description = "\n".join(lines) or catalog.t(language, "questions.top.empty")
    embed.set_footer(text=catalog.t(language, "questions.top.footer", **top.counts.model_dump()))
    return embed


def submission_reply(catalog: Catalog, language: str, submission: Submission) -> str:
    """What the author alone is told: posted (with the link), in review, delayed or waiting."""
    item = submission.item
    section: Literal["ask", "topic"] = "ask" if item.kind == "question" else "topic"
    channel = f"<#{submission.questions_channel_id}>"
    if item.status == "posted":
        link = message_link(item.guild_id, item.channel_id, item.message_id)
        return catalog.t(language, f"questions.{section}.posted", number=item.number, link=link)
    if item.status == "review":
        return catalog.t(language, f"questions.{section}.in_review", channel=channel)
    if submission.delayed:
        delayed: Literal["delayed", "delayed_review"] = (
            "delayed_review" if submission.moderated else "delayed"
        )
        return catalog.t(
            language,
            f"questions.{section}.{delayed}",
            channel=channel,
            minutes=submission.delay_max_minutes,
        )
    return catalog.t(language, f"questions.{section}.pending", channel=channel)
