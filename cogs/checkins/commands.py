"""``/goal`` and ``/checkin``, the check-in's buttons and forms: parse, one service call,
render the reply (SPEC §6). Every rule and permission lives in the services."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.charts import ChartLabels, render_progress_chart
from bot.services.checkins import AnswerAuthor, CheckinService
from bot.services.goals import GoalScopeChoice, GoalService
from cogs.checkins.forms import answer_form, answer_numbers, answer_texts, goal_form
from cogs.checkins.render import edit_view
from cogs.checkins.replies import (
    goals_embed,
    history_embed,
    opened_now_lines,
    saved_lines,
    schedule_lines,
)
from cogs.toolkit import (
    NO_MENTIONS,
    actor,
    clip,
    command_group,
    escape,
    guild_member,
    read_as,
    reply,
    t,
    user_language,
)

if TYPE_CHECKING:
    from cogs.client import PlcBot

MAX_NAME_LOOKUPS = 100
WEEKDAY_CHOICES = [
    app_commands.Choice(name=_(day), value=index)
    for index, day in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


class Goals(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.goals = bot.services.get(GoalService)

    goal = command_group("goal", "Your goals and the community's goals")

    @goal.command(name=_("set"), description=_("Set a goal (a form opens)"))
    @app_commands.describe(scope=_("Whose goal: yours, or the community's (facilitators)"))
    @app_commands.choices(
        scope=[
            app_commands.Choice(name=_("My own goal"), value="mine"),
            app_commands.Choice(name=_("Community goal (facilitators)"), value="community"),
        ]
    )
    async def set_goal(
        self, interaction: discord.Interaction, scope: app_commands.Choice[str] | None = None
    ) -> None:
        chosen: GoalScopeChoice = "community" if scope and scope.value == "community" else "mine"
        await self.goals.require_scope(actor(interaction), chosen)
        await goal_form(self.bot.catalog, user_language(interaction), chosen).open(interaction)

    async def on_goal_form(
        self, interaction: discord.Interaction, params: dict[str, str], values: dict[str, str]
    ) -> None:
        """``plc:goal:form:<scope>`` submitted (before or after a restart)."""
        scope: GoalScopeChoice = "community" if params["scope"] == "community" else "mine"
        goal = await self.goals.create_goal(
            actor(interaction),
            scope=scope,
            title=values.get("title", ""),
            measure=values.get("measure", ""),
            baseline=values.get("baseline", ""),
            target=values.get("target", ""),
            due=values.get("due", ""),
        )
        key = "goals.set.saved_community" if goal.scope == "community" else "goals.set.saved"
        saved = t(
            interaction,
            key,
            title=escape(goal.title),
            baseline=goal.baseline,
            target=goal.target,
            measure=escape(goal.measure),
            due=goal.due_on.isoformat(),
        )
        language = user_language(interaction)
        echo = read_as(self.bot.catalog, language, goal.due_on, goal.due_zone)
        await reply(interaction, f"{saved}\n{echo}")

    @goal.command(name=_("list"), description=_("List your goals and the community's"))
    async def list_goals(self, interaction: discord.Interaction) -> None:
        overview = await self.goals.overview(actor(interaction))
        await reply(
            interaction, embed=goals_embed(self.bot.catalog, user_language(interaction), overview)
        )

    @goal.command(name=_("close"), description=_("Close one of your goals"))
    @app_commands.describe(goal=_("The goal to close"))
    async def close_goal(self, interaction: discord.Interaction, goal: str) -> None:
        closed = await self.goals.close_goal(actor(interaction), goal)
        await reply(interaction, t(interaction, "goals.close.done", title=escape(closed.title)))

    @close_goal.autocomplete("goal")
    async def _goal_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        goals = await self.goals.closable_goals(actor(interaction), current)
        return [app_commands.Choice(name=clip(g.title, 100), value=str(g.id)) for g in goals]

    @goal.command(name=_("progress"), description=_("Post a chart of progress against the target"))
    @app_commands.describe(
        member=_("Whose progress (default: yours)"),
        goal=_("Which goal (default: the newest open one)"),
    )
    async def progress(
        self,
        interaction: discord.Interaction,
        member: discord.Member | None = None,
        goal: str | None = None,
    ) -> None:
        # Read (and refuse) before deferring publicly, so errors stay private.
        report = await self.goals.progress(actor(interaction), member.id if member else None, goal)
        await interaction.response.defer(thinking=True)
        language, catalog, charted = report.language, self.bot.catalog, report.series.goal
        labels = ChartLabels(
            baseline=catalog.t(language, "goals.chart.baseline"),
            target=catalog.t(language, "goals.chart.target"),
            reported=catalog.t(language, "goals.chart.reported"),
            due=catalog.t(language, "goals.chart.due"),
            language=language,
        )
        png = await asyncio.to_thread(render_progress_chart, report.series, labels)
        await reply(
            interaction,
            catalog.t(
                language,
                "goals.progress.posted",
                member=f"<@{report.member_id}>",
                title=escape(charted.title),
                measure=escape(charted.measure),
                count=len(report.series.points),
                target=charted.target,
            ),
            ephemeral=False,
            file=discord.File(io.BytesIO(png), filename=f"goal-{charted.id}-progress.png"),
            allowed_mentions=NO_MENTIONS,
        )

    @progress.autocomplete("goal")
    async def _progress_goal_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The open goals of the member named in ``member`` (else the caller's own)."""
        if interaction.guild_id is None:
            return []
        named = getattr(interaction.namespace, "member", None)
        member_id = getattr(named, "id", None)
        goals = await self.goals.chartable_goals(actor(interaction), member_id, current)
        return [app_commands.Choice(name=clip(g.title, 100), value=str(g.id)) for g in goals]


class Checkins(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.checkins = bot.services.get(CheckinService)

    checkin = command_group("checkin", "Weekly check-ins on your goals")

    @checkin.command(
        name=_("schedule"), description=_("Schedule the weekly check-in (facilitators)")
    )
    @app_commands.describe(
        day=_("Day of the week it opens"),
        time=_("Time it opens, 24-hour HH:MM in the community's time zone"),
        questions=_("Up to 3 custom questions, separated by | (default: the built-in ones)"),
        close_after=_("Hours it stays open (1 to 168, default 48)"),
        pulse=_("Add an anonymous 1–5 pulse question"),
    )
    @app_commands.choices(day=WEEKDAY_CHOICES)
    async def schedule(
        self,
        interaction: discord.Interaction,
        day: app_commands.Choice[int],
        time: str,
        questions: str | None = None,
        close_after: app_commands.Range[int, 1, 168] | None = None,
        pulse: bool | None = None,
    ) -> None:
        result = await self.checkins.set_schedule(
            actor(interaction),
            weekday=day.value,
            time_text=time,
            questions_text=questions,
            close_after_hours=close_after,
            pulse=bool(pulse),
        )
        lines = schedule_lines(self.bot.catalog, user_language(interaction), result)
        await reply(interaction, "\n".join(lines))

    @checkin.command(name=_("now"), description=_("Open this week's check-in now (facilitators)"))
    async def now(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        opened = await self.checkins.open_now(actor(interaction))
        lines = opened_now_lines(self.bot.catalog, user_language(interaction), opened)
        await reply(interaction, "\n".join(lines))

    @checkin.command(
        name=_("me"), description=_("Your check-in streak and history (only you see it)")
    )
    async def me(self, interaction: discord.Interaction) -> None:
        history = await self.checkins.history(actor(interaction))
        embed = history_embed(self.bot.catalog, user_language(interaction), history)
        await reply(interaction, embed=embed)

    @checkin.command(
        name=_("export"), description=_("Download every check-in answer as CSV (facilitators)")
    )
    async def export(self, interaction: discord.Interaction) -> None:
        facilitator, guild = actor(interaction), guild_member(interaction).guild
        await interaction.response.defer(ephemeral=True, thinking=True)

        async def names(user_ids: list[int]) -> dict[int, str]:
            return await _display_names(guild, user_ids)

        export = await self.checkins.export_csv(facilitator, names)
        if export.rows == 0:
            await reply(interaction, t(interaction, "checkins.export.empty"))
            return
        await reply(
            interaction,
            t(interaction, "checkins.export.done", count=export.rows),
            file=discord.File(io.BytesIO(export.text.encode("utf-8-sig")), filename="checkins.csv"),
        )

    # -- the prompt's buttons and the answer form (routed, restart-proof) -------------------

    async def on_answer(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        """*Answer*: the form, or *Edit my answer* for someone who already answered."""
        form = await self.checkins.answer_form(actor(interaction), int(params["checkin_id"]))
        if form.existing is None:
            await answer_form(self.bot.catalog, user_language(interaction), form).open(interaction)
            return
        closes = int(form.checkin.closes_at.timestamp())
        await reply(
            interaction,
            t(interaction, "checkins.answer.already", closes=closes),
            view=edit_view(form.existing.id, t(interaction, "checkins.buttons.edit")),
        )

    async def on_edit(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        form = await self.checkins.edit_form(actor(interaction), int(params["answer_id"]))
        await answer_form(self.bot.catalog, user_language(interaction), form).open(interaction)

    async def on_pulse(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        """One anonymous 1–5 vote; the voter only ever gets an ephemeral reply."""
        first = await self.checkins.vote_pulse(
            actor(interaction), int(params["checkin_id"]), int(params["score"])
        )
        key = "checkins.pulse.thanks" if first else "checkins.pulse.changed"
        await reply(interaction, t(interaction, key))

    async def on_answer_form(
        self, interaction: discord.Interaction, params: dict[str, str], values: dict[str, str]
    ) -> None:
        """``plc:checkin:answer-form:<checkin>`` submitted (before or after a restart)."""
        member = actor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = interaction.user
        numbers = answer_numbers(values)
        saved = await self.checkins.save_answer(
            member,
            int(params["checkin_id"]),
            progress=numbers.progress,
            goal_id=numbers.goal_id,
            goal_numbers=numbers.goal_numbers,
            texts=answer_texts(values),
            author=AnswerAuthor(name=user.display_name, icon_url=user.display_avatar.url),
        )
        await reply(
            interaction, "\n".join(saved_lines(self.bot.catalog, user_language(interaction), saved))
        )


async def _display_names(guild: discord.Guild, user_ids: list[int]) -> dict[int, str]:
    """Names for the export, looked up now and never stored."""
    names: dict[int, str] = {}
    lookups = 0
    for user_id in user_ids:
        member = guild.get_member(user_id)
        if member is None and lookups < MAX_NAME_LOOKUPS:
            lookups += 1
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                member = None  # left the server: the export keeps the id
        if member is not None:
            names[user_id] = member.display_name
    return names
