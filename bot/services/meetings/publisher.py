"""What meetings post: announcements (and their updates) and notices to those who answered.

Everything goes through the chat port with deterministic nonces, so a retry or a
re-run after a crash posts nothing twice (RELIABILITY D6, D8).
"""

from __future__ import annotations

import logging
from typing import Literal

from bot.chat import Channel, Posted
from bot.db import meetings as meetings_db
from bot.scheduler import RetryLater, nonce_for
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings.cards import MeetingNotice, announcement_card, community_language
from bot.services.meetings.models import UpcomingMeeting, announce_nonce

log = logging.getLogger(__name__)

MENTIONS_PER_MESSAGE = 40  # keeps a notice well under Discord's 2,000 characters
Change = Literal["edited", "cancelled_occurrence", "cancelled_series"]


class Publisher:
    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community

    async def announce(self, upcoming: UpcomingMeeting) -> Posted | None:
        """Post the announcement with its RSVP buttons and record it; None if refused.

        May raise :class:`RetryLater` (a passing outage).
        """
        community = await self._community.get(upcoming.meeting.guild_id)
        if community is None or community.announcements_channel_id is None:
            return None
        channel_id = community.announcements_channel_id
        posted = await self._core.chat.send(
            Channel(community.guild_id, channel_id),
            announcement_card(upcoming, community.language),
            nonce=announce_nonce(upcoming.occurrence.id),
        )
        if posted is not None:
            async with self._core.db.transaction() as conn:
                await meetings_db.set_announcement(
                    conn, upcoming.occurrence.id, posted.channel_id, posted.message_id
                )
        return posted

    async def refresh(self, upcoming: UpcomingMeeting, *, cancelled: bool = False) -> None:
        """Re-draw an announcement after an edit or a cancel (no buttons once cancelled)."""
        posted = upcoming.announcement
        community = await self._community.get(upcoming.meeting.guild_id)
        if posted is None or community is None:
            return
        card = announcement_card(upcoming, community.language, cancelled=cancelled)
        try:
            if not await self._core.chat.edit(posted, card):
                log.info("the announcement of occurrence %s is gone", upcoming.occurrence.id)
        except RetryLater as exc:
            log.warning("could not update the announcement of occurrence %s: %s", posted, exc)

    async def notify(
        self,
        upcoming: UpcomingMeeting,
        change: Change,
        user_ids: list[int],
        *,
        action: str,
        next_date: UpcomingMeeting | None = None,
    ) -> int:
        """Tell the members who answered, in the announcements channel; returns how many."""
        community = await self._community.get(upcoming.meeting.guild_id)
        if community is None or community.announcements_channel_id is None:
            return 0
        channel_id = community.announcements_channel_id
        batches = [
            user_ids[i : i + MENTIONS_PER_MESSAGE]
            for i in range(0, len(user_ids), MENTIONS_PER_MESSAGE)
        ] or [[]]
        meeting = upcoming.meeting
        told = 0
        for number, batch in enumerate(batches):
            card = MeetingNotice(
                language=community_language(community.language),
                change=change if number == 0 else None,
                title=meeting.title,
                starts_at=upcoming.occurrence.starts_at,
                channel_id=meeting.channel_id,
                link=meeting.link,
                next_starts_at=next_date.occurrence.starts_at if next_date else None,
                mentions=tuple(batch),
            )
            posted = await self._core.chat.send(
                Channel(community.guild_id, channel_id),
                card,
                nonce=nonce_for("meeting-notice", action, upcoming.occurrence.id, number),
                mention=batch,
            )
            if posted is not None:
                told += len(batch)
        return told
