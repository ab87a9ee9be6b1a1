"""``/goal`` and ``/checkin``: parse, call the services, render (SPEC §6)."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.charts import ChartLabels, render_progress_chart
from bot.services.checkins import PULSE_MIN_ANSWERS, CheckinHistory, CheckinService
from bot.services.community import CommunityService
from bot.services.goals import GoalScopeChoice, GoalService, format_number
from cogs.checkins.modals import goal_form, handle_modal_submit
from cogs.checkins.render import NO_MENTIONS, clip, goal_line, message_link
from cogs.toolkit import is_facilitator, is_facilitator_member, reply, t, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

MAX_NAME_LOOKUPS = 100
WEEKDAY_CHOICES = [
    app_commands.Choice(name=_(day), value=index)
    for index, day in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


async def _facilitator_or_not(interaction: discord.Interaction) -> bool:
    """For autocomplete and optional powers: a plain yes/no, never an error."""
    try:
        return await is_facilitator_member(interaction)
    except (app_commands.AppCommandError, discord.HTTPException):
        return False


class Goals(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.goals = bot.services.get(GoalService)
        self.community = bot.services.get(CommunityService)

    goal = app_commands.Group(
        name=_("goal"), description=_("Your goals and the community's goals"), guild_only=True
    )

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
        await self.community.require(interaction.guild_id)
        chosen: GoalScopeChoice = "community" if scope and scope.value == "community" else "mine"
        if chosen == "community" and not await is_facilitator_member(interaction):
            await reply(interaction, t(interaction, "errors.not_facilitator"))
            return
        await interaction.response.send_modal(goal_form(interaction, chosen))

    @goal.command(name=_("list"), description=_("List your goals and the community's"))
    async def list_goals(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        overview = await self.goals.overview(interaction.guild_id, interaction.user.id)
        language = user_language(interaction)
        embed = discord.Embed(
            title=t(interaction, "goals.list.title"), colour=discord.Colour.green()
        )
        for name_key, goals in (
            ("goals.list.mine", overview.mine),
            ("goals.list.community", overview.community),
        ):
            lines = [goal_line(self.bot.catalog, language, g) for g in goals]
            embed.add_field(
                name=t(interaction, name_key),
                value=clip("\n".join(lines), 1024) if lines else t(interaction, "goals.list.none"),
                inline=False,
            )
        await reply(interaction, embed=embed)

    @goal.command(name=_("close"), description=_("Close one of your goals"))
    @app_commands.describe(goal=_("The goal to close"))
    async def close_goal(self, interaction: discord.Interaction, goal: str) -> None:
        assert interaction.guild_id is not None
        closed = await self.goals.close_goal(
            interaction.guild_id,
            interaction.user.id,
            goal,
            as_facilitator=await _facilitator_or_not(interaction),
        )
        await reply(
            interaction,
            t(interaction, "goals.close.done", title=discord.utils.escape_markdown(closed.title)),
        )

    @close_goal.autocomplete("goal")
    async def _goal_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        goals = await self.goals.closable_goals(
            interaction.guild_id,
            interaction.user.id,
            as_facilitator=await _facilitator_or_not(interaction),
            search=current,
        )
        return [app_commands.Choice(name=clip(g.title, 100), value=str(g.id)) for g in goals]

    @goal.command(name=_("progress"), description=_("Post a chart of progress against the target"))
    @app_commands.describe(member=_("Whose progress (default: yours)"))
    async def progress(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None
        whose = member or interaction.user
        # Read (and refuse) before deferring publicly, so errors stay private.
        series = await self.goals.progress_series(interaction.guild_id, whose.id)
        community = await self.community.require(interaction.guild_id)
        await interaction.response.defer(thinking=True)
        language = community.language
        catalog = self.bot.catalog
        labels = ChartLabels(
            baseline=catalog.t(language, "goals.chart.baseline"),
            target=catalog.t(language, "goals.chart.target"),
            reported=catalog.t(language, "goals.chart.reported"),
            due=catalog.t(language, "goals.chart.due"),
        )
        png = await asyncio.to_thread(render_progress_chart, series, labels)
        goal = series.goal
        await interaction.followup.send(
            catalog.t(
                language,
                "goals.progress.posted",
                member=whose.mention,
                title=discord.utils.escape_markdown(goal.title),
                measure=discord.utils.escape_markdown(goal.measure),
                count=len(series.points),
                target=format_number(goal.target),
            ),
            file=discord.File(io.BytesIO(png), filename=f"goal-{goal.id}-progress.png"),
            allowed_mentions=NO_MENTIONS,
        )


class Checkins(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.checkins = bot.services.get(CheckinService)

    checkin = app_commands.Group(
        name=_("checkin"), description=_("Weekly check-ins on your goals"), guild_only=True
    )

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """The goal and answer forms (see :mod:`cogs.checkins.modals`)."""
        await handle_modal_submit(interaction)

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
    @is_facilitator()
    async def schedule(
        self,
        interaction: discord.Interaction,
        day: app_commands.Choice[int],
        time: str,
        questions: str | None = None,
        close_after: app_commands.Range[int, 1, 168] | None = None,
        pulse: bool | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        result = await self.checkins.set_schedule(
            interaction.guild_id,
            interaction.user.id,
            weekday=day.value,
            time_text=time,
            questions_text=questions,
            close_after_hours=close_after,
            pulse=bool(pulse),
            language=user_language(interaction),
        )
        schedule = result.schedule
        at = schedule.local_time.strftime("%H:%M")
        next_at = int(result.next_open_at.timestamp())
        lines = [
            t(
                interaction,
                "checkins.schedule.saved",
                day=t(interaction, f"checkins.weekdays.{schedule.weekday}"),
                time=at,
                zone=result.timezone,
                hours=schedule.close_after_hours,
                next=next_at,
            ),
            t(
                interaction,
                "checkins.schedule.questions_custom",
                questions=" | ".join(discord.utils.escape_markdown(q) for q in schedule.questions),
            )
            if schedule.questions
            else t(interaction, "checkins.schedule.questions_default"),
        ]
        if schedule.pulse:
            lines.append(t(interaction, "checkins.schedule.pulse_on", minimum=PULSE_MIN_ANSWERS))
        if result.gap_days:
            lines.append(
                t(
                    interaction,
                    "checkins.schedule.gap",
                    dates=", ".join(d.isoformat() for d in result.gap_days[:3]),
                    time=at,
                    zone=result.timezone,
                )
            )
        await reply(interaction, "\n".join(lines))

    @checkin.command(name=_("now"), description=_("Open this week's check-in now (facilitators)"))
    @is_facilitator()
    async def now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        opened = await self.checkins.open_now(interaction.guild_id, interaction.user.id)
        link = message_link(opened.guild_id, opened.channel_id, opened.message_id)
        await reply(interaction, t(interaction, "checkins.now.opened", link=link))

    @checkin.command(
        name=_("me"), description=_("Your check-in streak and history (only you see it)")
    )
    async def me(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        history = await self.checkins.history(interaction.guild_id, interaction.user.id)
        await reply(interaction, embed=self._history_embed(interaction, history))

    def _history_embed(
        self, interaction: discord.Interaction, history: CheckinHistory
    ) -> discord.Embed:
        embed = discord.Embed(
            title=t(interaction, "checkins.me.title"),
            description=t(
                interaction,
                "checkins.me.streak",
                streak=history.streak,
                best=history.best_streak,
                answered=history.answered,
            ),
            colour=discord.Colour.blurple(),
        )
        lines = []
        for week in history.weeks:
            line = t(interaction, f"checkins.me.{week.status}", week=week.week)
            if week.progress is not None:
                line = t(
                    interaction, "checkins.me.value", line=line, value=format_number(week.progress)
                )
            lines.append(line)
        embed.add_field(
            name="\u200b",
            value="\n".join(lines) if lines else t(interaction, "checkins.me.none"),
            inline=False,
        )
        return embed

    @checkin.command(
        name=_("export"), description=_("Download every check-in answer as CSV (facilitators)")
    )
    @is_facilitator()
    async def export(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        authors = await self.checkins.answer_authors(interaction.guild.id)
        if not authors:
            await reply(interaction, t(interaction, "checkins.export.empty"))
            return
        names = await self._display_names(interaction.guild, authors)
        export = await self.checkins.export_csv(interaction.guild.id, names)
        await reply(
            interaction,
            t(interaction, "checkins.export.done", count=export.rows),
            file=discord.File(io.BytesIO(export.text.encode("utf-8-sig")), filename="checkins.csv"),
        )

    async def _display_names(self, guild: discord.Guild, user_ids: list[int]) -> dict[int, str]:
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
