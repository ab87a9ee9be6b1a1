"""What meetings post: announcements (and their updates) and notices to those who answered.

A date's announcement is planned in the outbox by the transaction that creates the date
(:meth:`Publisher.plan_announcement`) and sent once it committed, so it is never lost
(an outage or a restart retries it) and never doubled (one post per date: its outbox
key). Once up, :meth:`Publisher.announced` records where it is. Re-draws and notices go
out directly, with deterministic nonces, so a retry or a re-run posts nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Literal

from bot.chat import Channel, Posted
from bot.db import meetings as meetings_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.firing import AfterClose
from bot.scheduler import RetryLater, nonce_for
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings.cards import (
    MeetingAnnouncement,
    MeetingNotice,
    announcement_card,
    community_language,
)
from bot.services.meetings.models import UpcomingMeeting, announce_key
from bot.services.meetings.reader import DateReader
from bot.services.meetings.texts import changes
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)

MENTIONS_PER_MESSAGE = 40  # keeps a notice well under Discord's 2,000 characters
ANNOUNCED = "meetings:announced"
"""The outbox hook that records a posted announcement."""
Change = Literal["edited", "cancelled_occurrence", "cancelled_series"]


def drawn(card: MeetingAnnouncement) -> str:
    """A short fingerprint of what an announcement shows."""
    return hashlib.blake2b(card.model_dump_json().encode(), digest_size=8).hexdigest()


def current_card(upcoming: UpcomingMeeting, community: Community) -> MeetingAnnouncement:
    """The announcement as it should read now (a cancelled date, or one that is over, has
    no buttons)."""
    held = upcoming.occurrence.status == "done"
    cancelled = not held and (
        upcoming.occurrence.status == "cancelled" or upcoming.meeting.cancelled_at is not None
    )
    return announcement_card(upcoming, community.language, cancelled=cancelled, held=held)


class Publisher:
    def __init__(
        self, core: Core, community: CommunityService, outbox: Outbox, dates: DateReader
    ) -> None:
        self._core = core
        self._community = community
        self._outbox = outbox
        self._dates = dates
        outbox.on_posted(ANNOUNCED, self.announced)

    # -- announcements ----------------------------------------------------------------------

    async def plan_announcement(
        self, conn: Connection, upcoming: UpcomingMeeting, community: Community
    ) -> str | None:
        """Plan the date's announcement in the caller's transaction; its outbox key (None:
        the community has nowhere to announce)."""
        channel_id = community.announcements_channel_id
        if channel_id is None:
            return None
        card = announcement_card(upcoming, community.language)
        occurrence_id = upcoming.occurrence.id
        planned = await self._outbox.plan(
            conn,
            announce_key(occurrence_id),
            Channel(community.guild_id, channel_id),
            card,
            then=ANNOUNCED,
            args={"occurrence_id": occurrence_id, "drawn": drawn(card)},
        )
        return planned.key

    async def announce(self, upcoming: UpcomingMeeting) -> None:
        """Post what was planned for this date, now (nothing if it is already up)."""
        await self._outbox.send(announce_key(upcoming.occurrence.id))

    async def ensure_announced(self, upcoming: UpcomingMeeting) -> None:
        """Announce a date whose announcement was never planned (saved by an earlier
        version, or a crash between the two): plan it, then send it."""
        community = await self._community.get(upcoming.meeting.guild_id)
        if community is None:
            return
        async with self._core.db.transaction() as conn:
            key = await self.plan_announcement(conn, upcoming, community)
        if key is not None:
            await self._outbox.send(key)

    async def announced(
        self, conn: Connection, posted: Posted | None, args: dict[str, Any]
    ) -> AfterClose | None:
        """The outbox posted an announcement: record where (in the write that closes the
        post), and re-draw it if the date changed while the post waited (an outage). None:
        the channel refused it for good (the delivery policy paused it and told the
        facilitators)."""
        if posted is None:
            return None
        occurrence_id = int(args["occurrence_id"])
        if await meetings_db.get_occurrence(conn, occurrence_id) is None:
            return None
        await meetings_db.set_announcement(
            conn, occurrence_id, posted.channel_id, posted.message_id
        )
        upcoming = await self._dates.load(conn, occurrence_id)

        async def redraw_if_changed() -> None:
            community = await self._community.get(upcoming.meeting.guild_id)
            if community is not None and drawn(current_card(upcoming, community)) != args["drawn"]:
                await self.refresh(upcoming)

        return redraw_if_changed

    # -- re-draws and notices -----------------------------------------------------------------

    async def refresh(self, upcoming: UpcomingMeeting) -> None:
        """Re-draw an announcement after an edit or a cancel (no buttons once cancelled)."""
        posted = upcoming.announcement
        community = await self._community.get(upcoming.meeting.guild_id)
        if posted is None or community is None:
            return
        card = current_card(upcoming, community)
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
        before: UpcomingMeeting | None = None,
    ) -> int:
        """Tell the members who answered, in the announcements channel; returns how many.
        ``before``: the meeting as it was, for an edit's notice to say what changed."""
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
                changed=changes(before, upcoming) if before and number == 0 else (),
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
