"""What meeting timers do: remind before the start, roll the series on at the end.

A reminder reaches each target once: DMs first (a closed DM is recorded as a
``fallback`` delivery and the member is mentioned in the channel post instead,
never retried), then the channel post. A re-run after a crash skips targets
already reached, and every send carries the firing's nonce.
Who gets a DM is :meth:`MemberService.audience`'s rule, the same for every feature.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.chat import Channel, DirectMessage
from bot.dates import local_today
from bot.db import communities as communities_db
from bot.db import meeting_rsvps as rsvps_db
from bot.db import meetings as meetings_db
from bot.db.communities import Community
from bot.db.timers import Timer
from bot.missed import MissedResult
from bot.scheduler import Firing, TimerKind, nonce_for
from bot.services.base import Core
from bot.services.community import MemberService
from bot.services.meetings.cards import MeetingReminder, MissedReminder, community_language
from bot.services.meetings.mirror import EventMirror
from bot.services.meetings.models import (
    END_KIND,
    REMINDER_KIND,
    MissedNotice,
    ReminderPlan,
    Rollover,
    UpcomingMeeting,
    stamp,
)
from bot.services.meetings.occurrences import Occurrences
from bot.services.meetings.publisher import Publisher
from bot.services.meetings.reader import DateReader
from bot.services.meetings.times import reminder_lead
from bot.services.sends import send_once

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class MeetingTimers:
    """The handlers of the meetings' timer kinds, over the parts they post through."""

    core: Core
    members: MemberService
    occurrences: Occurrences
    publisher: Publisher
    mirror: EventMirror
    dates: DateReader

    def kinds(self) -> list[TimerKind]:
        return [
            TimerKind.tell(
                REMINDER_KIND,
                self.remind,
                self.reminder_missed,
                said="meetings.status.missed.reminder",
            ),
            # An occurrence's end must roll the series on however long the bot was down.
            TimerKind.run_late(END_KIND, self.end, said="meetings.status.missed.end"),
        ]

    # -- reminders --------------------------------------------------------------------

    async def reminder(self, payload: dict[str, Any]) -> ReminderPlan | None:
        """Who a due reminder goes to; None when it no longer applies (cancelled, moved)."""
        found = await self._live_occurrence(payload)
        if found is None:
            return None
        upcoming, community = found
        today = local_today(self.core.clock.now(), community.timezone)
        async with self.core.db.read() as conn:
            rsvps = await rsvps_db.rsvps_for(conn, upcoming.occurrence.id, ("going", "maybe"))
            audience = await self.members.audience(
                conn, community.guild_id, [r.user_id for r in rsvps], today
            )
        return ReminderPlan(
            upcoming=upcoming,
            language=community.language,
            channel_id=community.announcements_channel_id,
            offset_minutes=int(payload["offset"]),
            dm_user_ids=audience.direct,
            closed_dm_user_ids=audience.mention_instead,
        )

    async def remind(self, timer: Timer, firing: Firing) -> None:
        plan = await self.reminder(timer.payload)
        if plan is None:
            return
        guild_id, chat = plan.upcoming.meeting.guild_id, self.core.chat
        fallback = list(plan.closed_dm_user_ids)
        personal = _reminder(plan, firing, direct=True)
        for user_id in plan.dm_user_ids:
            dm = DirectMessage(guild_id, user_id)
            if await send_once(chat, firing, dm, personal, missing="fallback") == "fallback":
                fallback.append(user_id)
        if plan.channel_id is None:
            return
        card = _reminder(plan, firing, direct=False, fallback=fallback)
        await send_once(chat, firing, Channel(guild_id, plan.channel_id), card, mention=fallback)

    async def missed_reminder(self, payload: dict[str, Any]) -> MissedNotice | None:
        """Where to tell the facilitators that a reminder could not go out in time."""
        found = await self._live_occurrence(payload)
        if found is None:
            return None
        upcoming, community = found
        channel_id = community.moderation_channel_id or community.announcements_channel_id
        if channel_id is None:
            return None
        return MissedNotice(
            upcoming=upcoming,
            language=community.language,
            channel_id=channel_id,
            offset_minutes=int(payload["offset"]),
        )

    async def reminder_missed(self, timer: Timer) -> MissedResult:
        """Beyond the grace: tell the facilitators instead of reminding hours late."""
        notice = await self.missed_reminder(timer.payload)
        if notice is None:
            # No channel to tell them in, unless the reminder no longer applied at all.
            live = await self._live_occurrence(timer.payload)
            return "moot" if live is None else "undone"
        meeting = notice.upcoming.meeting
        posted = await self.core.chat.send(
            Channel(meeting.guild_id, notice.channel_id),
            MissedReminder(
                language=community_language(notice.language),
                offset_minutes=notice.offset_minutes,
                title=meeting.title,
                starts_at=notice.upcoming.occurrence.starts_at,
            ),
            nonce=nonce_for("missed", timer.kind, timer.key),
        )
        return "done" if posted is not None else "undone"

    async def _live_occurrence(
        self, payload: dict[str, Any]
    ) -> tuple[UpcomingMeeting, Community] | None:
        async with self.core.db.read() as conn:
            occurrence = await meetings_db.get_occurrence(conn, int(payload["occurrence_id"]))
            if occurrence is None or occurrence.status != "scheduled":
                return None
            if stamp(occurrence.starts_at) != payload.get("starts_at"):
                return None  # moved since; the timers of the new time apply
            upcoming = await self.dates.load(conn, occurrence.id)
            community = await communities_db.get(conn, occurrence.guild_id)
        if upcoming.meeting.cancelled_at is not None or community is None:
            return None
        if community.left_at is not None:
            return None
        return upcoming, community

    # -- the end of an occurrence --------------------------------------------------------

    async def end(self, timer: Timer, firing: Firing) -> None:
        await self.roll_on(int(timer.payload["occurrence_id"]))

    async def roll_on(self, occurrence_id: int) -> None:
        """Close the occurrence (its announcement shown over, without buttons), announce the
        next one (planned with it), move the event forward."""
        rollover = await self.complete_occurrence(occurrence_id)
        if rollover is None:
            return
        if rollover.ended is not None:
            await self.publisher.refresh(rollover.ended)  # over: its buttons go
        following = rollover.next
        if following is not None and following.announcement is None:
            await self.publisher.announce(following)
        problem = await self.mirror.sync(rollover.meeting.id)
        if problem is not None:
            log.info("meeting %s: event not rolled forward (%s)", rollover.meeting.id, problem)

    async def complete_occurrence(self, occurrence_id: int) -> Rollover | None:
        """An occurrence ended: mark it done and add the next one (idempotent).

        Run again after a crash, it changes nothing and returns the same next
        occurrence, so the caller can still announce it if that had not happened.
        """
        now = self.core.clock.now()
        async with self.core.db.transaction() as conn:
            occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
            if occurrence is None:
                return None
            meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
            community = await communities_db.get(conn, occurrence.guild_id)
            if meeting is None or community is None:
                return None
            if occurrence.status == "scheduled":
                if now < occurrence.starts_at + timedelta(minutes=meeting.duration_minutes):
                    return None  # a stale wake-up; the occurrence's own end timer will come
                await self.occurrences.held(conn, occurrence.id)
                if meeting.cancelled_at is None:
                    await self.occurrences.add_next(conn, meeting, occurrence, community)
            if meeting.cancelled_at is not None:
                return Rollover(meeting=meeting, next=None)
            following = await meetings_db.scheduled_occurrence(conn, meeting.id)
            next_upcoming = await self.dates.load(conn, following.id) if following else None
            meeting = await meetings_db.get_meeting(conn, meeting.id) or meeting
            ended = await self.dates.load(conn, occurrence.id)
        return Rollover(meeting=meeting, next=next_upcoming, ended=ended)


def _reminder(
    plan: ReminderPlan, firing: Firing, *, direct: bool, fallback: list[int] | None = None
) -> MeetingReminder:
    """The reminder as sent now: its lead time said as fixed text (the real time left
    when it goes out late), so it reads right whenever it is read."""
    meeting, starts_at = plan.upcoming.meeting, plan.upcoming.occurrence.starts_at
    return MeetingReminder(
        language=community_language(plan.language),
        direct=direct,
        title=meeting.title,
        starts_at=starts_at,
        channel_id=meeting.channel_id,
        link=meeting.link,
        announcements_channel_id=plan.channel_id,
        lead_minutes=reminder_lead(plan.offset_minutes, starts_at, firing.now, late=firing.late),
        late=firing.late,
        fallback=tuple(fallback or ()),
    )
