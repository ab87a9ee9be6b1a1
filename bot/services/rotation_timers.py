"""What the rotation sends, through durable timers and the :class:`~bot.chat.Chat` port.

- ``rotation_offer``: the DM "will you facilitate?" with Accept / Can't this time. A
  member whose DMs are closed or turned off (``/me reminders off``) is asked in the
  announcements channel instead, mentioned (RELIABILITY D5). Sent once per offer:
  the timer closes once, the send carries the firing's nonce.
- ``rotation_deadline``: 24 h before the meeting, an offer still unanswered is
  marked so and the facilitators are told.
- ``rotation_notice``: tells the facilitators what the rotation could not settle
  (empty, everyone away or declined: S8) — in the moderation channel, else the
  announcements channel.
"""

from __future__ import annotations

import logging

from bot.chat import Channel, DirectMessage
from bot.db import communities as communities_db
from bot.db import meetings as meetings_db
from bot.db import members as members_db
from bot.db import rotation as rotation_db
from bot.db import timers as timers_db
from bot.db.communities import Community
from bot.db.meetings import Meeting, Occurrence
from bot.db.timers import Timer
from bot.scheduler import Firing, TimerKind
from bot.services.base import Core
from bot.services.facilitation_cards import FacilitatorOffer, NoticeReason, RotationNotice
from bot.services.rotation_models import DEADLINE_KIND, NOTICE_KIND, OFFER_KIND, deadline_key
from bot.services.sends import dm_or_mention, send_once

log = logging.getLogger(__name__)


def facilitators_channel(community: Community) -> int | None:
    return community.moderation_channel_id or community.announcements_channel_id


class RotationTimers:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._chat = core.chat

    def timer_kinds(self) -> tuple[TimerKind, ...]:
        return (
            TimerKind(OFFER_KIND, self.offer, on_missed=self.missed),
            TimerKind(DEADLINE_KIND, self.deadline, on_missed=self.missed),
            TimerKind(NOTICE_KIND, self.notice, on_missed=self.missed),
        )

    async def _date(self, occurrence_id: int) -> tuple[Occurrence, Meeting, Community] | None:
        """The date if it is still ahead and its community still there."""
        async with self._core.db.read() as conn:
            occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
            if occurrence is None or occurrence.status != "scheduled":
                return None
            meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
            community = await communities_db.get(conn, occurrence.guild_id)
        if meeting is None or meeting.cancelled_at is not None or community is None:
            return None
        if community.left_at is not None or occurrence.starts_at <= self._core.clock.now():
            return None
        return occurrence, meeting, community

    async def offer(self, timer: Timer, firing: Firing) -> None:
        occurrence_id = int(timer.payload["occurrence_id"])
        user_id = int(timer.payload["user_id"])
        found = await self._date(occurrence_id)
        if found is None:
            return
        occurrence, meeting, community = found
        async with self._core.db.read() as conn:
            assignment = await rotation_db.get_assignment(conn, occurrence_id)
            member = await members_db.get(conn, community.guild_id, user_id)
            deadline = await timers_db.find(conn, DEADLINE_KIND, deadline_key(occurrence_id))
        answer_by = deadline.due_at if deadline is not None else None
        if assignment is None or assignment.user_id != user_id or assignment.status != "offered":
            return  # answered or passed on meanwhile
        card = FacilitatorOffer(
            language="fr" if community.language == "fr" else "en",
            guild_id=community.guild_id,
            occurrence_id=occurrence_id,
            user_id=user_id,
            meeting_title=meeting.title,
            starts_at=occurrence.starts_at,
            answer_by=answer_by,
        )
        await dm_or_mention(
            self._chat,
            firing,
            DirectMessage(community.guild_id, user_id),
            card,
            direct=member is None or (member.dm_reminders and member.dm_closed_at is None),
            fallback=community.announcements_channel_id,
        )

    async def deadline(self, timer: Timer, firing: Firing) -> None:
        """No answer by 24 h before: mark it and tell the facilitators."""
        occurrence_id = int(timer.payload["occurrence_id"])
        found = await self._date(occurrence_id)
        if found is None:
            return
        occurrence, meeting, community = found
        async with self._core.db.transaction() as conn:
            assignment = await rotation_db.get_assignment(conn, occurrence_id)
            if assignment is None or assignment.user_id is None:
                return
            if assignment.status == "offered":
                await rotation_db.set_assignment_status(
                    conn,
                    occurrence_id,
                    assignment.user_id,
                    "unanswered",
                    ("offered",),
                    self._core.clock.now(),
                )
            elif assignment.status != "unanswered":
                return
        await self._tell(
            firing,
            community,
            meeting,
            occurrence,
            "unanswered",
            user_id=assignment.user_id,
        )

    async def notice(self, timer: Timer, firing: Firing) -> None:
        occurrence_id = int(timer.payload["occurrence_id"])
        found = await self._date(occurrence_id)
        if found is None:
            return
        occurrence, meeting, community = found
        reason: NoticeReason = timer.payload["reason"]
        await self._tell(
            firing,
            community,
            meeting,
            occurrence,
            reason,
            user_id=timer.payload.get("user_id"),
        )

    async def _tell(
        self,
        firing: Firing,
        community: Community,
        meeting: Meeting,
        occurrence: Occurrence,
        reason: NoticeReason,
        *,
        user_id: int | None,
    ) -> None:
        channel_id = facilitators_channel(community)
        if channel_id is None:
            log.warning("guild %s: no channel to tell the facilitators", community.guild_id)
            return
        card = RotationNotice(
            language="fr" if community.language == "fr" else "en",
            reason=reason,
            meeting_title=meeting.title,
            starts_at=occurrence.starts_at,
            user_id=user_id,
        )
        await send_once(self._chat, firing, Channel(community.guild_id, channel_id), card)

    async def missed(self, timer: Timer) -> None:
        log.warning("rotation timer %s (%s) missed its grace", timer.key, timer.kind)


__all__ = ["RotationTimers", "facilitators_channel"]
