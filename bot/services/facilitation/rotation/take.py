"""A coming date given to one member at once, as accepted: taken from the notice's button
"I'll facilitate it" (by a facilitator, or a volunteer free that day, one who declined
it earlier included), or given by a facilitator with ``/rotation assign``.

A date someone accepted is not taken from them: the refusal names them. One asked of
someone who has not said yes (``offered``, ``unanswered``) is, and they are told their
offer is withdrawn; they get their turn back (first in line next time). The one who
takes the date takes a turn, as an accepted offer does, and it counts as facilitated
once the date is held. Each is one transaction, recorded in the audit log.
"""

from __future__ import annotations

from bot.actor import Actor
from bot.chat import MemberRef, Moment
from bot.chat.text import Param
from bot.dates import local_today
from bot.db import audit
from bot.db import members as members_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.facilitation import rotation as rotation_db
from bot.db.facilitation.rotation import Assignment, AssignmentStatus
from bot.errors import UserError
from bot.i18n import language_for_locale
from bot.interactions.suggest import named
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.facilitation.rotation.models import (
    TOLD_KIND,
    Taken,
    ToldReason,
    told_key,
    unavailable,
)
from bot.services.meetings import MeetingDate, MeetingService

ASKED: tuple[AssignmentStatus, ...] = ("offered", "unanswered")
"""A date asked of someone who has not said yes: it can be taken from them."""


def _error(key: str, date: MeetingDate, **params: Param) -> UserError:
    return UserError(
        f"facilitation.rotation.{key}", title=date.title, when=Moment(at=date.starts_at), **params
    )


class Takeover:
    def __init__(
        self, core: Core, community: CommunityService, meetings: MeetingService | None
    ) -> None:
        self._core = core
        self._community = community
        self._meetings = meetings

    async def take(self, actor: Actor, occurrence_id: int) -> Taken:
        """The notice's button: the actor facilitates the date, if they are a facilitator
        or a volunteer of the rotation free that day."""
        community = await self._community.require(actor.guild_id)
        facilitator = await self._community.is_facilitator(actor)
        async with self._core.db.transaction() as conn:
            date = await self._coming(conn, community, occurrence_id)
            if not facilitator:
                await self._may_take(conn, community, actor.user_id, date)
            return await self._give(conn, actor, community, date, actor.user_id, "rotation.take")

    async def assign(self, actor: Actor, reference: str, user_id: int) -> Taken:
        """``/rotation assign``: the meeting's next date goes to the member (facilitators);
        they are told by DM."""
        community = await self._community.require_facilitator(actor)
        gone = await self._core.chat.is_member(community.guild_id, user_id) is False
        async with self._core.db.transaction() as conn:
            date = await self._named(conn, community, reference)
            member = await members_db.get(conn, community.guild_id, user_id)
            if gone or (member is not None and member.left_at is not None):
                raise UserError(
                    "facilitation.rotation.member_left", user=MemberRef(user_id=user_id)
                )
            on = local_today(date.starts_at, community.timezone)
            if member is not None and unavailable(False, member.away_until, on):
                raise _error("member_away", date, user=MemberRef(user_id=user_id))
            taken = await self._give(conn, actor, community, date, user_id, "rotation.assign")
            if user_id != actor.user_id:
                await self._tell(conn, community, date, user_id, actor.user_id, "named")
        return taken

    async def _coming(
        self, conn: Connection, community: Community, occurrence_id: int
    ) -> MeetingDate:
        """The date clicked, if it is still to come."""
        date = await self._meetings.date_of(conn, occurrence_id) if self._meetings else None
        if date is None or date.guild_id != community.guild_id:
            raise UserError("facilitation.rotation.unknown_date")
        if not date.scheduled or date.starts_at <= self._core.clock.now():
            raise UserError("facilitation.rotation.take_over")
        return date

    async def _named(self, conn: Connection, community: Community, reference: str) -> MeetingDate:
        """The coming date of the meeting named (its autocomplete value, or its title)."""
        dates = (
            await self._meetings.scheduled_dates(conn, community.guild_id) if self._meetings else []
        )
        found = named(reference, dates, lambda d: str(d.meeting_id), lambda d: d.title)
        if not found:
            raise UserError("facilitation.session.unknown_meeting", text=reference[:100])
        if len({d.meeting_id for d in found}) > 1:
            raise UserError("facilitation.session.ambiguous_meeting", text=reference[:100])
        if found[0].starts_at <= self._core.clock.now():  # under way: the next is not out yet
            raise _error("no_coming_date", found[0])
        return found[0]

    async def _may_take(
        self, conn: Connection, community: Community, user_id: int, date: MeetingDate
    ) -> None:
        """A member who is not a facilitator takes a date as a volunteer free that day."""
        volunteer = await rotation_db.get_volunteer(conn, community.guild_id, user_id)
        if volunteer is None or not volunteer.active:
            raise UserError("facilitation.rotation.take_not_allowed")
        member = await members_db.get(conn, community.guild_id, user_id)
        on = local_today(date.starts_at, community.timezone)
        if member is not None and unavailable(member.left_at is not None, member.away_until, on):
            raise _error("take_away", date)

    async def _give(
        self,
        conn: Connection,
        actor: Actor,
        community: Community,
        date: MeetingDate,
        user_id: int,
        action: str,
    ) -> Taken:
        """The date is the member's, accepted, unless someone accepted it first."""
        guild_id, occurrence_id = community.guild_id, date.occurrence_id
        held = await rotation_db.get_assignment(conn, occurrence_id)
        self._refuse_if_taken(held, actor, date)
        previous = held.user_id if held is not None and held.user_id != user_id else None
        if not await self._write(conn, guild_id, date, held, user_id):
            now_held = await rotation_db.get_assignment(conn, occurrence_id)
            self._refuse_if_taken(now_held, actor, date)  # taken meanwhile by another process
            raise UserError("facilitation.rotation.take_changed")
        now = self._core.clock.now()
        if held is None or held.user_id != user_id:  # asked already: their turn was counted
            await rotation_db.record_assigned(conn, guild_id, user_id, now)
        detail = {"meeting_id": date.meeting_id, "facilitator": user_id}
        if previous is not None:
            await rotation_db.record_declined(conn, guild_id, previous)  # their turn back
            await self._tell(conn, community, date, previous, user_id, "withdrawn")
            detail["withdrawn"] = previous
        await audit.record(conn, guild_id, actor.user_id, action, detail, now)
        return Taken(
            occurrence_id=occurrence_id,
            meeting_title=date.title,
            starts_at=date.starts_at,
            user_id=user_id,
            previous_user_id=previous,
            language=language_for_locale(community.language),
        )

    @staticmethod
    def _refuse_if_taken(held: Assignment | None, actor: Actor, date: MeetingDate) -> None:
        if held is None or held.user_id is None or held.status in ASKED:
            return
        if held.user_id == actor.user_id:
            raise _error("already_yours", date)
        raise _error("already_taken", date, user=MemberRef(user_id=held.user_id))

    async def _write(
        self,
        conn: Connection,
        guild_id: int,
        date: MeetingDate,
        held: Assignment | None,
        user_id: int,
    ) -> bool:
        """The assignment moved to the member and accepted: conditional writes, so a
        date taken meanwhile (another process) is not taken twice."""
        now, occurrence_id = self._core.clock.now(), date.occurrence_id
        if held is None:
            given = await rotation_db.insert_assignment(
                conn, guild_id, occurrence_id, user_id, "offered", now
            )
        elif held.user_id is None:
            given = await rotation_db.fill_vacancy(conn, occurrence_id, user_id, now)
        elif held.user_id != user_id:
            given = await rotation_db.reassign(
                conn, occurrence_id, held.user_id, user_id, "offered", now, from_statuses=ASKED
            )
        else:
            given = True
        return given and await rotation_db.set_assignment_status(
            conn, occurrence_id, user_id, "accepted", ASKED, now
        )

    async def _tell(
        self,
        conn: Connection,
        community: Community,
        date: MeetingDate,
        user_id: int,
        by: int,
        reason: ToldReason,
    ) -> None:
        """Plan the member's message (a timer due now: by DM, or mentioned)."""
        assignment = await rotation_db.get_assignment(conn, date.occurrence_id)
        serial = assignment.offers if assignment else 0
        await self._core.scheduler.schedule(
            conn,
            community.guild_id,
            TOLD_KIND,
            told_key(date.occurrence_id, serial, user_id),
            self._core.clock.now(),
            {"occurrence_id": date.occurrence_id, "user_id": user_id, "by": by, "reason": reason},
        )
