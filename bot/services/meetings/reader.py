"""Reading a meeting date as members see it: its meeting, the answers so far and, when
a feature names facilitators, who facilitates it.

Meetings know nothing of facilitators: the facilitation feature, when it is on,
registers a :class:`FacilitatorSource` (``MeetingService.use_facilitators``); without
one, announcements and ``/meeting list`` show no facilitator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.db import meeting_rsvps as rsvps_db
from bot.db import meetings as meetings_db
from bot.db.connection import Connection
from bot.db.meeting_rsvps import RsvpCounts
from bot.db.meetings import Meeting, Occurrence
from bot.services.meetings.models import UpcomingMeeting


class FacilitatorSource(Protocol):
    async def facilitators(self, conn: Connection, occurrence_ids: Sequence[int]) -> dict[int, int]:
        """Who facilitates each of these dates, read in the caller's connection (a date
        nobody holds is left out)."""
        ...


class DateReader:
    """The one way a date is read for showing it: every part of the meetings feature
    reads through the same reader, so an announcement drawn anywhere names the same
    facilitator."""

    def __init__(self) -> None:
        self._facilitators: FacilitatorSource | None = None

    def use_facilitators(self, source: FacilitatorSource) -> None:
        self._facilitators = source

    async def facilitators(self, conn: Connection, occurrence_ids: Sequence[int]) -> dict[int, int]:
        """Who facilitates each of these dates (none when no feature names facilitators)."""
        if self._facilitators is None:
            return {}
        return await self._facilitators.facilitators(conn, occurrence_ids)

    async def load(self, conn: Connection, occurrence_id: int) -> UpcomingMeeting:
        """A date that exists, with its meeting, its answers and its facilitator."""
        occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
        assert occurrence is not None
        [upcoming] = await self.load_many(conn, [occurrence])
        return upcoming

    async def recounted(self, conn: Connection, upcoming: UpcomingMeeting) -> UpcomingMeeting:
        """The date with its answers counted again, after a write that changed only them."""
        occurrence_id = upcoming.occurrence.id
        counts = await rsvps_db.rsvp_counts(conn, [occurrence_id])
        return upcoming.model_copy(update={"counts": counts[occurrence_id]})

    async def load_many(
        self,
        conn: Connection,
        occurrences: Sequence[Occurrence],
        known: Mapping[int, Meeting] | None = None,
        counted: Mapping[int, RsvpCounts] | None = None,
    ) -> list[UpcomingMeeting]:
        """Several dates at once, in the order given; their meetings (by id) and answers
        (by date) already read come in ``known`` and ``counted`` and are not read again."""
        ids = [o.id for o in occurrences]
        counts = counted if counted is not None else await rsvps_db.rsvp_counts(conn, ids)
        named = await self.facilitators(conn, ids)
        meetings: dict[int, Meeting] = dict(known or {})
        found = []
        for occurrence in occurrences:
            if occurrence.meeting_id not in meetings:
                meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
                assert meeting is not None
                meetings[occurrence.meeting_id] = meeting
            found.append(
                UpcomingMeeting(
                    meeting=meetings[occurrence.meeting_id],
                    occurrence=occurrence,
                    counts=counts[occurrence.id],
                    facilitator_id=named.get(occurrence.id),
                )
            )
        return found
