"""Weekly check-ins: schedule, open, answer, nudge, close and digest (SPEC §6).

The week's check-in is opened by a durable timer ``checkin_open`` (key
``checkin:{schedule_id}:{week}``); opening plans its ``checkin_nudge`` and
``checkin_close`` timers (key ``checkin:{checkin_id}``) and the next week's opening in
the same transaction, so a restart at any point neither loses nor repeats a week.
Weekly instants are computed in the community's zone with zoneinfo (DST-correct).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.dates import local_today
from bot.db import audit
from bot.db import checkins as checkins_db
from bot.db import communities as communities_db
from bot.db import goals as goals_db
from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.db import timers as timers_db
from bot.db.checkins import Answer, Checkin, CheckinSchedule
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.goals import Goal
from bot.errors import UserError
from bot.services.base import Core, StatusLine
from bot.services.community import CommunityService
from bot.services.goals import GoalProgress, current_goal_in, format_number, parse_number
from bot.text import clean_text

OPEN_KIND = "checkin_open"
NUDGE_KIND = "checkin_nudge"
CLOSE_KIND = "checkin_close"

DEFAULT_CLOSE_AFTER_HOURS = 48
MAX_CLOSE_AFTER_HOURS = 168
MAX_TEXT_QUESTIONS = 3
QUESTION_MAX = 100
ANSWER_MAX = 1000
PULSE_MIN_ANSWERS = 3
NUDGE_BEFORE_CLOSE = timedelta(hours=12)
DEFAULT_QUESTION_KEYS = ("checkins.questions.tried", "checkins.questions.obstacles")
HISTORY_WEEKS = 12
RETENTION = timedelta(days=365)

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$")


# -- schedule math (pure, tested on DST boundaries) ------------------------------------


def parse_time_of_day(text: str) -> time:
    """``18:00``, ``9:05``, ``18h30``: a 24-hour time; ``24:61`` and ``6pm`` are refused."""
    match = _TIME.match(text or "")
    if match is None:
        raise UserError("checkins.errors.bad_time", text=(text or "").strip()[:20])
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise UserError("checkins.errors.bad_time", text=text.strip()[:20])
    return time(hour, minute)


def parse_questions(text: str | None, *, field: str = "Question {number}") -> list[str] | None:
    """Custom questions separated by ``|`` or new lines; None keeps the built-in ones.

    ``field`` names a question in error messages (``{number}`` is its position).
    """
    if text is None or not text.strip():
        return None
    parts = [part for part in re.split(r"[|\n]", text.replace("\r\n", "\n")) if part.strip()]
    if len(parts) > MAX_TEXT_QUESTIONS:
        raise UserError(
            "checkins.errors.too_many_questions", count=len(parts), limit=MAX_TEXT_QUESTIONS
        )
    return [
        clean_text(part, field=field.format(number=index), max_length=QUESTION_MAX)
        for index, part in enumerate(parts, start=1)
    ]


def week_of(instant: datetime, zone: str) -> str:
    """The ISO week (``2026-W48``) of the local day of ``instant``."""
    year, week, _ = instant.astimezone(ZoneInfo(zone)).date().isocalendar()
    return f"{year}-W{week:02d}"


def next_open_after(after: datetime, weekday: int, at: time, zone: str) -> datetime:
    """The first instant strictly after ``after`` that is ``weekday`` ``at`` local time.

    A wall time in the spring-forward gap resolves with the pre-transition offset (one
    hour later on the clock, once); a time repeated at fall-back takes its first
    occurrence (``fold=0``), so each week fires exactly once.
    """
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.weekday() != weekday:
            continue
        candidate = datetime.combine(candidate_day, at, tzinfo=tz).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a weekday always recurs within 15 days")


def gap_days(weekday: int, at: time, zone: str, start: date, days: int = 366) -> list[date]:
    """Days of the coming year on which ``at`` does not exist locally (spring forward)."""
    tz = ZoneInfo(zone)
    found = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() != weekday:
            continue
        wall = datetime.combine(day, at)
        round_trip = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != wall:
            found.append(day)
    return found


def nudge_time(opened_at: datetime, closes_at: datetime) -> datetime:
    """Twelve hours before the close, or halfway through a shorter window."""
    return max(opened_at + (closes_at - opened_at) / 2, closes_at - NUDGE_BEFORE_CLOSE)


def checkin_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}"


def open_key(schedule_id: int, week: str) -> str:
    return f"checkin:{schedule_id}:{week}"


# -- models -----------------------------------------------------------------------------


class ScheduleResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    schedule: CheckinSchedule
    next_open_at: datetime
    timezone: str
    gap_days: list[date]


class OpenedCheckin(BaseModel):
    """What the ``checkin_open`` handler needs to post the prompt."""

    model_config = ConfigDict(frozen=True)

    checkin: Checkin
    community: Community


class AnswerForm(BaseModel):
    """What the answer modal shows: the questions, the goal, and the answer to pre-fill."""

    model_config = ConfigDict(frozen=True)

    checkin: Checkin
    questions: list[str]
    goal: Goal | None
    existing: Answer | None


class SavedAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: Answer
    checkin: Checkin
    questions: list[str]
    """In the community's language: the answer is posted publicly in the thread."""
    language: str
    goal: Goal | None
    created: bool


class PulseSummary(BaseModel):
    """Only the average is ever shown, and only from PULSE_MIN_ANSWERS answers."""

    model_config = ConfigDict(frozen=True)

    count: int
    average: float | None


class HelpRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    text: str


class Digest(BaseModel):
    model_config = ConfigDict(frozen=True)

    checkin: Checkin
    language: str
    answered: list[int]
    expected: list[int]
    """Members expected to answer: everyone known (see ``community_members``) not away,
    plus anyone who answered."""
    away: list[int]
    help_requests: list[HelpRequest]
    goals: list[GoalProgress]
    unreachable: list[int]
    pulse: PulseSummary | None

    @property
    def response_rate(self) -> float:
        return len(self.answered) / len(self.expected) if self.expected else 0.0


class ClosedCheckin(BaseModel):
    model_config = ConfigDict(frozen=True)

    digest: Digest
    community: Community
    answer_count: int


class NudgePlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    checkin: Checkin
    community: Community
    recipients: list[int]
    known_closed: list[int]
    """Recipients whose DMs Discord already refused: mentioned in the thread instead."""


WeekStatus = Literal["answered", "away", "missed", "open"]


class WeekEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    checkin_id: int
    week: str
    opened_at: datetime
    status: WeekStatus
    progress: float | None


class CsvExport(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    rows: int


class CheckinHistory(BaseModel):
    model_config = ConfigDict(frozen=True)

    streak: int
    best_streak: int
    answered: int
    weeks: list[WeekEntry]
    """Newest first, at most HISTORY_WEEKS."""


# -- the service ------------------------------------------------------------------------


class CheckinService:
    name = "checkins"

    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community

    # -- scheduling ---------------------------------------------------------------

    async def set_schedule(
        self,
        guild_id: int,
        actor_id: int,
        *,
        weekday: int,
        time_text: str,
        questions_text: str | None,
        close_after_hours: int | None,
        pulse: bool,
        language: str,
    ) -> ScheduleResult:
        community = await self._community.require(guild_id)
        async with self._core.db.read() as conn:
            await self._require_channel(conn, community)
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise UserError("checkins.errors.bad_day")
        at = parse_time_of_day(time_text)
        # The label keeps its {number} placeholder: parse_questions fills in the position.
        label = self._core.catalog.t(language, "checkins.fields.question", number="{number}")
        questions = parse_questions(questions_text, field=label)
        hours = DEFAULT_CLOSE_AFTER_HOURS if close_after_hours is None else close_after_hours
        if not 1 <= hours <= MAX_CLOSE_AFTER_HOURS:
            raise UserError(
                "checkins.errors.bad_close_after", value=hours, limit=MAX_CLOSE_AFTER_HOURS
            )
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            schedule, old = await checkins_db.replace_schedule(
                conn,
                guild_id,
                weekday=weekday,
                local_time=at,
                questions=questions,
                close_after_hours=hours,
                pulse=pulse,
                now=now,
            )
            if old is not None:
                await self._core.scheduler.cancel_prefix(conn, OPEN_KIND, f"checkin:{old.id}:")
            next_at = await self._plan_next_open(conn, community, schedule, now)
            await audit.record(
                conn,
                guild_id,
                actor_id,
                "checkin.schedule",
                {
                    "schedule_id": schedule.id,
                    "weekday": weekday,
                    "time": at.strftime("%H:%M"),
                    "close_after_hours": hours,
                    "pulse": pulse,
                    "custom_questions": questions is not None,
                },
                now,
            )
        return ScheduleResult(
            schedule=schedule,
            next_open_at=next_at,
            timezone=community.timezone,
            gap_days=gap_days(
                weekday, at, community.timezone, local_today(now, community.timezone)
            ),
        )

    async def _plan_next_open(
        self,
        conn: Connection,
        community: Community,
        schedule: CheckinSchedule,
        after: datetime,
        *,
        skip_week: str | None = None,
    ) -> datetime:
        """Plan the first weekly opening after ``after`` whose week has no check-in yet.

        ``skip_week`` is the week being opened right now: its own timer is running and
        must not be moved (it is closed as done once its handler returns).
        """
        at, week = await _next_free_slot(conn, community, schedule, after, skip_week)
        await self._core.scheduler.schedule(
            conn,
            community.guild_id,
            OPEN_KIND,
            open_key(schedule.id, week),
            at,
            {"schedule_id": schedule.id, "week": week},
        )
        return at

    async def open_now(self, guild_id: int, actor_id: int) -> Checkin:
        """``/checkin now``: plan this week's opening for now and run it at once."""
        community = await self._community.require(guild_id)
        now = self._core.clock.now()
        week = week_of(now, community.timezone)
        async with self._core.db.transaction() as conn:
            schedule = await checkins_db.active_schedule(conn, guild_id)
            if schedule is None:
                raise UserError("checkins.errors.no_schedule")
            await self._require_channel(conn, community)
            existing = await checkins_db.checkin_of_week(conn, guild_id, week)
            if existing is not None:
                raise UserError(
                    "checkins.errors.already_this_week",
                    closes=int(existing.closes_at.timestamp()),
                )
            key = open_key(schedule.id, week)
            suffix = 0
            # A finished timer keeps its key (a cancelled week, a missed opening): a manual
            # opening then takes a fresh key, since re-planning a finished one is a no-op.
            while (found := await timers_db.find(conn, OPEN_KIND, key)) is not None and (
                found.status != "pending"
            ):
                suffix += 1
                key = f"{open_key(schedule.id, week)}:now{suffix}"
            await self._core.scheduler.schedule(
                conn, guild_id, OPEN_KIND, key, now, {"schedule_id": schedule.id, "week": week}
            )
            await audit.record(conn, guild_id, actor_id, "checkin.open_now", {"week": week}, now)
        await self._core.scheduler.run_due()
        async with self._core.db.read() as conn:
            opened = await checkins_db.checkin_of_week(conn, guild_id, week)
        if opened is None:
            raise UserError("checkins.errors.channel_lost", channel_id=community.checkin_channel_id)
        if opened.message_id is None:
            raise UserError("checkins.errors.post_pending")
        return opened

    async def _require_channel(self, conn: Connection, community: Community) -> int:
        channel_id = community.checkin_channel_id
        if channel_id is None:
            raise UserError("checkins.errors.no_channel")
        if await targets_db.is_unreachable(conn, community.guild_id, channel_id):
            raise UserError("checkins.errors.channel_lost", channel_id=channel_id)
        return channel_id

    # -- the timers' work -----------------------------------------------------------

    async def begin_open(self, guild_id: int, schedule_id: int, week: str) -> OpenedCheckin | None:
        """Create the week's check-in (or find it on a re-run) and plan what follows.

        None when there is nothing to post: the schedule was replaced, the community
        left, or the check-in channel is missing or paused (the next week is still planned).
        """
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            community = await communities_db.get(conn, guild_id)
            schedule = await checkins_db.get_schedule(conn, schedule_id)
            if community is None:
                return None
            if schedule is None or not schedule.active or schedule.guild_id != guild_id:
                return None
            # Planned even while the bot is out of the guild: if it comes back within the
            # 30 days before the purge, the weekly check-ins go on by themselves.
            await self._plan_next_open(conn, community, schedule, now, skip_week=week)
            if community.left_at is not None:
                return None
            checkin = await checkins_db.checkin_of_week(conn, guild_id, week)
            if checkin is not None:
                # A re-run after a crash finishes what the first run started; another
                # schedule's check-in for the same week is left alone.
                return (
                    OpenedCheckin(checkin=checkin, community=community)
                    if checkin.schedule_id == schedule_id and checkin.status == "open"
                    else None
                )
            channel_id = community.checkin_channel_id
            if channel_id is None or await targets_db.is_unreachable(conn, guild_id, channel_id):
                return None
            closes_at = now + timedelta(hours=schedule.close_after_hours)
            checkin = await checkins_db.create_checkin(
                conn,
                guild_id,
                schedule_id=schedule.id,
                week=week,
                questions=schedule.questions,
                pulse=schedule.pulse,
                channel_id=channel_id,
                opened_at=now,
                closes_at=closes_at,
            )
            assert checkin is not None  # checked just above, under the write lock
            members = await checkins_db.community_members(conn, guild_id)
            away = await checkins_db.away_members(
                conn, guild_id, members, local_today(now, community.timezone)
            )
            await checkins_db.record_away(conn, checkin.id, away)
            key = checkin_key(checkin.id)
            payload = {"checkin_id": checkin.id}
            await self._core.scheduler.schedule(
                conn, guild_id, NUDGE_KIND, key, nudge_time(now, closes_at), payload
            )
            await self._core.scheduler.schedule(conn, guild_id, CLOSE_KIND, key, closes_at, payload)
        return OpenedCheckin(checkin=checkin, community=community)

    async def plan_after_missed_open(self, guild_id: int, schedule_id: int, week: str) -> None:
        """An opening was missed (the bot was down too long): keep the weekly chain going."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            community = await communities_db.get(conn, guild_id)
            schedule = await checkins_db.get_schedule(conn, schedule_id)
            if community is None or schedule is None or not schedule.active:
                return
            await self._plan_next_open(conn, community, schedule, now, skip_week=week)

    async def record_prompt(self, checkin_id: int, message_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await checkins_db.set_prompt(conn, checkin_id, message_id)

    async def record_thread(self, checkin_id: int, thread_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await checkins_db.set_thread(conn, checkin_id, thread_id)

    async def abandon(self, checkin_id: int) -> None:
        """The prompt could not be posted (channel lost): drop the week and its timers, so
        nobody is nudged about a check-in they cannot see."""
        async with self._core.db.transaction() as conn:
            key = checkin_key(checkin_id)
            await self._core.scheduler.cancel(conn, NUDGE_KIND, key)
            await self._core.scheduler.cancel(conn, CLOSE_KIND, key)
            await checkins_db.delete_checkin(conn, checkin_id)

    async def get(self, checkin_id: int) -> Checkin | None:
        async with self._core.db.read() as conn:
            return await checkins_db.get_checkin(conn, checkin_id)

    async def nudge_plan(self, checkin_id: int) -> NudgePlan | None:
        """Who gets the one DM nudge: known members who have not answered, are not away
        and keep DM reminders on."""
        now = self._core.clock.now()
        async with self._core.db.read() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is None or checkin.status != "open":
                return None
            community = await communities_db.get(conn, checkin.guild_id)
            if community is None:
                return None
            members = await checkins_db.community_members(conn, checkin.guild_id)
            answered = {a.user_id for a in await checkins_db.answers_to(conn, checkin_id)}
            away = set(
                await checkins_db.away_members(
                    conn, checkin.guild_id, members, local_today(now, community.timezone)
                )
            )
            profiles = await members_db.get_many(conn, checkin.guild_id, members)
        recipients = [
            user_id
            for user_id in members
            if user_id not in answered and user_id not in away and profiles[user_id].dm_reminders
        ]
        return NudgePlan(
            checkin=checkin,
            community=community,
            recipients=recipients,
            known_closed=[u for u in recipients if profiles[u].dm_closed_at is not None],
        )

    async def close(self, checkin_id: int) -> ClosedCheckin | None:
        """Close the check-in (a conditional UPDATE: twice is once) and build the digest."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is None:
                return None
            community = await communities_db.get(conn, checkin.guild_id)
            if community is None:
                return None
            if await checkins_db.close_checkin(conn, checkin_id, now):
                # Away during the week = marked away, at close, until the opening day or
                # later; recorded now so a later /me back does not rewrite the streak.
                members = await checkins_db.community_members(conn, checkin.guild_id)
                away = await checkins_db.away_members(
                    conn,
                    checkin.guild_id,
                    members,
                    local_today(checkin.opened_at, community.timezone),
                )
                await checkins_db.record_away(conn, checkin_id, away)
            digest = await self._digest(conn, checkin_id, community)
            answers = await checkins_db.answers_to(conn, checkin_id)
        return ClosedCheckin(digest=digest, community=community, answer_count=len(answers))

    async def close_missed(self, checkin_id: int) -> None:
        """The close timer was missed: close silently rather than stay open forever."""
        async with self._core.db.transaction() as conn:
            await checkins_db.close_checkin(conn, checkin_id, self._core.clock.now())

    async def _digest(self, conn: Connection, checkin_id: int, community: Community) -> Digest:
        checkin = await checkins_db.get_checkin(conn, checkin_id)
        assert checkin is not None
        answers = await checkins_db.answers_to(conn, checkin_id)
        answered = [a.user_id for a in answers]
        away = await checkins_db.away_during(conn, checkin_id)
        members = await checkins_db.community_members(conn, checkin.guild_id)
        expected = sorted({*answered, *(m for m in members if m not in away)})
        goals = [
            g
            for g in await goals_db.open_member_goals(conn, checkin.guild_id)
            if g.owner_id in expected
        ] + await goals_db.of_community(conn, checkin.guild_id, open_only=True)
        latest = await goals_db.latest_values(conn, [g.id for g in goals])
        nudge = await timers_db.find(conn, NUDGE_KIND, checkin_key(checkin_id))
        delivered = await timers_db.delivered_targets(conn, nudge.id) if nudge else {}
        unreachable = sorted(
            int(target.removeprefix("dm:"))
            for target, outcome in delivered.items()
            if target.startswith("dm:") and outcome == "fallback"
        )
        return Digest(
            checkin=checkin,
            language=community.language,
            answered=answered,
            expected=expected,
            away=sorted(away),
            help_requests=[
                HelpRequest(user_id=a.user_id, text=a.help_text) for a in answers if a.help_text
            ],
            goals=[GoalProgress(goal=g, latest=latest.get(g.id)) for g in goals],
            unreachable=unreachable,
            pulse=await self._pulse_summary(conn, checkin) if checkin.pulse else None,
        )

    async def pulse_summary(self, checkin_id: int) -> PulseSummary | None:
        async with self._core.db.read() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is None or not checkin.pulse:
                return None
            return await self._pulse_summary(conn, checkin)

    @staticmethod
    async def _pulse_summary(conn: Connection, checkin: Checkin) -> PulseSummary:
        tally = await checkins_db.pulse_tally(conn, checkin.id)
        average = tally.total / tally.count if tally.count >= PULSE_MIN_ANSWERS else None
        return PulseSummary(count=tally.count, average=average)

    # -- answering ------------------------------------------------------------------

    def questions_for(self, checkin: Checkin, language: str) -> list[str]:
        """The text questions of a check-in: the custom ones, or the built-in ones."""
        if checkin.questions is not None:
            return list(checkin.questions)
        return [self._core.catalog.t(language, key) for key in DEFAULT_QUESTION_KEYS]

    async def answer_form(
        self, guild_id: int, checkin_id: int, user_id: int, language: str
    ) -> AnswerForm:
        """What the Answer button opens: a blank modal, or the member's answer to edit."""
        await self._community.require(guild_id)
        async with self._core.db.read() as conn:
            checkin = await self._open_checkin(conn, guild_id, checkin_id)
            existing = await checkins_db.answer_of(conn, checkin_id, user_id)
            goal = (
                await goals_db.get(conn, guild_id, existing.goal_id)
                if existing is not None and existing.goal_id is not None
                else await current_goal_in(conn, guild_id, user_id)
            )
        return AnswerForm(
            checkin=checkin,
            questions=self.questions_for(checkin, language),
            goal=goal,
            existing=existing,
        )

    async def edit_form(
        self, guild_id: int, answer_id: int, user_id: int, language: str
    ) -> AnswerForm:
        """*Edit my answer*: only one's own answer, only while the check-in is open."""
        async with self._core.db.read() as conn:
            answer = await checkins_db.get_answer(conn, guild_id, answer_id)
        if answer is None:
            raise UserError("checkins.errors.unknown_answer")
        if answer.user_id != user_id:
            raise UserError("checkins.errors.not_your_answer")
        return await self.answer_form(guild_id, answer.checkin_id, user_id, language)

    async def _open_checkin(self, conn: Connection, guild_id: int, checkin_id: int) -> Checkin:
        checkin = await checkins_db.get_checkin(conn, checkin_id)
        if checkin is None or checkin.guild_id != guild_id:
            raise UserError("checkins.errors.unknown_checkin")
        if checkin.status != "open" or self._core.clock.now() >= checkin.closes_at:
            raise UserError("checkins.errors.closed")
        return checkin

    async def save_answer(
        self,
        guild_id: int,
        checkin_id: int,
        user_id: int,
        *,
        progress: str | None,
        texts: list[str],
        language: str,
    ) -> SavedAnswer:
        """Store the member's answer (first time) or update it (edit); one per week.

        ``texts`` are aligned with the check-in's text questions. At least one answer
        (a number or a text) is required.
        """
        community = await self._community.require(guild_id)
        catalog = self._core.catalog
        value = parse_number(progress, field=catalog.t(language, "checkins.fields.progress"))
        cleaned = [
            clean_text(
                text,
                field=catalog.t(language, "checkins.fields.answer", number=index),
                max_length=ANSWER_MAX,
                required=False,
                multiline=True,
            )
            for index, text in enumerate(texts, start=1)
        ]
        if value is None and not any(cleaned):
            raise UserError("checkins.errors.empty_answer")
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            checkin = await self._open_checkin(conn, guild_id, checkin_id)
            expected = len(self.questions_for(checkin, community.language))
            if len(cleaned) != expected:
                raise UserError("checkins.errors.questions_changed")
            help_text = cleaned[-1] if cleaned else ""
            await members_db.ensure(conn, guild_id, user_id, now)
            goal = await current_goal_in(conn, guild_id, user_id)
            answer = await checkins_db.insert_answer(
                conn,
                guild_id,
                checkin_id,
                user_id,
                goal_id=goal.id if goal else None,
                progress=value,
                texts=cleaned,
                help_text=help_text,
                now=now,
            )
            created = answer is not None
            if answer is None:  # already answered (the UNIQUE constraint): this is an edit
                previous = await checkins_db.answer_of(conn, checkin_id, user_id)
                assert previous is not None
                await checkins_db.update_answer(
                    conn, previous.id, progress=value, texts=cleaned, help_text=help_text, now=now
                )
                answer = await checkins_db.answer_of(conn, checkin_id, user_id)
                assert answer is not None
            goal = await goals_db.get(conn, guild_id, answer.goal_id) if answer.goal_id else None
        return SavedAnswer(
            answer=answer,
            checkin=checkin,
            questions=self.questions_for(checkin, community.language),
            language=community.language,
            goal=goal,
            created=created,
        )

    async def record_answer_post(self, answer_id: int, message_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await checkins_db.set_answer_post(conn, answer_id, message_id)

    async def vote_pulse(self, guild_id: int, checkin_id: int, user_id: int, score: int) -> bool:
        """One anonymous vote per member (changing it is allowed); True if first."""
        await self._community.require(guild_id)
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise UserError("checkins.errors.bad_pulse")
        secret = self._core.settings.privacy.secret
        if secret is None:
            raise UserError("checkins.errors.pulse_unavailable")
        voter = hmac.new(
            secret.get_secret_value().encode(),
            f"pulse|{checkin_id}|{user_id}".encode(),
            hashlib.sha256,
        ).hexdigest()
        async with self._core.db.transaction() as conn:
            checkin = await self._open_checkin(conn, guild_id, checkin_id)
            if not checkin.pulse:
                raise UserError("checkins.errors.no_pulse")
            return await checkins_db.vote_pulse(conn, checkin_id, voter, score)

    # -- the member's view ------------------------------------------------------------

    async def history(self, guild_id: int, user_id: int) -> CheckinHistory:
        """``/checkin me``: streak (away weeks neither count nor break it) and history."""
        await self._community.require(guild_id)
        now = self._core.clock.now()
        async with self._core.db.read() as conn:
            checkins = await checkins_db.checkins_of(conn, guild_id, newest_first=True)
            answers = {
                a.checkin_id: a
                for a in await checkins_db.answers_of_member(conn, guild_id, user_id)
            }
            away = await checkins_db.away_weeks_of_member(conn, guild_id, user_id)
            member = await members_db.get(conn, guild_id, user_id)
        joined = member.created_at if member else now
        entries: list[WeekEntry] = []
        for checkin in checkins:
            status: WeekStatus
            if checkin.id in answers:
                status = "answered"
            elif checkin.id in away:
                status = "away"
            elif checkin.status == "open" and now < checkin.closes_at:
                status = "open"
            elif checkin.closes_at <= joined:
                continue  # closed before the member took part in anything: not a miss
            else:
                status = "missed"
            answer = answers.get(checkin.id)
            entries.append(
                WeekEntry(
                    checkin_id=checkin.id,
                    week=checkin.week,
                    opened_at=checkin.opened_at,
                    status=status,
                    progress=answer.progress if answer else None,
                )
            )
        return CheckinHistory(
            streak=_current_streak(entries),
            best_streak=_best_streak(entries),
            answered=sum(1 for e in entries if e.status == "answered"),
            weeks=entries[:HISTORY_WEEKS],
        )

    # -- export ----------------------------------------------------------------------

    async def answer_authors(self, guild_id: int) -> list[int]:
        """Who answered any check-in here (the cog looks their names up for the export)."""
        await self._community.require(guild_id)
        async with self._core.db.read() as conn:
            answers = await checkins_db.answers_of_guild(conn, guild_id)
        return sorted({a.user_id for a in answers})

    async def export_csv(self, guild_id: int, names: Mapping[int, str]) -> CsvExport:
        """``/checkin export``: one row per answer (the pulse is anonymous: not included)."""
        community = await self._community.require(guild_id)
        async with self._core.db.read() as conn:
            checkins = {c.id: c for c in await checkins_db.checkins_of(conn, guild_id)}
            answers = await checkins_db.answers_of_guild(conn, guild_id)
            goal_ids = sorted({a.goal_id for a in answers if a.goal_id is not None})
            goals = {
                goal_id: goal
                for goal_id in goal_ids
                if (goal := await goals_db.get(conn, guild_id, goal_id)) is not None
            }
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        answers.sort(key=lambda a: (checkins[a.checkin_id].opened_at, a.created_at, a.id))
        for answer in answers:
            checkin = checkins[answer.checkin_id]
            questions = self.questions_for(checkin, community.language)
            goal = goals.get(answer.goal_id) if answer.goal_id is not None else None
            row: list[str] = [
                checkin.week,
                checkin.opened_at.isoformat(),
                str(answer.user_id),
                csv_text(names.get(answer.user_id, "")),
                answer.created_at.isoformat(),
                answer.updated_at.isoformat(),
                csv_text(goal.title) if goal else "",
                format_number(answer.progress) if answer.progress is not None else "",
                format_number(goal.target) if goal else "",
            ]
            for index in range(MAX_TEXT_QUESTIONS):
                row.append(csv_text(questions[index]) if index < len(questions) else "")
                row.append(csv_text(answer.texts[index]) if index < len(answer.texts) else "")
            writer.writerow(row)
        return CsvExport(text=out.getvalue(), rows=len(answers))

    # -- /plc status --------------------------------------------------------------------

    async def status_lines(self, guild_id: int) -> list[StatusLine]:
        now = self._core.clock.now()
        async with self._core.db.read() as conn:
            current = await checkins_db.open_checkin(conn, guild_id)
            schedule = await checkins_db.active_schedule(conn, guild_id)
            community = await communities_db.get(conn, guild_id)
            next_at = None
            if schedule is not None and community is not None:
                next_at, _ = await _next_free_slot(conn, community, schedule, now, None)
        lines = []
        if current is not None:
            lines.append(
                StatusLine(
                    key="checkins.status.open",
                    params={"closes": int(current.closes_at.timestamp())},
                )
            )
        if next_at is not None:
            lines.append(
                StatusLine(key="checkins.status.next", params={"at": int(next_at.timestamp())})
            )
        elif schedule is None:
            lines.append(StatusLine(key="checkins.status.none"))
        return lines

    # -- retention (G3) -------------------------------------------------------------------

    @staticmethod
    async def purge_old(conn: Connection, now: datetime) -> int:
        """Check-ins (and their answers) are kept 12 months (README, Privacy)."""
        return await checkins_db.purge_closed_before(conn, now - RETENTION)

    # -- personal data (G1, G2) -----------------------------------------------------------

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
                    "questions": self.questions_for(checkin, language),
                    **answer.model_dump(mode="json"),
                }
            )
        away = await checkins_db.away_weeks_of_member(conn, guild_id, user_id)
        weeks = []
        for checkin_id in sorted(away):
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is not None:
                weeks.append(checkin.week)
        return {
            "answers": exported,
            "away_weeks": weeks,
            "pulse": "not included: pulse votes are anonymous and not linked to you",
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        await checkins_db.delete_answers_of_member(conn, guild_id, user_id)
        await checkins_db.delete_away_of_member(conn, guild_id, user_id)


CSV_HEADER = (
    "week",
    "opened_at",
    "user_id",
    "member",
    "answered_at",
    "updated_at",
    "goal",
    "progress",
    "target",
    "question_1",
    "answer_1",
    "question_2",
    "answer_2",
    "question_3",
    "answer_3",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def _next_free_slot(
    conn: Connection,
    community: Community,
    schedule: CheckinSchedule,
    after: datetime,
    skip_week: str | None,
) -> tuple[datetime, str]:
    """The first weekly opening after ``after`` whose week has no check-in yet."""
    candidate = after
    for _ in range(4):
        candidate = next_open_after(
            candidate, schedule.weekday, schedule.local_time, community.timezone
        )
        week = week_of(candidate, community.timezone)
        if week != skip_week and (
            await checkins_db.checkin_of_week(conn, community.guild_id, week) is None
        ):
            return candidate, week
    raise AssertionError("four weeks in a row cannot all have a check-in already")


def csv_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection): a leading ``'``."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _current_streak(entries: list[WeekEntry]) -> int:
    """Consecutive answered weeks from the newest; away and still-open weeks are skipped."""
    streak = 0
    for entry in entries:  # newest first
        if entry.status == "answered":
            streak += 1
        elif entry.status == "missed":
            break
    return streak


def _best_streak(entries: list[WeekEntry]) -> int:
    best = run = 0
    for entry in reversed(entries):  # oldest first
        if entry.status == "answered":
            run += 1
            best = max(best, run)
        elif entry.status == "missed":
            run = 0
    return best
