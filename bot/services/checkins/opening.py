"""Opening the week: the ``checkin_open`` timer posts the prompt and starts its thread.

Creating the check-in plans its nudge, its close and next week's opening in the same
transaction; each later step (prompt posted, thread started) is recorded before the
next, and the prompt carries the firing's nonce, so a re-run after a crash or a
restart finishes the work without posting twice.
"""

from __future__ import annotations

from datetime import timedelta

from bot.chat import Channel, Notice, Posted
from bot.dates import local_today
from bot.db import checkins as checkins_db
from bot.db import communities as communities_db
from bot.db import targets as targets_db
from bot.db.timers import Timer
from bot.i18n import format_calendar_day
from bot.missed import MissedResult
from bot.scheduler import Firing, nonce_for
from bot.services.checkins.base import CheckinPart, community_language
from bot.services.checkins.cards import CheckinPrompt
from bot.services.checkins.models import OpenedCheckin
from bot.services.checkins.schedule import (
    CLOSE_KIND,
    NUDGE_KIND,
    checkin_key,
    nudge_time,
    week_shown,
)


class CheckinOpening(CheckinPart):
    async def on_open(self, timer: Timer, firing: Firing) -> None:
        opened = await self._begin_open(
            timer.guild_id, int(timer.payload["schedule_id"]), str(timer.payload["week"])
        )
        if opened is None:
            return
        checkin = opened.checkin
        language = community_language(opened.community)
        chat = self._core.chat
        message_id = checkin.message_id
        if message_id is None:
            prompt = CheckinPrompt(language=language, checkin=checkin, late=firing.late)
            posted = await chat.send(
                Channel(checkin.guild_id, checkin.channel_id), prompt, nonce=firing.nonce("prompt")
            )
            if posted is None:  # channel deleted or access lost: paused, admins told
                await self.abandon(checkin.id)
                return
            message_id = posted.message_id
            async with self._core.db.transaction() as conn:
                await checkins_db.set_prompt(conn, checkin.id, message_id)
        if checkin.thread_id is None:
            week = week_shown(checkin.week)  # a thread's name is plain text: written here
            week_name = format_calendar_day(week.day, language, year=week.year)
            name = self._core.catalog.t(language, "checkins.prompt.thread", monday=week_name)
            thread = await chat.start_thread(
                Posted(checkin.guild_id, checkin.channel_id, message_id), name
            )
            if thread is not None:  # else members answer in the channel
                async with self._core.db.transaction() as conn:
                    await checkins_db.set_thread(conn, checkin.id, thread.channel_id)

    async def _begin_open(self, guild_id: int, schedule_id: int, week: str) -> OpenedCheckin | None:
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
            await self._shared.plan_next_open(conn, community, schedule, now, skip_week=week)
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
            today = local_today(now, community.timezone)
            await checkins_db.record_away(
                conn, checkin.id, await self._shared.away(conn, guild_id, members, today)
            )
            key = checkin_key(checkin.id)
            payload = {"checkin_id": checkin.id}
            await self._core.scheduler.schedule(
                conn, guild_id, NUDGE_KIND, key, nudge_time(now, closes_at), payload
            )
            await self._core.scheduler.schedule(conn, guild_id, CLOSE_KIND, key, closes_at, payload)
        return OpenedCheckin(checkin=checkin, community=community)

    async def abandon(self, checkin_id: int) -> None:
        """The prompt could not be posted (channel lost): drop the week and its timers, so
        nobody is nudged about a check-in they cannot see."""
        async with self._core.db.transaction() as conn:
            key = checkin_key(checkin_id)
            await self._core.scheduler.cancel(conn, NUDGE_KIND, key)
            await self._core.scheduler.cancel(conn, CLOSE_KIND, key)
            await checkins_db.delete_checkin(conn, checkin_id)

    async def on_open_missed(self, timer: Timer) -> MissedResult:
        """Too late to open (bot down past the grace): keep the chain, tell facilitators."""
        applies = await self._plan_after_missed_open(
            timer.guild_id, int(timer.payload["schedule_id"]), str(timer.payload["week"])
        )
        community = await self._community.get(timer.guild_id)
        if not applies or community is None:
            return "moot"  # the schedule was replaced or stopped meanwhile
        told = await self._community.tell_facilitators(
            community,
            Notice(language=community_language(community), key="checkins.missed.open"),
            nonce=nonce_for("checkin_open_missed", timer.key),
        )
        return "done" if told else "undone"

    async def _plan_after_missed_open(self, guild_id: int, schedule_id: int, week: str) -> bool:
        """An opening was missed (the bot was down too long): keep the weekly chain going.
        False if the schedule is no longer in use (nothing was missed then)."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            community = await communities_db.get(conn, guild_id)
            schedule = await checkins_db.get_schedule(conn, schedule_id)
            if community is None or schedule is None or not schedule.active:
                return False
            await self._shared.plan_next_open(conn, community, schedule, now, skip_week=week)
        return True
