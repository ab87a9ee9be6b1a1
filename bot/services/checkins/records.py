"""What check-ins keep, read back: a member's streak and history, the facilitators' CSV
export, a member's personal data (export, erasure) and the twelve months' retention."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.actor import Actor
from bot.chat import Posted
from bot.dates import local_today
from bot.db import checkins as checkins_db
from bot.db import communities as communities_db
from bot.db import goals as goals_db
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.checkins import GoalNumber
from bot.db.checkins import streaks as streaks_db
from bot.db.connection import Connection
from bot.db.goals import Goal
from bot.services.checkins.answers import answer_post_prefix
from bot.services.checkins.base import CheckinPart
from bot.services.checkins.models import CheckinHistory, CsvExport
from bot.services.checkins.reports import (
    HISTORY_WEEKS,
    answers_csv,
    history_from_counters,
    history_of,
)
from bot.services.outbox import OUTBOX_KIND

RETENTION = timedelta(days=365)
CSV_FILENAME = "checkins.csv"

NameLookup = Callable[[list[int]], Awaitable[Mapping[int, str]]]
"""Display names of members, looked up on the chat platform now and never stored."""


class CheckinRecords(CheckinPart):
    # -- the member's view ----------------------------------------------------------------

    async def history(self, actor: Actor) -> CheckinHistory:
        """``/checkin me``: streak (away weeks neither count nor break it) and history, from
        the counters kept over the closed weeks and the recent weeks."""
        guild_id, user_id = actor.guild_id, actor.user_id
        community = await self._shared.community.require(guild_id)
        now = self._core.clock.now()
        async with self._core.db.read() as conn:
            recent = await streaks_db.recent_weeks(conn, guild_id, user_id, now, HISTORY_WEEKS)
        history = history_from_counters(recent, now=now)
        if history is None:
            return await self.full_history(guild_id, user_id)
        return replace(history, this_year=local_today(now, community.timezone).year)

    async def full_history(self, guild_id: int, user_id: int) -> CheckinHistory:
        """The history from every week there is (what the counters stand for)."""
        community = await self._shared.community.require(guild_id)
        now = self._core.clock.now()
        async with self._core.db.read_in_thread() as conn:  # every week there is
            checkins = await checkins_db.checkins_of(conn, guild_id, newest_first=True)
            answers = {
                a.checkin_id: a
                for a in await checkins_db.answers_of_member(conn, guild_id, user_id)
            }
            away = await checkins_db.away_weeks_of_member(conn, guild_id, user_id)
            member = await members_db.get(conn, guild_id, user_id)
            reported = await checkins_db.goal_numbers_of(conn, [a.id for a in answers.values()])
        joined = member.created_at if member else now
        numbers = _by_answer(reported)
        history = history_of(checkins, answers, away, joined=joined, now=now, numbers=numbers)
        return replace(history, this_year=local_today(now, community.timezone).year)

    # -- the facilitators' export -----------------------------------------------------------

    async def export_csv(self, actor: Actor, names: NameLookup | None = None) -> CsvExport:
        """``/checkin export`` (facilitators): one row per answer, with the members' names
        as the platform shows them now (``names`` stands in for the platform's); no rows
        if nobody answered yet."""
        community = await self._shared.community.require_facilitator(actor)
        guild_id = actor.guild_id
        async with self._core.db.read_in_thread() as conn:  # every answer there is
            answers = await checkins_db.answers_of_guild(conn, guild_id)
            checkins = {c.id: c for c in await checkins_db.checkins_of(conn, guild_id)}
            numbers: dict[int, list[tuple[Goal, float]]] = {}
            goals: dict[int, Goal | None] = {}
            for number in await checkins_db.goal_numbers_of(conn, [a.id for a in answers]):
                if number.goal_id not in goals:
                    goals[number.goal_id] = await goals_db.get(conn, guild_id, number.goal_id)
                if (goal := goals[number.goal_id]) is not None:
                    numbers.setdefault(number.answer_id, []).append((goal, number.value))
        if not answers:
            return CsvExport(text="", rows=0)
        authors = sorted({a.user_id for a in answers})
        if names is not None:
            shown = await names(authors)
        else:
            shown = await self._core.chat.member_names(guild_id, authors)
        return answers_csv(
            checkins,
            answers,
            numbers,
            shown,
            lambda checkin: self._shared.questions_for(checkin, community.language),
            community.timezone,
        )

    # -- retention ------------------------------------------------------------------------

    @staticmethod
    async def purge_old(conn: Connection, now: datetime) -> int:
        """Check-ins (and their answers) are kept 12 months (README, Privacy); a rule of
        the one retention purge (``RetentionService.add_rule``). The counters of the
        communities that lost weeks are recomputed from what is left."""
        guilds = await checkins_db.purge_closed_before(conn, now - RETENTION)
        await streaks_db.recompute(conn, set(guilds))
        return len(guilds)

    # -- personal data --------------------------------------------------------------------

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        answers = await checkins_db.answers_of_member(conn, guild_id, user_id)
        community = await communities_db.get(conn, guild_id)
        language = community.language if community else "en"
        exported = []
        for answer in answers:
            checkin = await checkins_db.get_checkin(conn, answer.checkin_id)
            assert checkin is not None
            exported.append(
                {
                    "week": checkin.week,
                    "questions": self._shared.questions_for(checkin, language),
                    **answer.model_dump(mode="json"),
                }
            )
        away = await checkins_db.away_weeks_of_member(conn, guild_id, user_id)
        weeks = []
        for checkin_id in sorted(away):
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is not None:
                weeks.append(checkin.week)
        counters = await streaks_db.standing(conn, guild_id, user_id)
        return {
            "answers": exported,
            "away_weeks": weeks,
            # Kept when a week closes: the week still open is not counted yet.
            "counters_of_closed_weeks": counters.model_dump(),
            "pulse": "not included: pulse votes are anonymous and not linked to you",
        }

    async def posts_of_member(self, conn: Connection, guild_id: int, user_id: int) -> list[Posted]:
        """The member's answers as posted in the weeks' threads (removed on erasure)."""
        posts = []
        for answer in await checkins_db.answers_of_member(conn, guild_id, user_id):
            checkin = await checkins_db.get_checkin(conn, answer.checkin_id)
            if answer.post_message_id is not None and checkin is not None:
                where = checkin.thread_id or checkin.channel_id
                posts.append(Posted(guild_id, where, answer.post_message_id))
        return posts

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        """The member's answers and away weeks, and their answers' planned posts (which
        hold their words and their name until sent, and after for a while)."""
        await checkins_db.delete_answers_of_member(conn, guild_id, user_id)
        await checkins_db.delete_away_of_member(conn, guild_id, user_id)
        await streaks_db.forget_member(conn, guild_id, user_id)
        await timers_db.delete_prefix(conn, OUTBOX_KIND, answer_post_prefix(guild_id, user_id))


def _by_answer(numbers: list[GoalNumber]) -> dict[int, list[GoalNumber]]:
    by_answer: dict[int, list[GoalNumber]] = {}
    for number in numbers:
        by_answer.setdefault(number.answer_id, []).append(number)
    return by_answer
