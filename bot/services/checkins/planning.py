"""Planning check-ins: ``/checkin schedule``, ``/checkin now``, the weekly chain, status.

Each ``/checkin schedule`` writes a new schedule and retires the old one (with its
pending opening), so timer keys are never reused. Opening a week plans the next
week's opening in the same transaction, so the chain never stalls.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actor import Actor
from bot.chat import Moment
from bot.dates import local_today
from bot.db import audit
from bot.db import checkins as checkins_db
from bot.db import timers as timers_db
from bot.db.checkins import Checkin, CheckinSchedule
from bot.db.connection import Connection
from bot.errors import UserError
from bot.services.base import StatusLine, StatusRead
from bot.services.checkins.base import CheckinPart, channel_ref, next_free_slot, openings
from bot.services.checkins.models import OpenedNow, ScheduleResult
from bot.services.checkins.schedule import (
    OPEN_KIND,
    gap_days,
    open_key,
    parse_close_after,
    parse_time_of_day,
    schedule_settings,
    week_of,
)


class CheckinPlanning(CheckinPart):
    async def set_schedule(
        self,
        actor: Actor,
        *,
        weekday: int,
        time_text: str,
        questions_text: str | None,
        close_after_hours: int | None,
        pulse: bool | None,
    ) -> ScheduleResult:
        """``/checkin schedule`` (facilitators): the weekly opening, questions, window, pulse.

        The questions, window and pulse left out (None) stay as the current schedule has
        them (the defaults without one); ``questions`` "default" returns to the built-in
        questions.
        """
        community = await self._community.require_facilitator(actor)
        async with self._core.db.read() as conn:
            await self._shared.require_channel(conn, community)
            current = await checkins_db.active_schedule(conn, actor.guild_id)
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise UserError("checkins.errors.bad_day")
        at = parse_time_of_day(time_text)
        questions, hours, pulse = schedule_settings(
            current, questions_text, close_after_hours, pulse
        )
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            schedule, old = await checkins_db.replace_schedule(
                conn,
                actor.guild_id,
                weekday=weekday,
                local_time=at,
                questions=questions,
                close_after_hours=hours,
                pulse=pulse,
                now=now,
            )
            if old is not None:
                await self._core.scheduler.cancel_prefix(conn, OPEN_KIND, f"checkin:{old.id}:")
            next_at = await self._shared.plan_next_open(conn, community, schedule, now)
            await _audit_schedule(conn, actor, schedule, now)
        return ScheduleResult(
            schedule=schedule,
            next_open_at=next_at,
            timezone=community.timezone,
            gap_days=gap_days(
                weekday, at, community.timezone, local_today(now, community.timezone)
            ),
        )

    async def open_now(self, actor: Actor) -> OpenedNow:
        """``/checkin now`` (facilitators): plan this week's opening for now and run it.

        Before any ``/checkin schedule``, the community gets the default weekly check-in
        (this weekday, this hour on the hour, the default questions), which the reply says
        and ``/checkin schedule`` changes. A scheduled opening later this week is replaced
        by this one (the reply says which, and when the next one opens). Only that timer
        runs (``scheduler.run_now``), not whatever else is due.
        """
        community = await self._community.require_facilitator(actor)
        guild_id = actor.guild_id
        now = self._core.clock.now()
        week = week_of(now, community.timezone)
        async with self._core.db.transaction() as conn:
            await self._shared.require_channel(conn, community)
            schedule = await checkins_db.active_schedule(conn, guild_id)
            created = schedule is None
            if schedule is None:
                schedule = await _default_schedule(conn, actor, community.timezone, now)
            existing = await checkins_db.checkin_of_week(conn, guild_id, week)
            if existing is not None:
                opens_next, _ = await next_free_slot(conn, community, schedule, now, None)
                raise _already_this_week(existing, now, opens_next)
            replaced = await _scheduled_later(conn, schedule.id, week, now)
            key = await _manual_open_key(conn, schedule.id, week)
            await self._core.scheduler.schedule(
                conn, guild_id, OPEN_KIND, key, now, {"schedule_id": schedule.id, "week": week}
            )
            await audit.record(
                conn, guild_id, actor.user_id, "checkin.open_now", {"week": week}, now
            )
        await self._core.scheduler.run_now(OPEN_KIND, key)
        async with self._core.db.read() as conn:
            opened = await checkins_db.checkin_of_week(conn, guild_id, week)
            next_at = None
            if replaced is not None:
                next_at, _ = await next_free_slot(conn, community, schedule, now, None)
        if opened is None:
            raise UserError(
                "checkins.errors.channel_lost", channel=channel_ref(community.checkin_channel_id)
            )
        if opened.message_id is None:
            raise UserError("checkins.errors.post_pending")
        return OpenedNow(
            checkin=opened,
            schedule=schedule if created else None,
            replaced=replaced,
            next_open_at=next_at,
        )

    async def status_lines(self, read: StatusRead) -> list[StatusLine]:
        """``/plc status``: the open check-in and the next opening, in one read."""
        now = self._core.clock.now()
        community = await self._shared.community.get(read.guild_id)
        zone = community.timezone if community is not None else "UTC"
        seen = await checkins_db.outlook(read.conn, read.guild_id, week_of(now, zone))
        lines = []
        if seen.closes_at is not None:
            lines.append(
                StatusLine(
                    key="checkins.status.open",
                    params={"closes": Moment(at=seen.closes_at, style="relative")},
                )
            )
        if seen.weekday is None or seen.local_time is None:
            lines.append(StatusLine(key="checkins.status.none"))
        elif community is not None:
            next_at = next(
                at
                for at, week in openings(now, seen.weekday, seen.local_time, zone)
                if week not in seen.taken
            )
            lines.append(StatusLine(key="checkins.status.next", params={"at": Moment(at=next_at)}))
        return lines


async def _default_schedule(
    conn: Connection, actor: Actor, zone: str, now: datetime
) -> CheckinSchedule:
    """The weekly check-in ``/checkin now`` starts where there was no schedule: this
    weekday, this hour on the hour, the default questions and window, no pulse."""
    local = now.astimezone(ZoneInfo(zone))
    schedule, _ = await checkins_db.replace_schedule(
        conn,
        actor.guild_id,
        weekday=local.weekday(),
        local_time=local.time().replace(minute=0, second=0, microsecond=0),
        questions=None,
        close_after_hours=parse_close_after(None),
        pulse=False,
        now=now,
    )
    await audit.record(conn, actor.guild_id, actor.user_id, "checkin.schedule_default", {}, now)
    return schedule


async def _scheduled_later(
    conn: Connection, schedule_id: int, week: str, now: datetime
) -> datetime | None:
    """When this week's scheduled opening was due, if it is still to come: ``/checkin
    now`` opens the week in its place."""
    planned = await timers_db.find(conn, OPEN_KIND, open_key(schedule_id, week))
    if planned is None or planned.status != "pending" or planned.due_at <= now:
        return None
    return planned.due_at


def _already_this_week(existing: Checkin, now: datetime, next_at: datetime) -> UserError:
    """Why ``/checkin now`` opens nothing: this week's check-in is open (until when), or
    it is done (when it closed, and when the next one opens: ``next_at``)."""
    if existing.status == "open" and now < existing.closes_at:
        return UserError(
            "checkins.errors.already_open",
            closes=Moment(at=existing.closes_at, style="relative"),
        )
    return UserError(
        "checkins.errors.already_done",
        closed=Moment(at=existing.closed_at or existing.closes_at),
        next=Moment(at=next_at),
    )


async def _manual_open_key(conn: Connection, schedule_id: int, week: str) -> str:
    """The key of a week's opening run by hand. A finished timer keeps its key (a
    cancelled week, a missed opening), and re-planning a finished one is a no-op: a
    manual opening then takes a fresh key."""
    key = open_key(schedule_id, week)
    suffix = 0
    while (found := await timers_db.find(conn, OPEN_KIND, key)) is not None and (
        found.status != "pending"
    ):
        suffix += 1
        key = f"{open_key(schedule_id, week)}:now{suffix}"
    return key


async def _audit_schedule(
    conn: Connection, actor: Actor, schedule: CheckinSchedule, now: datetime
) -> None:
    await audit.record(
        conn,
        actor.guild_id,
        actor.user_id,
        "checkin.schedule",
        {
            "schedule_id": schedule.id,
            "weekday": schedule.weekday,
            "time": schedule.local_time.strftime("%H:%M"),
            "close_after_hours": schedule.close_after_hours,
            "pulse": schedule.pulse,
            "custom_questions": schedule.questions is not None,
        },
        now,
    )
