"""Goals: a member's or the community's, measured against a baseline and a target.

Check-in answers report numbers for them (:mod:`.answers`); ``/goal progress`` draws
their stored values (:mod:`bot.charts`, in a worker thread).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.actor import Actor
from bot.charts import ChartLabels, render_progress_chart
from bot.dates import local_today, parse_day
from bot.db import audit
from bot.db import goals as goals_db
from bot.db import members as members_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.goals import Goal
from bot.errors import UserError
from bot.i18n import language_for_locale
from bot.interactions.suggest import matching, named
from bot.services.base import Core
from bot.services.checkins.goal_models import (
    MAX_OPEN_GOALS,
    MEASURE_MAX,
    TITLE_MAX,
    GoalChart,
    GoalOverview,
    GoalReport,
    GoalScopeChoice,
    ListedProgress,
    NewGoal,
    ProgressPoint,
    ProgressSeries,
    goal_numbers,
    parse_number,
)
from bot.services.community import CommunityService
from bot.text import clean_text, folded


class GoalService:
    name = "goals"

    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community

    # -- set, list, close -------------------------------------------------------

    async def require_scope(self, actor: Actor, scope: GoalScopeChoice) -> Community:
        """``/goal set``: the community, if ``actor`` may set a goal of ``scope`` there
        (their own: every member; the community's: facilitators)."""
        community = await self._community.require(actor.guild_id)
        if scope not in ("mine", "community"):
            raise UserError("goals.errors.bad_scope")
        if scope == "community":
            await self._community.require_facilitator(actor)
        return community

    async def create_goal(
        self,
        actor: Actor,
        *,
        scope: GoalScopeChoice,
        title: str,
        measure: str,
        baseline: str,
        target: str,
        due: str,
    ) -> NewGoal:
        """Validate the five inputs of the ``/goal set`` form and save the goal.

        Who may is checked again at submit: the role may have gone while the form was open.
        """
        community = await self.require_scope(actor, scope)
        guild_id, user_id = actor.guild_id, actor.user_id
        clean_title = clean_text(title, field="goal_title", max_length=TITLE_MAX)
        clean_measure = clean_text(measure, field="goal_measure", max_length=MEASURE_MAX)
        baseline_value = _required_number(baseline, "goal_baseline")
        target_value = _required_number(target, "goal_target")
        if baseline_value == target_value:
            # A number: the catalog writes it the reader's way (3.5, or 3,5 in French).
            raise UserError("goals.errors.target_is_baseline", value=baseline_value)
        now = self._core.clock.now()
        due_day = parse_day(
            due,
            field="goal_due",
            now=now,
            timezone=await self._community.reading_zone(community, user_id),
            language=actor.language,
        )
        async with self._core.db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, now, client_language=actor.language)
            open_goals = (
                await goals_db.of_member(conn, guild_id, user_id, open_only=True)
                if scope == "mine"
                else await goals_db.of_community(conn, guild_id, open_only=True)
            )
            if len(open_goals) >= MAX_OPEN_GOALS:
                raise UserError("goals.errors.too_many", limit=MAX_OPEN_GOALS)
            same_title = tuple(g.id for g in open_goals if folded(g.title) == folded(clean_title))
            goal = await goals_db.insert(
                conn,
                guild_id,
                scope="member" if scope == "mine" else "community",
                owner_id=user_id if scope == "mine" else None,
                title=clean_title,
                measure=clean_measure,
                baseline=baseline_value,
                target=target_value,
                due_on=due_day.day,
                now=now,
            )
            if scope == "community":
                await audit.record(
                    conn, guild_id, user_id, "goal.community.set", {"goal_id": goal.id}, now
                )
        return NewGoal(**goal.model_dump(), due_zone=due_day.timezone, same_title=same_title)

    async def overview(self, actor: Actor) -> GoalOverview:
        """``/goal list``: the caller's goals (open first) and the community's open goals."""
        guild_id, user_id = actor.guild_id, actor.user_id
        await self._community.require(guild_id)
        async with self._core.db.read() as conn:
            mine, shared = await goals_db.listed(conn, guild_id, user_id)
        mine.sort(key=lambda g: g[0].status != "open")  # stable: newest first within each
        return GoalOverview(
            mine=[ListedProgress(goal, latest) for goal, latest in mine],
            community=[ListedProgress(goal, latest) for goal, latest in shared],
        )

    async def closable_goals(self, actor: Actor, search: str = "") -> list[Goal]:
        """Autocomplete of ``/goal close``: the caller's open goals (+ community ones for
        facilitators) whose title matches ``search``."""
        try:
            facilitator = await self._community.is_facilitator(actor)
        except UserError:  # not set up: no community goals to offer
            facilitator = False
        async with self._core.db.read() as conn:
            goals = await goals_db.of_member(conn, actor.guild_id, actor.user_id, open_only=True)
            if facilitator:
                goals += await goals_db.of_community(conn, actor.guild_id, open_only=True)
        return _matching(goals, search)

    async def close_goal(self, actor: Actor, goal_ref: str) -> Goal:
        """``/goal close``: one's own goal, or a community goal (facilitators)."""
        guild_id, user_id = actor.guild_id, actor.user_id
        facilitator = await self._community.is_facilitator(actor)  # before the write lock
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            goal = await _closable(conn, actor, goal_ref, facilitator=facilitator)
            if goal.scope == "member" and goal.owner_id != user_id:
                raise UserError("goals.errors.not_yours")
            if goal.scope == "community" and not facilitator:
                raise UserError("goals.errors.community_goal", text=goal.title)
            if not await goals_db.close(conn, guild_id, goal.id, now):
                raise UserError("goals.errors.already_closed", text=goal.title)
            if goal.scope == "community":
                await audit.record(
                    conn, guild_id, user_id, "goal.community.close", {"goal_id": goal.id}, now
                )
            closed = await goals_db.get(conn, guild_id, goal.id)
        assert closed is not None
        return closed

    # -- progress -----------------------------------------------------------------

    async def progress(
        self, actor: Actor, member_id: int | None = None, goal_ref: str | None = None
    ) -> GoalReport:
        """``/goal progress``: one of a member's goals (``goal_ref``, else their newest open
        one), or a community goal named in ``goal_ref``, and its stored values, to chart
        in the community's language. A closed goal is charted only when named: shown
        unasked, it would pass for the current one."""
        community = await self._community.require(actor.guild_id)
        whose = actor.user_id if member_id is None else member_id
        async with self._core.db.read() as conn:
            goals = await goals_db.of_member(conn, actor.guild_id, whose)
            if goal_ref is not None and goal_ref.strip():
                goals += await goals_db.of_community(conn, actor.guild_id)
            if not goals:
                raise UserError("goals.errors.no_goal")
            open_goals = [g for g in goals if g.status == "open"]
            goal = _chosen_goal(goals, open_goals, goal_ref, yours=whose == actor.user_id)
            values = await goals_db.values(conn, goal.id)
        series = ProgressSeries(
            goal=goal,
            start=local_today(goal.created_at, community.timezone),
            points=[
                ProgressPoint(
                    week=v.week,
                    day=local_today(v.opened_at, community.timezone),
                    value=v.value,
                )
                for v in values
            ],
        )
        return GoalReport(
            member_id=whose, series=series, language=language_for_locale(community.language)
        )

    async def chart(self, report: GoalReport) -> GoalChart:
        """The PNG of a :meth:`progress` report, its words in the report's language, drawn
        in a worker thread (matplotlib takes a while)."""
        catalog, language = self._core.catalog, report.language
        labels = ChartLabels(
            baseline=catalog.t(language, "goals.chart.baseline"),
            target=catalog.t(language, "goals.chart.target"),
            reported=catalog.t(language, "goals.chart.reported"),
            due=catalog.t(language, "goals.chart.due"),
            language=language,
        )
        png = await asyncio.to_thread(render_progress_chart, report.series, labels)
        return GoalChart(report=report, png=png)

    async def chartable_goals(
        self, actor: Actor, member_id: int | None = None, search: str = ""
    ) -> list[Goal]:
        """Autocomplete of ``/goal progress goal``: the member's (or ``member_id``'s) open
        goals whose title matches ``search``, newest first, then the community's."""
        whose = actor.user_id if member_id is None else member_id
        async with self._core.db.read() as conn:
            goals = await goals_db.of_member(conn, actor.guild_id, whose, open_only=True)
            goals += await goals_db.of_community(conn, actor.guild_id, open_only=True)
        return _matching(goals, search)

    # -- personal data ---------------------------------------------------------------

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        goals = await goals_db.of_member(conn, guild_id, user_id)
        exported = []
        for goal in goals:
            values = await goals_db.values(conn, goal.id)
            exported.append(
                {
                    **goal.model_dump(mode="json"),
                    "values": [v.model_dump(mode="json") for v in values],
                }
            )
        return {"goals": exported}

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        await goals_db.delete_of_member(conn, guild_id, user_id)


def _required_number(text: str, field: str) -> float:
    value = parse_number(text, field=field)
    if value is None:
        raise UserError("errors.text_empty", field=field)
    return value


def _matching(goals: list[Goal], search: str) -> list[Goal]:
    """The goals whose title matches what the member typed so far (the one autocomplete
    rule: accents and case aside, those starting with it first)."""
    by_title: dict[str, list[Goal]] = {}
    for goal in goals:
        by_title.setdefault(goal.title, []).append(goal)
    found = matching(((goal.title, goal.title) for goal in goals), search)
    return [by_title[title].pop(0) for title, _ in found]


_NUMBER_TYPED = re.compile(r"(?:#|n[º°o]\.?)\s*(\d+)", re.IGNORECASE)


def _number_typed(goal_ref: str) -> str:
    """A goal's number as ``/goal list`` shows it ("#12", « nº 12 ») as the number
    alone ("12"); anything else as typed, spaces around it aside."""
    typed = goal_ref.strip()
    found = _NUMBER_TYPED.fullmatch(typed)
    return found.group(1) if found else typed


def _chosen_goal(
    goals: list[Goal], open_goals: list[Goal], goal_ref: str | None, *, yours: bool
) -> Goal:
    """The goal named (one of the member's), else the newest open one. A title several
    open goals share (or, none open, several closed ones) is refused with their numbers,
    as ``/goal close`` does: the chart would show one of them silently."""
    if goal_ref is None or not goal_ref.strip():
        if not open_goals:
            raise UserError("goals.errors.no_open_goal" if yours else "goals.errors.none_open")
        return open_goals[0]
    found = named(_number_typed(goal_ref), goals, lambda goal: str(goal.id), lambda g: g.title)
    if not found:
        raise UserError("goals.errors.unknown_progress_goal")
    # A title an open goal and closed ones share: the open one.
    candidates = [goal for goal in found if goal.status == "open"] or found
    _refuse_ambiguous(candidates, goal_ref)
    return candidates[0]


def _refuse_ambiguous(found: list[Goal], goal_ref: str) -> None:
    """Several goals named by one title: refused, listing their numbers."""
    if len(found) > 1:
        numbers = sorted(goal.id for goal in found)
        raise UserError(
            "goals.errors.ambiguous_goal",
            text=goal_ref.strip()[:100],
            numbers=goal_numbers(numbers),
            example=numbers[0],
        )


async def _closable(conn: Connection, actor: Actor, goal_ref: str, *, facilitator: bool) -> Goal:
    """The goal ``/goal close`` names: by its id (the list's pick) or its title typed in
    full, among the member's open goals (and the community's, for facilitators)."""
    goal_ref = _number_typed(goal_ref)
    if goal_ref.isdigit():
        goal = await goals_db.get(conn, actor.guild_id, int(goal_ref))
        if goal is not None:
            return goal
    goals = await goals_db.of_member(conn, actor.guild_id, actor.user_id, open_only=True)
    if facilitator:
        goals += await goals_db.of_community(conn, actor.guild_id, open_only=True)
    found = named(goal_ref, goals, lambda goal: str(goal.id), lambda goal: goal.title)
    _refuse_ambiguous(found, goal_ref)
    if not found and not facilitator:
        await _refuse_community_goal(conn, actor, goal_ref)
    if not found:
        raise UserError("goals.errors.unknown_goal")
    return found[0]


async def _refuse_community_goal(conn: Connection, actor: Actor, goal_ref: str) -> None:
    """A member who names an open community goal is told only facilitators close it, not
    that there is no such goal."""
    community = await goals_db.of_community(conn, actor.guild_id, open_only=True)
    found = named(goal_ref, community, lambda goal: str(goal.id), lambda goal: goal.title)
    if found:
        raise UserError("goals.errors.community_goal", text=found[0].title)
