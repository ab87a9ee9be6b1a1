"""What the rotation sends, through durable timers and the :class:`~bot.chat.Chat` port.

- ``rotation_offer``: the DM "will you facilitate?" with Accept / Can't this time. A
  member whose DMs are closed or turned off (``/me reminders off``) is asked in the
  announcements channel instead, mentioned. Sent once per offer:
  the timer closes once, the send carries the firing's nonce.
- ``rotation_deadline``: 24 h before the meeting, an offer still unanswered is
  marked so and the facilitators are told.
- ``rotation_notice``: tells the facilitators what the rotation could not settle
  (empty, everyone away or declined), once it is in use (someone joined it once),
  where they read (the chat policy's ``tell_facilitators``: the moderation channel,
  else the announcements channel). A date nobody holds carries "I'll facilitate it".
- ``rotation_told``: a member told that a facilitator named them for a date, or that
  the offer they had is withdrawn (someone took the date); by DM, or mentioned in the
  announcements channel as the offer is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import get_args

from bot.chat import DirectMessage, Posted
from bot.db import communities as communities_db
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.communities import Community
from bot.db.facilitation import rotation as rotation_db
from bot.db.timers import Timer
from bot.i18n import Language, language_for_locale
from bot.scheduler import Firing, TimerKind
from bot.services.base import Core
from bot.services.facilitation.rotation.cards import (
    FacilitatorOffer,
    RotationNotice,
    RotationTold,
)
from bot.services.facilitation.rotation.models import (
    DEADLINE_KIND,
    NOTICE_KIND,
    OFFER_KIND,
    TOLD_KIND,
    NoticeReason,
    ToldReason,
    deadline_key,
    offer_prefix,
)
from bot.services.meetings import MeetingDate, MeetingService
from bot.services.sends import dm_or_mention

log = logging.getLogger(__name__)

NOBODY_HOLDS_IT: frozenset[NoticeReason] = frozenset(
    {"empty", "all_away", "all_declined", "vacated"}
)
"""The notices that say nobody holds the date: not sent once someone does."""


@dataclass(frozen=True)
class _Date:
    """A meeting date a rotation timer is about, with its community."""

    meeting: MeetingDate
    community: Community

    @property
    def language(self) -> Language:
        return language_for_locale(self.community.language)


class RotationTimers:
    def __init__(self, core: Core, meetings: MeetingService | None) -> None:
        self._core = core
        self._chat = core.chat
        self._meetings = meetings

    def timer_kinds(self) -> tuple[TimerKind, ...]:
        # Each handler checks that its meeting date is still ahead, so running late is
        # right: an offer or a notice days late still helps before the meeting.
        return (
            TimerKind.run_late(OFFER_KIND, self.offer, said="facilitation.status.missed.offer"),
            TimerKind.run_late(
                DEADLINE_KIND, self.deadline, said="facilitation.status.missed.deadline"
            ),
            TimerKind.run_late(NOTICE_KIND, self.notice, said="facilitation.status.missed.notice"),
            TimerKind.run_late(TOLD_KIND, self.told, said="facilitation.status.missed.told"),
        )

    async def _date(self, timer: Timer) -> _Date | None:
        """The timer's date if it is still ahead and its community still there (without
        the meetings feature, no date is)."""
        if self._meetings is None:
            return None
        async with self._core.db.read() as conn:
            meeting = await self._meetings.date_of(conn, int(timer.payload["occurrence_id"]))
            if meeting is None or not meeting.scheduled:
                return None
            community = await communities_db.get(conn, meeting.guild_id)
        if community is None or community.left_at is not None:
            return None
        if meeting.starts_at <= self._core.clock.now():
            return None
        return _Date(meeting, community)

    async def offer(self, timer: Timer, firing: Firing) -> None:
        date = await self._date(timer)
        if date is None:
            return
        occurrence_id, community = date.meeting.occurrence_id, date.community
        user_id = int(timer.payload["user_id"])
        async with self._core.db.read() as conn:
            assignment = await rotation_db.get_assignment(conn, occurrence_id)
            member = await members_db.get(conn, community.guild_id, user_id)
            deadline = await timers_db.find(conn, DEADLINE_KIND, deadline_key(occurrence_id))
        if assignment is None or assignment.user_id != user_id or assignment.status != "offered":
            return  # answered or passed on meanwhile
        card = FacilitatorOffer(
            language=date.language,
            guild_id=community.guild_id,
            occurrence_id=occurrence_id,
            user_id=user_id,
            meeting_title=date.meeting.title,
            starts_at=date.meeting.starts_at,
            answer_by=deadline.due_at if deadline is not None else None,
        )
        await self._personal(firing, date, user_id, card, member)

    async def _personal(
        self,
        firing: Firing,
        date: _Date,
        user_id: int,
        card: FacilitatorOffer | RotationTold,
        member: members_db.Member | None,
    ) -> None:
        """By DM when the member takes them, else mentioned in the announcements channel."""
        community = date.community
        await dm_or_mention(
            self._chat,
            firing,
            DirectMessage(community.guild_id, user_id),
            card,
            direct=member is None or (member.dm_reminders and member.dm_closed_at is None),
            fallback=community.announcements_channel_id,
        )

    async def told(self, timer: Timer, firing: Firing) -> None:
        """A member named for a date, or whose offer was withdrawn: told, while the date is
        still ahead (named: while they still hold it)."""
        date = await self._date(timer)
        if date is None:
            return
        user_id, by = int(timer.payload["user_id"]), int(timer.payload["by"])
        reason: ToldReason = timer.payload["reason"]
        async with self._core.db.read() as conn:
            assignment = await rotation_db.get_assignment(conn, date.meeting.occurrence_id)
            member = await members_db.get(conn, date.community.guild_id, user_id)
        if reason == "named" and (assignment is None or assignment.user_id != user_id):
            return  # given to someone else meanwhile
        if reason == "withdrawn":
            await self._close_offers(date, user_id, taken_by=by)
        card = RotationTold(
            language=date.language,
            reason=reason,
            user_id=user_id,
            by_user_id=by,
            meeting_title=date.meeting.title,
            starts_at=date.meeting.starts_at,
        )
        await self._personal(firing, date, user_id, card, member)

    async def _close_offers(self, date: _Date, user_id: int, *, taken_by: int) -> None:
        """The offers this member was sent for the date lose Accept / Can't this time and
        say who facilitates it now (a message gone or out of reach is left as it is)."""
        meeting, guild_id = date.meeting, date.community.guild_id
        async with self._core.db.read() as conn:
            sent = await timers_db.sent_under(conn, OFFER_KIND, offer_prefix(meeting.occurrence_id))
        for timer, target, message_id in sent:
            if int(timer.payload["user_id"]) != user_id:
                continue
            in_channel = target.startswith("channel:")
            where = (
                int(target.removeprefix("channel:"))
                if in_channel
                else await self._chat.dm_channel(guild_id, user_id)
            )
            if where is None:
                continue
            card = FacilitatorOffer(
                language=date.language,
                guild_id=guild_id,
                occurrence_id=meeting.occurrence_id,
                user_id=user_id,
                meeting_title=meeting.title,
                starts_at=meeting.starts_at,
                answer_by=None,
                in_channel=in_channel,
                taken_by=taken_by,
            )
            await self._chat.edit(Posted(guild_id, where, message_id), card)

    async def deadline(self, timer: Timer, firing: Firing) -> None:
        """No answer by 24 h before: mark it and tell the facilitators."""
        date = await self._date(timer)
        if date is None:
            return
        async with self._core.db.transaction() as conn:
            assignment = await rotation_db.get_assignment(conn, date.meeting.occurrence_id)
            if assignment is None or assignment.user_id is None:
                return
            if assignment.status == "offered":
                await rotation_db.set_assignment_status(
                    conn,
                    date.meeting.occurrence_id,
                    assignment.user_id,
                    "unanswered",
                    ("offered",),
                    self._core.clock.now(),
                )
            elif assignment.status != "unanswered":
                return
        await self._tell(firing, date, "unanswered", user_id=assignment.user_id)

    async def notice(self, timer: Timer, firing: Firing) -> None:
        date = await self._date(timer)
        if date is None:
            return
        if timer.payload["reason"] not in get_args(NoticeReason):
            return  # an earlier version's "nobody joined the rotation yet": no longer told
        reason: NoticeReason = timer.payload["reason"]
        if reason in NOBODY_HOLDS_IT:
            async with self._core.db.read() as conn:
                assignment = await rotation_db.get_assignment(conn, date.meeting.occurrence_id)
            if assignment is not None and assignment.user_id is not None:
                return  # someone took the date meanwhile (a volunteer joined): nothing to tell
        await self._tell(firing, date, reason, user_id=timer.payload.get("user_id"))

    async def _tell(
        self, firing: Firing, date: _Date, reason: NoticeReason, *, user_id: int | None
    ) -> None:
        card = RotationNotice(
            language=date.language,
            reason=reason,
            meeting_title=date.meeting.title,
            starts_at=date.meeting.starts_at,
            user_id=user_id,
            occurrence_id=date.meeting.occurrence_id,
        )
        guild_id = date.community.guild_id
        if not await self._chat.tell_facilitators(guild_id, card, nonce=firing.nonce("told")):
            log.warning("guild %s: the facilitators could not be told", guild_id)
