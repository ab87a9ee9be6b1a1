"""The rotation of facilitators: who facilitates each meeting date.

When a meeting date is created, :meth:`RotationService.occurrence_created` assigns it
in the same transaction: round-robin over active volunteers, skipping members who
are away on that date or left the server, least recently assigned first, a decliner
first in line next time. The assignment row is written once per date; an empty or
unavailable rotation tells the facilitators, never a silent stall. When the assignee
leaves the rotation or the server, or erases their data, their coming dates go to the
next volunteers; when someone joins or comes back from an away period, the coming
dates nobody holds are given (:mod:`.assign`). The offer, the "no answer 24 h before" notice and
the notices go out through durable timers (:mod:`.timers`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.actor import Actor
from bot.chat import MemberRef, Moment, Param
from bot.dates import local_today
from bot.db import audit
from bot.db import members as members_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.facilitation import rotation as rotation_db
from bot.db.facilitation import rotation_shown
from bot.db.facilitation.rotation import Assignment, AssignmentStatus
from bot.errors import UserError
from bot.i18n import language_for_locale
from bot.services.base import AfterCommit, Core, StatusLine, StatusRead
from bot.services.community import CommunityService
from bot.services.facilitation.rotation.assign import Assigner
from bot.services.facilitation.rotation.line import assigned, free_on, judged_on, line_view
from bot.services.facilitation.rotation.models import (
    OfferAnswer,
    RotationChange,
    RotationView,
    Taken,
)
from bot.services.facilitation.rotation.take import Takeover
from bot.services.meetings import DateAhead, MeetingDate, MeetingService

log = logging.getLogger(__name__)


class RotationService:
    """Volunteers, the line, and one assignment per meeting date."""

    name = "rotation"

    def __init__(
        self, core: Core, community: CommunityService, meetings: MeetingService | None = None
    ) -> None:
        self._core = core
        self._community = community
        self._meetings = meetings
        self._assigner = Assigner(core, meetings)
        self._takeover = Takeover(core, community, meetings)

    # -- volunteers ---------------------------------------------------------------------

    async def join(self, actor: Actor) -> bool:
        """Join the rotation; False if already in it. The coming dates nobody holds are
        given at once, as if announced now (most often to the one who joined), and their
        announcements name who is asked."""
        await self._community.require(actor.guild_id)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            await members_db.ensure(
                conn, actor.guild_id, actor.user_id, now, client_language=actor.language
            )
            joined = await rotation_db.join(conn, actor.guild_id, actor.user_id, now)
            given = await self._assigner.fill_open(conn, actor.guild_id) if joined else []
        await self._redraw(given)()
        return joined

    async def leave(self, actor: Actor) -> int:
        """Leave the rotation; the dates the member held go to the next volunteers.
        Returns how many dates they held."""
        await self._community.require(actor.guild_id)
        async with self._core.db.transaction() as conn:
            left = await rotation_db.leave(
                conn, actor.guild_id, actor.user_id, self._core.clock.now()
            )
            held = await self._assigner.hand_over(conn, actor.guild_id, actor.user_id)
        if not left:
            raise UserError("facilitation.rotation.not_in")
        await self._redraw(held)()
        return len(held)

    async def hand_over(self, conn: Connection, guild_id: int, user_id: int) -> AfterCommit:
        """The member leaves the rotation or the server, or erases their data (inside
        that transaction): the dates they held go to the next volunteers. Returns the
        re-drawing of those dates' announcements, to run once it committed."""
        return self._redraw(await self._assigner.hand_over(conn, guild_id, user_id))

    async def availability_changed(
        self, conn: Connection, guild_id: int, user_id: int
    ) -> AfterCommit:
        """A member's away period ended early or changed (inside that transaction): the
        coming dates nobody holds go to whoever is free now, as when someone joins.
        Returns the re-drawing of their announcements, to run once it committed."""
        given = await self._assigner.fill_open(conn, guild_id)
        return self._redraw(given)

    def _redraw(self, occurrence_ids: list[int]) -> AfterCommit:
        async def redraw() -> None:
            for occurrence_id in occurrence_ids:
                await self._show_facilitator(occurrence_id)

        return redraw

    async def show(self, actor: Actor) -> RotationView:
        """The line in the order the next dates go, who is next (judged on the next date
        to assign), counts, who is away, and the coming dates with who holds each."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            return await self._view(conn, community)

    async def _view(self, conn: Connection, community: Community) -> RotationView:
        # Each volunteer comes with how many of their dates were held, counted in their
        # assignments' index: no past date is read.
        guild_id = community.guild_id
        line = await rotation_shown.line_shown(conn, guild_id)
        dates = await self._meetings.coming_dates(conn, guild_id) if self._meetings else []
        upcoming = await assigned(conn, dates)
        ahead = self._meetings.dates_after(dates) if self._meetings else []
        next_date = ahead[0] if ahead else None
        today = local_today(self._core.clock.now(), community.timezone)
        return line_view(line, upcoming, next_date, today, community.timezone)

    async def _next_date(self, conn: Connection, guild_id: int) -> DateAhead | None:
        """The next date to assign: the soonest a meeting announces next (the date after
        each series' current one), asked of the meetings feature."""
        if self._meetings is None:
            return None
        dates = await self._meetings.dates_to_announce(conn, guild_id)
        return dates[0] if dates else None

    async def skip(self, actor: Actor) -> RotationChange:
        """Facilitators: send whoever is next (for the next date to assign) to the back,
        without counting a turn. Nobody else free on that date: nothing changes."""
        community = await self._community.require_facilitator(actor)
        today = local_today(self._core.clock.now(), community.timezone)
        async with self._core.db.transaction() as conn:
            next_date = await self._next_date(conn, community.guild_id)
            line = await rotation_shown.line_shown(conn, community.guild_id)
            free = free_on(line, judged_on(next_date, today, community.timezone))
            if not free:
                raise UserError("facilitation.rotation.nobody_to_skip")
            skipped = free[0].user_id
            if len(free) > 1:
                await rotation_db.skip(conn, community.guild_id, skipped)
                await self._audit(conn, actor, "rotation.skip", skipped=skipped)
            view = await self._view(conn, community)
        return RotationChange(view=view, user_id=skipped, changed=len(free) > 1, date=next_date)

    async def set_next(self, actor: Actor, user_id: int) -> RotationChange:
        """Facilitators: this volunteer takes the next date to assign: a coming date nobody
        holds, if they are free then (asked at once), else the next date announced (passed
        over if they are away on it, keeping their place for the date after)."""
        community = await self._community.require_facilitator(actor)
        guild_id = community.guild_id
        async with self._core.db.transaction() as conn:
            volunteer = await rotation_db.get_volunteer(conn, guild_id, user_id)
            if volunteer is None or not volunteer.active:
                raise UserError(
                    "facilitation.rotation.not_volunteer", user=MemberRef(user_id=user_id)
                )
            member = await members_db.get(conn, guild_id, user_id)
            if member is not None and member.left_at is not None:
                raise UserError(
                    "facilitation.rotation.member_left", user=MemberRef(user_id=user_id)
                )
            await rotation_db.set_next_up(conn, guild_id, user_id)
            await self._audit(conn, actor, "rotation.set_next", next=user_id)
            filled = await self._assigner.fill_vacancy(conn, guild_id, user_id)
            change = await self._chosen(conn, community, user_id, filled)
        if filled is not None:
            await self._show_facilitator(filled)
        return change

    async def _chosen(
        self, conn: Connection, community: Community, user_id: int, filled: int | None
    ) -> RotationChange:
        """What ``set-next`` did: the vacant date it gave, else the next date to assign
        and whether the member is away on it."""
        view = await self._view(conn, community)
        given = await self._date(conn, filled) if filled is not None else None
        if given is not None:
            date = DateAhead(given.meeting_id, given.title, given.starts_at)
            return RotationChange(view=view, user_id=user_id, date=date, asked=True)
        next_date = await self._next_date(conn, community.guild_id)
        away = next_date is not None and view.next_user_id != user_id
        return RotationChange(view=view, user_id=user_id, date=next_date, away=away)

    async def _audit(self, conn: Connection, actor: Actor, action: str, **detail: int) -> None:
        now = self._core.clock.now()
        await audit.record(conn, actor.guild_id, actor.user_id, action, detail, now)

    # -- assignment -----------------------------------------------------------------------

    async def occurrence_created(
        self,
        conn: Connection,
        guild_id: int,
        meeting_id: int,
        occurrence_id: int,
        starts_at: datetime,
    ) -> None:
        """Assign the new date (inside the transaction that created it).

        A failure here must not lose the meeting: the work runs in a savepoint that is
        rolled back alone, and the date simply stays unassigned (logged).
        """
        await conn.execute("SAVEPOINT rotation_assign")
        try:
            await self.assign(conn, guild_id, occurrence_id, starts_at)
        except Exception:
            await conn.execute("ROLLBACK TO rotation_assign")
            log.exception("assigning a facilitator to occurrence %s failed", occurrence_id)
        finally:
            await conn.execute("RELEASE rotation_assign")

    async def occurrence_held(self, conn: Connection, occurrence_id: int) -> None:
        """The date took place (inside the transaction that closes it): it counts as
        facilitated by whoever holds it."""
        await rotation_db.mark_held(conn, occurrence_id)

    async def assign(
        self, conn: Connection, guild_id: int, occurrence_id: int, starts_at: datetime
    ) -> Assignment | None:
        """Give the date its facilitator, once; see :meth:`Assigner.assign`."""
        return await self._assigner.assign(conn, guild_id, occurrence_id, starts_at)

    # -- answers ---------------------------------------------------------------------------

    async def accept(self, actor: Actor, occurrence_id: int) -> OfferAnswer:
        """Accept: the member facilitates the date (the facilitators are told again if
        they were told it had no answer)."""
        community = await self._community.require(actor.guild_id)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            assignment, title, starts_at = await self._own_offer(conn, actor, occurrence_id)
            if assignment.status == "accepted":
                raise UserError("facilitation.rotation.already_accepted")
            await rotation_db.set_assignment_status(
                conn, occurrence_id, actor.user_id, "accepted", ("offered", "unanswered"), now
            )
            if assignment.status == "unanswered":  # the facilitators were told: tell them again
                await self._assigner.notice(
                    conn, actor.guild_id, occurrence_id, "accepted", user_id=actor.user_id
                )
        return OfferAnswer(
            occurrence_id=occurrence_id,
            meeting_title=title,
            starts_at=starts_at,
            accepted=True,
            language=language_for_locale(community.language),
        )

    async def decline(self, actor: Actor, occurrence_id: int) -> OfferAnswer:
        """ "Can't this time": the next available volunteer is offered the date, and the
        decliner is first in line for the following one."""
        community = await self._community.require(actor.guild_id)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            assignment, title, starts_at = await self._own_offer(conn, actor, occurrence_id)
            await rotation_db.add_decline(conn, actor.guild_id, occurrence_id, actor.user_id, now)
            await rotation_db.record_declined(conn, actor.guild_id, actor.user_id)
            line = await rotation_db.line(conn, actor.guild_id)
            declined = await rotation_db.decliners(conn, occurrence_id)
            chosen = await self._assigner.first_available(
                conn, actor.guild_id, line, starts_at, exclude=declined
            )
            status: AssignmentStatus = "offered" if chosen else "declined"
            next_user = chosen.user_id if chosen else None
            await rotation_db.reassign(conn, occurrence_id, actor.user_id, next_user, status, now)
            if chosen is None:
                await self._assigner.notice(
                    conn, actor.guild_id, occurrence_id, "all_declined", user_id=actor.user_id
                )
            else:
                await self._assigner.offer(
                    conn, actor.guild_id, occurrence_id, chosen.user_id, assignment.offers + 1, None
                )
        await self._show_facilitator(occurrence_id)
        return OfferAnswer(
            occurrence_id=occurrence_id,
            meeting_title=title,
            starts_at=starts_at,
            accepted=False,
            next_user_id=next_user,
            language=language_for_locale(community.language),
        )

    async def take(self, actor: Actor, occurrence_id: int) -> Taken:
        """ "I'll facilitate it" on a notice: see :meth:`Takeover.take`."""
        taken = await self._takeover.take(actor, occurrence_id)
        await self._show_facilitator(occurrence_id)
        return taken

    async def assign_to(self, actor: Actor, meeting: str, user_id: int) -> Taken:
        """``/rotation assign``: see :meth:`Takeover.assign`."""
        taken = await self._takeover.assign(actor, meeting, user_id)
        await self._show_facilitator(taken.occurrence_id)
        return taken

    async def meeting_choices(self, guild_id: int | None, text: str) -> list[tuple[str, str]]:
        """Autocomplete of ``meeting``: the meetings feature's one answer."""
        return await self._meetings.meeting_choices(guild_id, text) if self._meetings else []

    async def _show_facilitator(self, occurrence_id: int) -> None:
        """The announcement names the facilitator: re-draw it with who it is now."""
        if self._meetings is not None:
            await self._meetings.redraw(occurrence_id)

    async def _own_offer(
        self, conn: Connection, actor: Actor, occurrence_id: int
    ) -> tuple[Assignment, str, datetime]:
        """The actor's offer for a date that has not begun, or why not."""
        date = await self._date(conn, occurrence_id)
        if date is None or date.guild_id != actor.guild_id:
            raise UserError("facilitation.rotation.unknown_date")
        if not date.scheduled or date.starts_at <= self._core.clock.now():
            raise UserError("facilitation.rotation.date_over")
        assignment = await rotation_db.get_assignment(conn, occurrence_id)
        if assignment is None or assignment.user_id != actor.user_id:
            raise UserError("facilitation.rotation.not_your_offer")
        return assignment, date.title, date.starts_at

    async def _date(self, conn: Connection, occurrence_id: int) -> MeetingDate | None:
        return await self._meetings.date_of(conn, occurrence_id) if self._meetings else None

    # -- reading ---------------------------------------------------------------------------

    async def facilitators(self, conn: Connection, occurrence_ids: Sequence[int]) -> dict[int, int]:
        """Who holds each of these dates, for the meetings feature's announcements and
        ``/meeting list`` (read in its connection)."""
        return await rotation_db.facilitators(conn, list(occurrence_ids))

    async def assignment(self, occurrence_id: int) -> Assignment | None:
        async with self._core.db.read() as conn:
            return await rotation_db.get_assignment(conn, occurrence_id)

    async def status_lines(self, read: StatusRead) -> list[StatusLine]:
        """``/plc status``: who facilitates the next meeting (on the dates the meetings'
        line read, asked of its service once)."""
        dates = await self._meetings.status_dates(read) if self._meetings else []
        upcoming = await assigned(read.conn, dates[:1])  # the next date alone is shown
        if not upcoming or upcoming[0].status is None:
            return [StatusLine(key="facilitation.status.no_assignment")]
        first = upcoming[0]
        params: dict[str, Param] = {
            "title": first.meeting_title,
            "when": Moment(at=first.starts_at, style="short_date_time"),
        }
        if first.user_id is None:
            return [StatusLine(key="facilitation.status.nobody", params=params)]
        return [
            StatusLine(
                key=f"facilitation.status.next_{first.status}",
                params={**params, "user": MemberRef(user_id=first.user_id)},
            )
        ]

    # -- personal data ---------------------------------------------------------------------

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        volunteer = await rotation_db.get_volunteer(conn, guild_id, user_id)
        assignments = await rotation_db.member_assignments(conn, guild_id, user_id)
        dates = [await self._date(conn, a.occurrence_id) for a in assignments]
        return {
            "volunteer": volunteer.model_dump(mode="json") if volunteer else None,
            "assignments": [a.model_dump(mode="json") for a in assignments],
            "declined": [
                {"occurrence_id": occurrence_id, "declined_at": at}
                for occurrence_id, at in await rotation_db.member_declines(conn, guild_id, user_id)
            ],
            "occurrences_facilitated": [
                {"meeting_id": d.meeting_id, "starts_at": d.starts_at.isoformat()}
                for d in sorted((d for d in dates if d is not None), key=lambda d: d.starts_at)
            ],
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        await rotation_db.forget_member(conn, guild_id, user_id)
