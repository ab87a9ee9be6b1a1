"""Timer handlers of meetings: reminders (channel + DMs) and the end of an occurrence.

A reminder reaches each target once: DMs first (a closed DM is recorded as a
``fallback`` delivery and the member is mentioned in the channel post instead,
never retried), then the channel post. A re-run after a crash skips targets
already reached, and every send carries the firing's nonce (RELIABILITY S1–S3, D5).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.db.timers import Timer
from bot.scheduler import Firing, TimerKind, nonce_for
from bot.services.meetings import END_KIND, REMINDER_KIND, MeetingService, ReminderPlan
from bot.text import inert_markdown
from cogs import delivery
from cogs.meetings import render
from cogs.meetings.publisher import MeetingPublisher

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)


class MeetingTimers:
    def __init__(self, bot: PlcBot, meetings: MeetingService, publisher: MeetingPublisher) -> None:
        self.bot = bot
        self.meetings = meetings
        self.publisher = publisher

    def register(self) -> None:
        scheduler = self.bot.core.scheduler
        scheduler.register(TimerKind(REMINDER_KIND, self.remind, on_missed=self.reminder_missed))
        # An occurrence's end must roll the series on even when the bot was down
        # past the grace: the "missed" path does the same work, just late.
        scheduler.register(TimerKind(END_KIND, self.end, on_missed=self.end_missed))

    # -- reminders --------------------------------------------------------------------

    async def remind(self, timer: Timer, firing: Firing) -> None:
        plan = await self.meetings.reminder(timer.payload)
        if plan is None:
            return
        guild_id = plan.upcoming.meeting.guild_id
        fallback = list(plan.closed_dm_user_ids)
        dm_text = self._text(plan, "meetings.reminder.dm", firing.late)
        for user_id in plan.dm_user_ids:
            target = f"dm:{user_id}"
            if firing.already_delivered(target):
                if firing.outcome(target) == "fallback":
                    fallback.append(user_id)
                continue
            message = await delivery.dm(
                self.bot, guild_id, user_id, nonce=firing.nonce(target), content=dm_text
            )
            if message is None:
                fallback.append(user_id)
                await firing.delivered(target, "fallback")
            else:
                await firing.delivered(target, "sent", message.id)
        if plan.channel_id is None:
            return
        target = f"channel:{plan.channel_id}"
        if firing.already_delivered(target):
            return
        lines = [self._text(plan, "meetings.reminder.channel", firing.late)]
        if fallback:
            lines.append(
                self.bot.catalog.t(
                    plan.language, "delivery.dm_fallback", mentions=render.mentions(fallback)
                )
            )
        message = await delivery.post(
            self.bot,
            guild_id,
            plan.channel_id,
            nonce=firing.nonce(target),
            content="\n".join(lines),
            allowed_mentions=discord.AllowedMentions(
                users=[discord.Object(id=user_id) for user_id in fallback]
            ),
        )
        await firing.delivered(
            target, "sent" if message else "failed", message.id if message else None
        )

    def _text(self, plan: ReminderPlan, key: str, late: bool) -> str:
        catalog, language, upcoming = self.bot.catalog, plan.language, plan.upcoming
        text = catalog.t(
            language,
            key,
            title=inert_markdown(upcoming.meeting.title),
            timestamp=render.timestamp(upcoming),
            place=render.meeting_place(catalog, language, upcoming),
            channel_id=plan.channel_id or 0,
        )
        return f"{text}\n{catalog.t(language, 'delivery.late')}" if late else text

    async def reminder_missed(self, timer: Timer) -> None:
        """Beyond the grace: tell the facilitators instead of reminding hours late (S1)."""
        notice = await self.meetings.missed_reminder(timer.payload)
        if notice is None:
            return
        catalog, language = self.bot.catalog, notice.language
        text = catalog.t(
            language,
            "meetings.reminder.missed",
            offset=render.duration_text(catalog, language, notice.offset_minutes),
            title=inert_markdown(notice.upcoming.meeting.title),
            timestamp=render.timestamp(notice.upcoming),
        )
        await delivery.post(
            self.bot,
            notice.upcoming.meeting.guild_id,
            notice.channel_id,
            nonce=nonce_for("missed", timer.kind, timer.key),
            content=text,
        )

    # -- the end of an occurrence --------------------------------------------------------

    async def end(self, timer: Timer, firing: Firing) -> None:
        await self.roll_on(int(timer.payload["occurrence_id"]))

    async def end_missed(self, timer: Timer) -> None:
        await self.roll_on(int(timer.payload["occurrence_id"]))

    async def roll_on(self, occurrence_id: int) -> None:
        """Close the occurrence, announce the next one, move the event forward."""
        rollover = await self.meetings.complete_occurrence(occurrence_id)
        if rollover is None:
            return
        following = rollover.next
        if following is not None and following.occurrence.announcement_message_id is None:
            await self.publisher.announce(following)
        problem = await self.publisher.sync_event(rollover.meeting.id)
        if problem is not None:
            log.info("meeting %s: event not rolled forward (%s)", rollover.meeting.id, problem)
