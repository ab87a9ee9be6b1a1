"""How goals and check-ins look in Discord: embeds and the words around them.

Public posts speak the community's language; user text goes through
:func:`bot.text.inert_markdown` (D2) and mentions inside embeds never ping (D1).
"""

from __future__ import annotations

import discord

from bot.db.checkins import Answer, Checkin
from bot.db.goals import Goal
from bot.i18n import Catalog
from bot.services.checkins import PULSE_MIN_ANSWERS, ClosedCheckin, Digest
from bot.services.goals import GoalProgress, format_number
from bot.text import inert_markdown

NO_MENTIONS = discord.AllowedMentions.none()
CHECKIN_COLOUR = discord.Colour.blurple()
CLOSED_COLOUR = discord.Colour.dark_grey()
DIGEST_COLOUR = discord.Colour.gold()
FIELD_MAX = 1024
LABEL_MAX = 45
PLACEHOLDER_MAX = 100
DIGEST_LINES = 15


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_link(guild_id: int, channel_id: int, message_id: int | None) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def prompt_embed(
    catalog: Catalog, language: str, checkin: Checkin, questions: list[str]
) -> discord.Embed:
    """The week's prompt, posted in the check-in channel with the Answer button."""
    embed = discord.Embed(
        title=catalog.t(language, "checkins.prompt.title", week=checkin.week),
        description=catalog.t(language, "checkins.prompt.intro"),
        colour=CHECKIN_COLOUR,
    )
    # Custom questions are a facilitator's text (shown inert); built-in ones are ours.
    shown = [inert_markdown(q) for q in questions] if checkin.questions is not None else questions
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


def closed_prompt_embed(
    catalog: Catalog, language: str, closed: ClosedCheckin, questions: list[str]
) -> discord.Embed:
    """The prompt once closed: no buttons, the count, and the pulse average if allowed."""
    checkin = closed.digest.checkin
    embed = prompt_embed(catalog, language, checkin, questions)
    embed.colour = CLOSED_COLOUR
    embed.remove_field(1)  # "closes" is replaced by the footer
    footer = [
        catalog.t(
            language,
            "checkins.prompt.closed",
            closed=int((checkin.closed_at or checkin.closes_at).timestamp()),
            count=closed.answer_count,
        )
    ]
    pulse = closed.digest.pulse
    if pulse is not None:
        footer.append(_pulse_text(catalog, language, pulse.count, pulse.average))
    # Footers do not render <t:…> markup, so the closing time goes in the description.
    embed.description = footer[0]
    if len(footer) > 1:
        embed.set_footer(text=footer[1])
    return embed


def _pulse_text(catalog: Catalog, language: str, count: int, average: float | None) -> str:
    if average is None:
        return catalog.t(language, "checkins.prompt.pulse_hidden", minimum=PULSE_MIN_ANSWERS)
    return catalog.t(
        language, "checkins.prompt.pulse_average", average=f"{average:.1f}", count=count
    )


def answer_embed(
    catalog: Catalog,
    language: str,
    answer: Answer,
    questions: list[str],
    goal: Goal | None,
    member: discord.abc.User | None,
) -> discord.Embed:
    """A member's answer in the week's thread, under their name (no ping, inert text)."""
    embed = discord.Embed(colour=CHECKIN_COLOUR)
    if member is not None:
        embed.set_author(name=member.display_name, icon_url=member.display_avatar.url)
    else:
        embed.description = f"<@{answer.user_id}>"
    if answer.progress is not None:
        value = format_number(answer.progress)
        if goal is not None:
            value = catalog.t(
                language,
                "checkins.answer.progress_goal",
                value=value,
                target=format_number(goal.target),
                measure=inert_markdown(goal.measure),
            )
        embed.add_field(
            name=catalog.t(language, "checkins.answer.progress"),
            value=clip(value, FIELD_MAX),
            inline=False,
        )
    for question, text in zip(questions, answer.texts, strict=False):
        if text:
            embed.add_field(
                name=clip(question, 256), value=clip(inert_markdown(text), FIELD_MAX), inline=False
            )
    if answer.updated_at != answer.created_at:
        embed.set_footer(text=catalog.t(language, "checkins.answer.edited"))
    return embed


def digest_embed(catalog: Catalog, digest: Digest, late_note: str | None) -> discord.Embed:
    """The facilitators' digest: response rate, help requests, goals, unreachable, pulse."""
    language = digest.language
    percent = round(digest.response_rate * 100)
    lines = [
        catalog.t(
            language,
            "checkins.digest.rate",
            answered=len(digest.answered),
            expected=len(digest.expected),
            percent=percent,
        )
    ]
    if digest.away:
        lines.append(catalog.t(language, "checkins.digest.away", count=len(digest.away)))
    if late_note:
        lines.append(late_note)
    embed = discord.Embed(
        title=catalog.t(language, "checkins.digest.title", week=digest.checkin.week),
        description="\n".join(lines),
        colour=DIGEST_COLOUR,
    )
    help_lines = [
        catalog.t(
            language,
            "checkins.digest.help_line",
            member=f"<@{request.user_id}>",
            text=clip(inert_markdown(request.text).replace("\n", " "), 200),
        )
        for request in digest.help_requests
    ]
    embed.add_field(
        name=catalog.t(language, "checkins.digest.help"),
        value=_lines(catalog, language, help_lines)
        or catalog.t(language, "checkins.digest.help_none"),
        inline=False,
    )
    embed.add_field(
        name=catalog.t(language, "checkins.digest.goals"),
        value=_lines(catalog, language, [_goal_line(catalog, language, g) for g in digest.goals])
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
            value=_pulse_text(catalog, language, digest.pulse.count, digest.pulse.average),
            inline=False,
        )
    return embed


def _goal_line(catalog: Catalog, language: str, progress: GoalProgress) -> str:
    goal = progress.goal
    owner = (
        f"<@{goal.owner_id}>"
        if goal.owner_id is not None
        else catalog.t(language, "checkins.digest.community_owner")
    )
    title = clip(inert_markdown(goal.title), 80)
    if progress.latest is None or progress.fraction is None:
        return catalog.t(
            language,
            "checkins.digest.goal_no_value",
            owner=owner,
            title=title,
            baseline=format_number(goal.baseline),
            target=format_number(goal.target),
        )
    return catalog.t(
        language,
        "checkins.digest.goal_line",
        owner=owner,
        title=title,
        latest=format_number(progress.latest),
        target=format_number(goal.target),
        percent=round(progress.fraction * 100),
    )


def _lines(catalog: Catalog, language: str, lines: list[str]) -> str:
    """Up to DIGEST_LINES lines within an embed field; the rest is counted, not dropped."""
    shown: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index
        more = catalog.t(language, "checkins.digest.more", count=rest)
        candidate = "\n".join([*shown, line])
        if index >= DIGEST_LINES or len(candidate) + len(more) + 1 > FIELD_MAX:
            return "\n".join([*shown, more])
        shown.append(line)
    return "\n".join(shown)


def goal_line(catalog: Catalog, language: str, progress: GoalProgress) -> str:
    """One line of ``/goal list``."""
    goal = progress.goal
    if progress.latest is None or progress.fraction is None:
        status = catalog.t(language, "goals.list.no_value", baseline=format_number(goal.baseline))
    else:
        status = catalog.t(
            language,
            "goals.list.value",
            latest=format_number(progress.latest),
            percent=round(progress.fraction * 100),
        )
    if goal.status == "closed":
        return catalog.t(
            language,
            "goals.list.closed_line",
            title=inert_markdown(goal.title),
            progress=status,
            target=format_number(goal.target),
        )
    return catalog.t(
        language,
        "goals.list.line",
        title=inert_markdown(goal.title),
        progress=status,
        target=format_number(goal.target),
        measure=inert_markdown(goal.measure),
        due=goal.due_on.isoformat(),
    )
