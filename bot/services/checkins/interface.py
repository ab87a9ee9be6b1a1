"""``/goal set|list|close|progress`` and ``/checkin schedule|now|me|export``, the prompt's
buttons (Answer, which edits once answered; Edit my answer of earlier versions; the 1–5
pulse) and the two forms (goal, answer).

Each handler reads its options, calls the service once and replies with a layout of
:mod:`.replies`; every rule and permission is the services'.
"""

from __future__ import annotations

from bot.chat import Message, Text
from bot.interactions import Interaction
from bot.interactions.commands import MemberOption, Option
from bot.interactions.interface import CommandGroup, Interface, click, form
from bot.interactions.routes import Params
from bot.services.checkins import replies
from bot.services.checkins.cards import ANSWER, EDIT, PULSE
from bot.services.checkins.forms import (
    ANSWER_FORM,
    GOAL_FORM,
    answer_form,
    answer_numbers,
    answer_texts,
    goal_form,
)
from bot.services.checkins.goal_models import GoalScopeChoice
from bot.services.checkins.goals import GoalService
from bot.services.checkins.models import AnswerAuthor
from bot.services.checkins.service import CheckinService

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCOPES = (("mine", "My own goal"), ("community", "Community goal (facilitators)"))
GOAL = CommandGroup("goal", "Your goals and the community's goals")
CHECKIN = CommandGroup("checkin", "Weekly check-ins on your goals")


class GoalInterface(Interface):
    def __init__(self, goals: GoalService) -> None:
        self.goals = goals

    @GOAL.command(
        "set",
        "Set a goal (a form opens)",
        Option("scope", "Whose goal: yours, or the community's (facilitators)", choices=SCOPES),
        fills=("title", "measure", "baseline", "target", "due"),
    )
    async def set_goal(self, ctx: Interaction, scope: str = "mine") -> None:
        chosen: GoalScopeChoice = "community" if scope == "community" else "mine"
        await self.goals.require_scope(ctx.actor(), chosen)
        await ctx.open_form(goal_form(chosen))

    @form(GOAL_FORM)
    async def goal_submitted(
        self, ctx: Interaction, params: Params, values: dict[str, str]
    ) -> None:
        """``plc:goal:form:<scope>`` submitted (before or after a restart)."""
        goal = await self.goals.create_goal(
            ctx.actor(),
            scope="community" if params["scope"] == "community" else "mine",
            title=values.get("title", ""),
            measure=values.get("measure", ""),
            baseline=values.get("baseline", ""),
            target=values.get("target", ""),
            due=values.get("due", ""),
        )
        await ctx.reply(replies.goal_saved(goal))

    @GOAL.command("list", "List your goals and the community's")
    async def list_goals(self, ctx: Interaction) -> None:
        overview = await self.goals.overview(ctx.actor())
        await ctx.reply(replies.goals_message(overview))

    async def closable(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        if ctx.guild_id is None:
            return []
        return [(str(g.id), g.title) for g in await self.goals.closable_goals(ctx.actor(), current)]

    @GOAL.command(
        "close",
        "Close one of your goals",
        Option("goal", "The goal to close", required=True),
        suggest={"goal": closable},
    )
    async def close_goal(self, ctx: Interaction, goal: str) -> None:
        closed = await self.goals.close_goal(ctx.actor(), goal)
        await ctx.reply(Text.of("goals.close.done", title=closed.title))

    async def chartable(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        """The open goals of the member named in ``member`` (else the caller's own)."""
        if ctx.guild_id is None:
            return []
        named = ctx.option("member")
        member_id = named.user_id if isinstance(named, MemberOption) else None
        found = await self.goals.chartable_goals(ctx.actor(), member_id, current)
        return [(str(g.id), g.title) for g in found]

    @GOAL.command(
        "progress",
        "Post a chart of progress against the target",
        Option("member", "Whose progress (default: yours)", kind="member"),
        Option("goal", "Which goal (default: the newest open one)"),
        suggest={"goal": chartable},
    )
    async def progress(
        self, ctx: Interaction, member: MemberOption | None = None, goal: str | None = None
    ) -> None:
        # Read (and refuse) before the public defer, so a refusal stays private.
        report = await self.goals.progress(ctx.actor(), member.user_id if member else None, goal)
        await ctx.defer(private=False)
        await ctx.reply(replies.chart_message(await self.goals.chart(report)), private=False)


class CheckinInterface(Interface):
    def __init__(self, checkins: CheckinService) -> None:
        self.checkins = checkins

    @CHECKIN.command(
        "schedule",
        "Schedule the weekly check-in (facilitators)",
        Option(
            "day",
            "Day of the week it opens",
            kind="integer",
            required=True,
            choices=tuple(enumerate(WEEKDAYS)),
        ),
        Option(
            "time", "Time it opens (08:30, 17:00, 5pm), in the community's time zone", required=True
        ),
        Option(
            "questions",
            "Up to 3 custom questions, separated by | (left out: kept; default: the built-in ones)",
        ),
        Option(
            "close_after",
            "Hours it stays open (1 to 168, default 48)",
            kind="integer",
            min_value=1,
            max_value=168,
        ),
        Option("pulse", "Add an anonymous 1–5 pulse question", kind="boolean"),
    )
    async def schedule(
        self,
        ctx: Interaction,
        day: int,
        time: str,
        questions: str | None = None,
        close_after: int | None = None,
        pulse: bool | None = None,
    ) -> None:
        result = await self.checkins.set_schedule(
            ctx.actor(),
            weekday=day,
            time_text=time,
            questions_text=questions,
            close_after_hours=close_after,
            pulse=pulse,
        )
        await ctx.reply(replies.schedule_saved(result))

    @CHECKIN.command("now", "Open this week's check-in now (facilitators)")
    async def now(self, ctx: Interaction) -> None:
        await ctx.defer()
        await ctx.reply(replies.opened_now(await self.checkins.open_now(ctx.actor())))

    @CHECKIN.command("me", "Your check-in streak and history (only you see it)")
    async def me(self, ctx: Interaction) -> None:
        history = await self.checkins.history(ctx.actor())
        await ctx.reply(Message(panels=(replies.history_panel(history),)))

    @CHECKIN.command("export", "Download every check-in answer as CSV (facilitators)")
    async def export(self, ctx: Interaction) -> None:
        facilitator = ctx.actor()
        await ctx.defer()
        await ctx.reply(replies.csv_export(await self.checkins.export_csv(facilitator)))

    # -- the prompt's buttons and the answer form (routed, restart-proof) -------------------

    @click(ANSWER)
    async def answer(self, ctx: Interaction, params: Params) -> None:
        """*Answer*: the form, filled with the member's answer when they already answered
        (pressed again, it edits it)."""
        form = await self.checkins.answer_form(ctx.actor(), int(params["checkin_id"]))
        await ctx.open_form(answer_form(form, ctx.language))

    @click(EDIT)
    async def edit(self, ctx: Interaction, params: Params) -> None:
        """*Edit my answer*, the button earlier versions gave a member who pressed *Answer*
        again: the same filled form."""
        form = await self.checkins.edit_form(ctx.actor(), int(params["answer_id"]))
        await ctx.open_form(answer_form(form, ctx.language))

    @click(PULSE)
    async def pulse(self, ctx: Interaction, params: Params) -> None:
        """One anonymous 1–5 vote; the voter only ever gets a private reply."""
        first = await self.checkins.vote_pulse(
            ctx.actor(), int(params["checkin_id"]), int(params["score"])
        )
        await ctx.reply(Text.of("checkins.pulse.thanks" if first else "checkins.pulse.changed"))

    @form(ANSWER_FORM)
    async def answer_submitted(
        self, ctx: Interaction, params: Params, values: dict[str, str]
    ) -> None:
        """``plc:checkin:answer-form:<checkin>`` submitted (before or after a restart)."""
        member = ctx.actor()
        await ctx.defer()
        numbers = answer_numbers(values)
        saved = await self.checkins.save_answer(
            member,
            int(params["checkin_id"]),
            progress=numbers.progress,
            goal_id=numbers.goal_id,
            goal_numbers=numbers.goal_numbers,
            texts=answer_texts(values),
            author=AnswerAuthor(name=ctx.user_name, icon_url=ctx.user_avatar),
        )
        await ctx.reply(replies.answer_saved(saved))
