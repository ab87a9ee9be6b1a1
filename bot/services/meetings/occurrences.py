"""The dates of a series and their timers, written inside the caller's transaction.

A series has at most one *scheduled* occurrence: the next date. Every occurrence is
created by :meth:`Occurrences._create` (the first date, the date after one that ended,
the date after a cancelled one), which plans its reminders (``meeting_reminder``), its
end (``meeting_end``) and its announcement (an outbox post) in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.dates import LocalInstant
from bot.db import meetings as meetings_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.meetings import Meeting, Occurrence
from bot.errors import UserError
from bot.services.base import Core, OccurrenceListener
from bot.services.meetings.models import (
    END_KIND,
    REMINDER_KIND,
    UpcomingMeeting,
    occurrence_key,
    stamp,
)
from bot.services.meetings.reader import DateReader
from bot.services.meetings.times import next_occurrence, reminders_ahead

if TYPE_CHECKING:
    from bot.services.meetings.publisher import Publisher


async def still_scheduled(conn: Connection, occurrence: Occurrence) -> None:
    """Inside the write: the occurrence read before has not ended or moved meanwhile."""
    current = await meetings_db.get_occurrence(conn, occurrence.id)
    if (
        current is None
        or current.status != "scheduled"
        or current.starts_at != occurrence.starts_at
    ):
        raise UserError("meetings.errors.changed_meanwhile")


class Occurrences:
    def __init__(self, core: Core, publisher: Publisher, dates: DateReader) -> None:
        self._core = core
        self._publisher = publisher
        self._dates = dates
        self.listeners: list[OccurrenceListener] = []

    async def first(
        self, conn: Connection, meeting: Meeting, when: LocalInstant, community: Community
    ) -> UpcomingMeeting:
        """A new series' first date."""
        return await self._create(conn, meeting, when.local_date, when.starts_at, community)

    async def add_next(
        self, conn: Connection, meeting: Meeting, after: Occurrence, community: Community
    ) -> UpcomingMeeting | None:
        """The series' next date after ``after`` (skipping dates already begun), if any."""
        instant = next_occurrence(
            meeting.first_date,
            meeting.local_time,
            meeting.timezone,
            meeting.repeat,
            after_day=after.local_date,
            now=self._core.clock.now(),
        )
        if instant is None:
            return None
        return await self._create(conn, meeting, instant.local_date, instant.starts_at, community)

    async def _create(
        self,
        conn: Connection,
        meeting: Meeting,
        local_date: date,
        starts_at: datetime,
        community: Community,
    ) -> UpcomingMeeting:
        """The one place an occurrence is created (its timers and announcement planned;
        the caller sends the announcement once the transaction committed)."""
        occurrence_id = await meetings_db.insert_occurrence(
            conn, meeting.guild_id, meeting.id, local_date, starts_at, self._core.clock.now()
        )
        # Whatever must be decided with a new date (its facilitator) belongs here, in this
        # transaction and before the occurrence is read back, so its announcement shows it.
        for listener in self.listeners:
            await listener.occurrence_created(
                conn, meeting.guild_id, meeting.id, occurrence_id, starts_at
            )
        upcoming = await self._dates.load(conn, occurrence_id)
        await self.plan_timers(conn, upcoming, community)
        await self._publisher.plan_announcement(conn, upcoming, community)
        return upcoming

    async def held(self, conn: Connection, occurrence_id: int) -> None:
        """The one place a date is closed as held (its meeting is over): the listeners are
        told in the same transaction (the rotation counts it as facilitated)."""
        if await meetings_db.finish_occurrence(conn, occurrence_id, "done"):
            for listener in self.listeners:
                await listener.occurrence_held(conn, occurrence_id)

    async def plan_timers(
        self, conn: Connection, upcoming: UpcomingMeeting, community: Community
    ) -> None:
        """Reminders at each offset still ahead, and the end that rolls the series on. A
        date planned again (edited, or moved back to a time it had) revives the timers its
        edit cancelled; one at an offset no longer wanted stays cancelled."""
        meeting, occurrence = upcoming.meeting, upcoming.occurrence
        now = self._core.clock.now()
        prefix = occurrence_key(meeting.id, occurrence.starts_at)
        offsets = meeting.reminder_offsets or community.reminder_offsets
        payload = {"occurrence_id": occurrence.id, "starts_at": stamp(occurrence.starts_at)}
        plan = partial(self._core.scheduler.schedule, conn, meeting.guild_id, revive=True)
        for offset in reminders_ahead(occurrence.starts_at, offsets, now):
            due = occurrence.starts_at - timedelta(minutes=offset)
            await plan(REMINDER_KIND, f"{prefix}{offset}", due, {**payload, "offset": offset})
        await plan(END_KIND, f"{prefix}end", upcoming.ends_at, payload)

    async def cancel_timers(
        self, conn: Connection, meeting_id: int, occurrence: Occurrence
    ) -> None:
        prefix = occurrence_key(meeting_id, occurrence.starts_at)
        await self._core.scheduler.cancel_prefix(conn, REMINDER_KIND, prefix)
        await self._core.scheduler.cancel(conn, END_KIND, f"{prefix}end")
