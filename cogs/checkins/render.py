"""How check-in messages look in Discord: the renderers of the service's cards.

Public posts speak the community's language (``card.language``); member text is shown
inert (:func:`cogs.toolkit.escape`, D2) and only the nudge fallback pings anyone (D1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.db.checkins import Checkin
from bot.i18n import Catalog, format_number
from bot.services.checkins import (
    PULSE_MIN_ANSWERS,
    AnswerPost,
    CheckinDigest,
    CheckinNudge,
    CheckinPrompt,
    ClosedCheckinPrompt,
    Digest,
    NudgeFallback,
    PulseSummary,
)
from bot.services.goals import GoalProgress
from cogs.toolkit import CustomId, Rendered, button, buttons_view, clip, escape, message_link

if TYPE_CHECKING:
    from cogs.client import PlcBot

CHECKIN_COLOUR = discord.Colour.blurple()
CLOSED_COLOUR = discord.Colour.dark_grey()
DIGEST_COLOUR = discord.Colour.gold()
FIELD_MAX = 1024
DIGEST_LINES = 15

ANSWER_BUTTON = CustomId("plc:checkin:answer:{checkin_id}")
EDIT_BUTTON = CustomId("plc:checkin:edit:{answer_id}")
PULSE_BUTTON = CustomId("plc:checkin:pulse:{checkin_id}:{score}", score="[0-9]")


# -- the prompt ----------------------------------------------------------------------------


def render_prompt(card: CheckinPrompt, catalog: Catalog) -> Rendered:
    """The week's prompt, posted in the check-in channel with its buttons."""
    language, checkin = card.language, card.checkin
    return Rendered(
        content=catalog.t(language, "delivery.late") if card.late else None,
        embeds=[prompt_embed(catalog, language, checkin, card.questions)],
        view=prompt_view(catalog, language, checkin),
    )


def prompt_embed(
    catalog: Catalog, language: str, checkin: Checkin, questions: list[str]
) -> discord.Embed:
    embed = discord.Embed(
        title=catalog.t(language, "checkins.prompt.title", week=checkin.week),
        description=catalog.t(language, "checkins.prompt.intro"),
        colour=CHECKIN_COLOUR,
    )
    # Custom questions are a facilitator's text (shown inert); built-in ones are ours.
    shown = [escape(q) for q in questions] if checkin.questions is not None else questions
    lines = [catalog.t(language, "checkins.questions.progress"), *shown]
    embed.add_field(
        name=catalog.t(language, "checkins.prompt.questions"),
        value=clip("\n".join(f"{i}. {q}" for i, q in enumerate(lines, 1)), FIELD_MAX),
        inline=False,
    )
    embed.add_field(
        name=catalog.t(language, "checkins.prompt.closes"),
        value=catalog.t(
            language, "checkins.prompt.closes_value", closes=int(checkin.closes_at.timestamp())
        ),
        inline=False,
    )
    if checkin.pulse:
        embed.add_field(
            name=catalog.t(language, "checkins.prompt.pulse"),
            value=catalog.t(
                language,
                "checkins.prompt.pulse_text",
                question=catalog.t(language, "checkins.questions.pulse"),
                minimum=PULSE_MIN_ANSWERS,
            ),
            inline=False,
        )
    return embed


def prompt_view(catalog: Catalog, language: str, checkin: Checkin) -> discord.ui.View:
    """Answer, and the 1–5 pulse scale on its own row when the schedule asks for it."""
    items = [
        button(
            ANSWER_BUTTON.build(checkin_id=checkin.id),
            label=catalog.t(language, "checkins.buttons.answer"),
            style=discord.ButtonStyle.primary,
            emoji="📝",
        )
    ]
    if checkin.pulse:
        for score in range(1, 6):
            pulse = button(PULSE_BUTTON.build(checkin_id=checkin.id, score=score), label=str(score))
            pulse.row = 1
            items.append(pulse)
    return buttons_view(*items)


def edit_view(answer_id: int, label: str) -> discord.ui.View:
    return buttons_view(button(EDIT_BUTTON.build(answer_id=answer_id), label=label, emoji="✏️"))


def render_closed_prompt(card: ClosedCheckinPrompt, catalog: Catalog) -> Rendered:
    """The prompt once closed: no buttons, the count, and the pulse average if allowed."""
    language, checkin = card.language, card.checkin
    embed = prompt_embed(catalog, language, checkin, card.questions)
    embed.colour = CLOSED_COLOUR
    embed.remove_field(1)  # "closes" is replaced by the closing line
    # Footers do not render <t:…> markup, so the closing time goes in the description.
    embed.description = catalog.t(
        language,
        "checkins.prompt.closed",
        closed=int((checkin.closed_at or checkin.closes_at).timestamp()),
        count=card.answer_count,
    )
    if card.pulse is not None:
        embed.set_footer(text=_pulse_text(catalog, language, card.pulse))
    return Rendered(embeds=[embed])


def _pulse_text(catalog: Catalog, language: str, pulse: PulseSummary) -> str:
    if pulse.average is None:
        return catalog.t(language, "checkins.prompt.pulse_hidden", minimum=PULSE_MIN_ANSWERS)
    return catalog.t(
        language,
        "checkins.prompt.pulse_average",
        average=round(pulse.average, 1),  # a float: written 3,5 in French
        count=pulse.count,
    )


# -- answers and nudges ----------------------------------------------------------------------


def render_answer(card: AnswerPost, catalog: Catalog) -> Rendered:
    """A member's answer in the week's thread, under their name (no ping, inert text)."""
    language, answer = card.language, card.answer
    embed = discord.Embed(colour=CHECKIN_COLOUR)
    if card.author is not None:
        embed.set_author(name=card.author.name, icon_url=card.author.icon_url)
    else:
        embed.description = f"<@{answer.user_id}>"
    if answer.progress is not None:
        embed.add_field(
            name=catalog.t(language, "checkins.answer.progress"),
            value=format_number(answer.progress, language),
            inline=False,
        )
    for number in card.numbers:
        goal = number.goal
        embed.add_field(
            name=clip(
                catalog.t(language, "checkins.answer.progress_on", goal=escape(goal.title)), 256
            ),
            value=clip(
                catalog.t(
                    language,
                    "checkins.answer.progress_goal",
                    value=number.value,
                    target=goal.target,
                    measure=escape(goal.measure),
                ),
                FIELD_MAX,
            ),
            inline=False,
        )
    for question, text in zip(card.questions, answer.texts, strict=False):
        if text:
            embed.add_field(
                name=clip(question, 256), value=clip(escape(text), FIELD_MAX), inline=False
            )
    if answer.updated_at != answer.created_at:
        embed.set_footer(text=catalog.t(language, "checkins.answer.edited"))
    return Rendered(embeds=[embed])


def nudge_renderer(bot: PlcBot) -> Callable[[CheckinNudge, Catalog], Rendered]:
    """The DM nudge names the server, as Discord knows it now."""

    def render_nudge(card: CheckinNudge, catalog: Catalog) -> Rendered:
        checkin = card.checkin
        guild = bot.get_guild(checkin.guild_id)
        return Rendered(
            content=catalog.t(
                card.language,
                "checkins.nudge.dm",
                community=escape(guild.name) if guild else "",
                closes=int(checkin.closes_at.timestamp()),
                link=message_link(checkin.guild_id, checkin.channel_id, checkin.message_id),
            )
        )

    return render_nudge


def render_fallback(card: NudgeFallback, catalog: Catalog) -> Rendered:
    return Rendered(
        content=catalog.t(
            card.language,
            "checkins.nudge.fallback",
            closes=int(card.closes_at.timestamp()),
            mentions=" ".join(f"<@{user_id}>" for user_id in card.user_ids),
        )
    )


# -- the digest ---------------------------------------------------------------------------


def render_digest(card: CheckinDigest, catalog: Catalog) -> Rendered:
    """The facilitators' digest: response rate, help requests, goals, unreachable, pulse."""
    digest = card.digest
    language = card.language
    lines = [
        catalog.t(
            language,
            "checkins.digest.rate",
            answered=len(digest.answered),
            expected=len(digest.expected),
            percent=round(digest.response_rate * 100),
        )
    ]
    if digest.away:
        lines.append(catalog.t(language, "checkins.digest.away", count=len(digest.away)))
    if card.late:
        lines.append(catalog.t(language, "delivery.late"))
    embed = discord.Embed(
        title=catalog.t(language, "checkins.digest.title", week=digest.checkin.week),
        description="\n".join(lines),
        colour=DIGEST_COLOUR,
    )
    _digest_fields(embed, catalog, language, digest)
    return Rendered(embeds=[embed])


def _digest_fields(embed: discord.Embed, catalog: Catalog, language: str, digest: Digest) -> None:
    help_lines = [
        catalog.t(
            language,
            "checkins.digest.help_line",
            member=f"<@{request.user_id}>",
            text=clip(escape(request.text).replace("\n", " "), 200),
        )
        for request in digest.help_requests
    ]
    goal_lines = [_digest_goal_line(catalog, language, g) for g in digest.goals]
    embed.add_field(
        name=catalog.t(language, "checkins.digest.help"),
        value=_lines(catalog, language, help_lines)
        or catalog.t(language, "checkins.digest.help_none"),
        inline=False,
    )
    embed.add_field(
        name=catalog.t(language, "checkins.digest.goals"),
        value=_lines(catalog, language, goal_lines)
        or catalog.t(language, "checkins.digest.goals_none"),
        inline=False,
    )
    if digest.unreachable:
        embed.add_field(
            name=catalog.t(language, "checkins.digest.unreachable"),
            value=clip(" ".join(f"<@{user_id}>" for user_id in digest.unreachable), FIELD_MAX),
            inline=False,
        )
    if digest.pulse is not None:
        embed.add_field(
            name=catalog.t(language, "checkins.digest.pulse"),
            value=_pulse_text(catalog, language, digest.pulse),
            inline=False,
        )


def _digest_goal_line(catalog: Catalog, language: str, progress: GoalProgress) -> str:
    goal = progress.goal
    owner = (
        f"<@{goal.owner_id}>"
        if goal.owner_id is not None
        else catalog.t(language, "checkins.digest.community_owner")
    )
    shown = {"owner": owner, "title": clip(escape(goal.title), 80)}
    target = goal.target
    if progress.latest is None or progress.fraction is None:
        baseline = goal.baseline
        key = "checkins.digest.goal_no_value"
        return catalog.t(language, key, **shown, baseline=baseline, target=target)
    latest, percent = progress.latest, round(progress.fraction * 100)
    key = "checkins.digest.goal_line"
    return catalog.t(language, key, **shown, latest=latest, target=target, percent=percent)


def _lines(catalog: Catalog, language: str, lines: list[str]) -> str:
    """Up to DIGEST_LINES lines within an embed field; the rest is counted, not dropped."""
    shown: list[str] = []
    for index, line in enumerate(lines):
        more = catalog.t(language, "checkins.digest.more", count=len(lines) - index)
        candidate = "\n".join([*shown, line])
        if index >= DIGEST_LINES or len(candidate) + len(more) + 1 > FIELD_MAX:
            return "\n".join([*shown, more])
        shown.append(line)
    return "\n".join(shown)
