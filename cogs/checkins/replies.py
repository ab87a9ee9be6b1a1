"""The private replies of ``/goal list``, ``/checkin me`` and ``/checkin schedule``,
in the member's language."""

from __future__ import annotations

import discord

from bot.i18n import Catalog, format_number
from bot.services.checkins import (
    PULSE_MIN_ANSWERS,
    CheckinHistory,
    OpenedNow,
    SavedAnswer,
    ScheduleResult,
)
from bot.services.goals import GoalOverview, GoalProgress
from cogs.toolkit import clip, escape, message_link


def goals_embed(catalog: Catalog, language: str, overview: GoalOverview) -> discord.Embed:
    embed = discord.Embed(
        title=catalog.t(language, "goals.list.title"), colour=discord.Colour.green()
    )
    for name_key, goals in (
        ("goals.list.mine", overview.mine),
        ("goals.list.community", overview.community),
    ):
        lines = [goal_line(catalog, language, g) for g in goals]
        embed.add_field(
            name=catalog.t(language, name_key),
            value=clip("\n".join(lines), 1024) if lines else catalog.t(language, "goals.list.none"),
            inline=False,
        )
    return embed


def goal_line(catalog: Catalog, language: str, progress: GoalProgress) -> str:
    """One line of ``/goal list``."""
    goal = progress.goal
    if progress.latest is None or progress.fraction is None:
        status = catalog.t(language, "goals.list.no_value", baseline=goal.baseline)
    else:
        status = catalog.t(
            language,
            "goals.list.value",
            latest=progress.latest,
            percent=round(progress.fraction * 100),
        )
    shown = {"title": escape(goal.title), "progress": status, "target": goal.target}
    if goal.status == "closed":
        return catalog.t(language, "goals.list.closed_line", **shown)
    measure, due = escape(goal.measure), goal.due_on.isoformat()
    return catalog.t(language, "goals.list.line", **shown, measure=measure, due=due)


def history_embed(catalog: Catalog, language: str, history: CheckinHistory) -> discord.Embed:
    """``/checkin me``: the streak and the recent weeks."""
    embed = discord.Embed(
        title=catalog.t(language, "checkins.me.title"),
        description=catalog.t(
            language,
            "checkins.me.streak",
            streak=history.streak,
            best=history.best_streak,
            answered=history.answered,
        ),
        colour=discord.Colour.blurple(),
    )
    lines = []
    for week in history.weeks:
        line = catalog.t(language, f"checkins.me.{week.status}", week=week.week)
        if week.numbers:
            shown = " · ".join(format_number(value, language) for value in week.numbers)
            line = catalog.t(language, "checkins.me.value", line=line, value=shown)
        lines.append(line)
    embed.add_field(
        name="\u200b",
        value="\n".join(lines) if lines else catalog.t(language, "checkins.me.none"),
        inline=False,
    )
    return embed


def schedule_lines(catalog: Catalog, language: str, result: ScheduleResult) -> list[str]:
    """What ``/checkin schedule`` saved, and when the next check-in opens."""
    schedule = result.schedule
    at = schedule.local_time.strftime("%H:%M")
    lines = [
        catalog.t(
            language,
            "checkins.schedule.saved",
            day=catalog.t(language, f"checkins.weekdays.{schedule.weekday}"),
            time=at,
            zone=result.timezone,
            hours=schedule.close_after_hours,
            next=int(result.next_open_at.timestamp()),
        ),
        catalog.t(
            language,
            "checkins.schedule.questions_custom",
            questions=" | ".join(escape(q) for q in schedule.questions),
        )
        if schedule.questions
        else catalog.t(language, "checkins.schedule.questions_default"),
    ]
    if schedule.pulse:
        lines.append(catalog.t(language, "checkins.schedule.pulse_on", minimum=PULSE_MIN_ANSWERS))
    if result.gap_days:
        lines.append(
            catalog.t(
                language,
                "checkins.schedule.gap",
                dates=", ".join(d.isoformat() for d in result.gap_days[:3]),
                time=at,
                zone=result.timezone,
            )
        )
    return lines


def opened_now_lines(catalog: Catalog, language: str, opened: OpenedNow) -> list[str]:
    """``/checkin now``: the link, and the weekly schedule it started if there was none."""
    checkin = opened.checkin
    link = message_link(checkin.guild_id, checkin.channel_id, checkin.message_id)
    lines = [catalog.t(language, "checkins.now.opened", link=link)]
    if opened.schedule is not None:
        lines.append(
            catalog.t(
                language,
                "checkins.now.default_schedule",
                day=catalog.t(language, f"checkins.weekdays.{opened.schedule.weekday}"),
                time=opened.schedule.local_time.strftime("%H:%M"),
                hours=opened.schedule.close_after_hours,
            )
        )
    return lines


def saved_lines(catalog: Catalog, language: str, saved: SavedAnswer) -> list[str]:
    """Where the answer is posted, and which goal each of its numbers went to."""
    place = f"<#{saved.posted_in}>"
    if saved.posted_in is None:
        lines = [catalog.t(language, "checkins.answer.post_failed")]
    elif saved.created:
        closes = int(saved.checkin.closes_at.timestamp())
        lines = [catalog.t(language, "checkins.answer.saved", place=place, closes=closes)]
    else:
        lines = [catalog.t(language, "checkins.answer.updated", place=place)]
    for number in saved.numbers:
        goal = number.goal
        lines.append(
            catalog.t(
                language,
                "checkins.answer.recorded",
                value=number.value,
                goal=escape(goal.title),
                target=goal.target,
                measure=escape(goal.measure),
            )
        )
    return lines
