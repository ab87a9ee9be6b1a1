"""Who facilitates a meeting date, inside the caller's transaction: the first assignment,
the hand-over when the assignee goes, and a date nobody holds given to the member set
next, or to the volunteers free that day once someone joins or comes back.

Each change of assignee plans the offer DM (``rotation_offer``) and the "no answer
24 h before" check (``rotation_deadline``); a date nobody can take plans a notice to
the facilitators (``rotation_notice``). The caller re-draws the announcement once its
transaction committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.dates import local_today
from bot.db import communities as communities_db
from bot.db import members as members_db
from bot.db.connection import Connection
from bot.db.facilitation import rotation as rotation_db
from bot.db.facilitation.rotation import Assignment, AssignmentStatus, Volunteer
from bot.services.base import Core
from bot.services.facilitation.rotation.models import (
    DEADLINE_KIND,
    NOTICE_KIND,
    OFFER_KIND,
    available,
    deadline_key,
    notice_key,
    offer_key,
)
from bot.services.meetings import MeetingDate, MeetingService

ANSWER_BEFORE = timedelta(hours=24)
HELD: tuple[AssignmentStatus, ...] = ("offered", "accepted", "unanswered")
"""The statuses of a date someone holds (asked, or said yes)."""


class Assigner:
    def __init__(self, core: Core, meetings: MeetingService | None) -> None:
        self._core = core
        self._meetings = meetings

    async def assign(
        self, conn: Connection, guild_id: int, occurrence_id: int, starts_at: datetime
    ) -> Assignment | None:
        """Give the date its facilitator, once however often it runs; nobody available
        tells the facilitators.

        A community where nobody ever volunteered does not use the rotation: its dates
        are left unassigned, and nobody is told anything (the first to join takes
        them). Once it has had volunteers, a date nobody can take (all left the
        rotation, away, or gone from the server) is reported every time.
        """
        existing = await rotation_db.get_assignment(conn, occurrence_id)
        if existing is not None:
            return existing
        if not await rotation_db.has_volunteered(conn, guild_id):
            return None
        now = self._core.clock.now()
        line = await rotation_db.line(conn, guild_id)
        chosen = await self.first_available(conn, guild_id, line, starts_at, exclude=set())
        user_id = chosen.user_id if chosen else None
        status: AssignmentStatus = "offered" if chosen else "none"
        await rotation_db.insert_assignment(conn, guild_id, occurrence_id, user_id, status, now)
        if chosen is None:
            reason = "empty" if not line else "all_away"
            await self.notice(conn, guild_id, occurrence_id, reason)
        else:
            await self.offer(conn, guild_id, occurrence_id, chosen.user_id, 1, starts_at)
        assignment = await rotation_db.get_assignment(conn, occurrence_id)
        assert assignment is not None
        return assignment

    async def hand_over(self, conn: Connection, guild_id: int, user_id: int) -> list[int]:
        """The member can no longer facilitate (left the rotation or the server, erased
        their data): each coming date they hold goes to the next available volunteer,
        asked as usual, or the facilitators are told nobody can take it. Returns the
        dates whose facilitator changed."""
        now = self._core.clock.now()
        moved = []
        for date, held in await self._dates_held(conn, guild_id, user_id):
            line = await rotation_db.line(conn, guild_id)  # each hand-over moves the line
            declined = await rotation_db.decliners(conn, date.occurrence_id)
            chosen = await self.first_available(
                conn, guild_id, line, date.starts_at, exclude={user_id, *declined}
            )
            next_user = chosen.user_id if chosen else None
            status: AssignmentStatus = "offered" if chosen else "none"
            if not await rotation_db.reassign(
                conn, date.occurrence_id, user_id, next_user, status, now, from_statuses=HELD
            ):
                continue
            if chosen is None:
                await self.notice(conn, guild_id, date.occurrence_id, "vacated")
            else:
                offers = held.offers + 1
                await self.offer(
                    conn, guild_id, date.occurrence_id, chosen.user_id, offers, date.starts_at
                )
            moved.append(date.occurrence_id)
        return moved

    async def _coming(
        self, conn: Connection, guild_id: int
    ) -> list[tuple[MeetingDate, Assignment | None]]:
        """The community's meeting dates still ahead, each with its assignment."""
        if self._meetings is None:
            return []
        now = self._core.clock.now()
        dates = [
            d for d in await self._meetings.scheduled_dates(conn, guild_id) if d.starts_at > now
        ]
        assigned = await rotation_db.assignments_of(conn, [d.occurrence_id for d in dates])
        return [(date, assigned.get(date.occurrence_id)) for date in dates]

    async def _dates_held(
        self, conn: Connection, guild_id: int, user_id: int
    ) -> list[tuple[MeetingDate, Assignment]]:
        """The coming dates the member is asked for, or said yes to."""
        return [
            (date, held)
            for date, held in await self._coming(conn, guild_id)
            if held is not None and held.user_id == user_id and held.status in HELD
        ]

    async def fill_vacancy(self, conn: Connection, guild_id: int, user_id: int) -> int | None:
        """Give the member the first coming date nobody holds, if they are free that day
        (``/rotation set-next``); returns that date, or None."""
        for date, held in await self._coming(conn, guild_id):
            if held is not None and held.user_id is not None:
                continue
            volunteer = await rotation_db.get_volunteer(conn, guild_id, user_id)
            declined = await rotation_db.decliners(conn, date.occurrence_id)
            free = volunteer is not None and await self.first_available(
                conn, guild_id, [volunteer], date.starts_at, exclude=declined
            )
            if not free:
                continue  # away that day, or declined it: the next vacant date, perhaps
            if not await self._take(conn, guild_id, date, held, user_id):
                return None
            return date.occurrence_id
        return None

    async def fill_open(self, conn: Connection, guild_id: int) -> list[int]:
        """A volunteer joined, or someone's away period ended early or changed: each
        coming date nobody holds (announced while nobody was in the rotation, or that
        nobody could take then) goes to the first volunteer free that day, asked as
        usual. A date nobody can take yet stays as it was: the facilitators were told
        when it was announced. Returns the dates given."""
        given: list[int] = []
        line = await rotation_db.line(conn, guild_id)
        if not line:  # nobody in the rotation (a community not using it): nothing to read
            return given
        for date, held in await self._coming(conn, guild_id):
            if held is not None and held.user_id is not None:
                continue
            declined = await rotation_db.decliners(conn, date.occurrence_id)
            chosen = await self.first_available(
                conn, guild_id, line, date.starts_at, exclude=declined
            )
            if chosen is not None and await self._take(conn, guild_id, date, held, chosen.user_id):
                given.append(date.occurrence_id)
                line = await rotation_db.line(conn, guild_id)  # the offer moved the line
        return given

    async def _take(
        self,
        conn: Connection,
        guild_id: int,
        date: MeetingDate,
        held: Assignment | None,
        user_id: int,
    ) -> bool:
        """The member is asked for a date nobody holds: its first assignment, or the
        vacancy filled (a conditional write: once only). False if it was taken meanwhile."""
        now = self._core.clock.now()
        if held is None:
            offers = 1
            taken = await rotation_db.insert_assignment(
                conn, guild_id, date.occurrence_id, user_id, "offered", now
            )
        else:
            offers = held.offers + 1
            taken = await rotation_db.fill_vacancy(conn, date.occurrence_id, user_id, now)
        if taken:
            await self.offer(conn, guild_id, date.occurrence_id, user_id, offers, date.starts_at)
        return taken

    async def first_available(
        self,
        conn: Connection,
        guild_id: int,
        line: list[Volunteer],
        starts_at: datetime,
        exclude: set[int],
    ) -> Volunteer | None:
        community = await communities_db.get(conn, guild_id)
        zone = community.timezone if community else "UTC"
        on = local_today(starts_at, zone)
        members = await members_db.get_many(conn, guild_id, [v.user_id for v in line])
        ready = [v for v in available(line, members, on) if v.user_id not in exclude]
        return ready[0] if ready else None

    async def offer(
        self,
        conn: Connection,
        guild_id: int,
        occurrence_id: int,
        user_id: int,
        offer: int,
        starts_at: datetime | None,
    ) -> None:
        """The member takes a turn and is asked. With ``starts_at``, the date's 24-hour
        check is planned too, unless it already is (or already ran)."""
        now = self._core.clock.now()
        await rotation_db.record_assigned(conn, guild_id, user_id, now)
        await self._core.scheduler.schedule(
            conn,
            guild_id,
            OFFER_KIND,
            offer_key(occurrence_id, offer),
            now,
            {"occurrence_id": occurrence_id, "user_id": user_id},
        )
        if starts_at is None:
            return
        due = starts_at - ANSWER_BEFORE
        if due <= now:  # a date less than a day away: half of the time left
            due = now + (starts_at - now) / 2
        await self._core.scheduler.schedule(
            conn,
            guild_id,
            DEADLINE_KIND,
            deadline_key(occurrence_id),
            due,
            {"occurrence_id": occurrence_id},
        )

    async def notice(
        self,
        conn: Connection,
        guild_id: int,
        occurrence_id: int,
        reason: str,
        **details: int | None,
    ) -> None:
        assignment = await rotation_db.get_assignment(conn, occurrence_id)
        serial = assignment.offers if assignment else 0
        await self._core.scheduler.schedule(
            conn,
            guild_id,
            NOTICE_KIND,
            notice_key(occurrence_id, reason, serial),
            self._core.clock.now(),
            {"occurrence_id": occurrence_id, "reason": reason, **details},
        )
