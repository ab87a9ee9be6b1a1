"""Meetings: one method per member's action, each checking who may do it.

A meeting is a series with at most one *scheduled* occurrence: the next date. It
is announced with RSVP buttons; its reminders and its end are durable timers
(:mod:`.timers`). When it ends the next date of the rule is added, announced and
timed in turn. Cancelling one occurrence moves the series on the same way;
cancelling the series stops it. The platform event follows (:mod:`.mirror`).
"""

from __future__ import annotations

import asyncio
import logging

from bot.actor import Actor
from bot.chat import ChannelRef, Moment
from bot.db import audit
from bot.db import meeting_rsvps as rsvps_db
from bot.db import meetings as meetings_db
from bot.db import members as members_db
from bot.db.connection import Connection
from bot.db.meeting_rsvps import ANSWERS, Answer, Rsvp, RsvpCounts
from bot.errors import NotFacilitator, UserError
from bot.i18n import Language
from bot.scheduler import TimerKind
from bot.services.base import Core, OccurrenceListener
from bot.services.community import CommunityService, MemberService
from bot.services.meetings import models
from bot.services.meetings.cards import announcement_card
from bot.services.meetings.checks import (
    Room,
    announcements_channel,
    check_agenda,
    check_duration,
    check_link,
    check_reminders,
    check_repeat,
    check_room,
    check_title,
    read_when,
    require_postable,
)
from bot.services.meetings.edits import MeetingEdit, notice_key
from bot.services.meetings.mirror import EventMirror
from bot.services.meetings.occurrences import Occurrences, still_scheduled
from bot.services.meetings.protocol_choices import ProtocolChoices
from bot.services.meetings.publisher import Change, Publisher
from bot.services.meetings.queries import MeetingQueries
from bot.services.meetings.reader import FacilitatorSource
from bot.services.meetings.timers import MeetingTimers
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)


class MeetingService(MeetingQueries):
    """The rules and workflows of meetings; no chat-platform types in or out."""

    def __init__(
        self,
        core: Core,
        community: CommunityService,
        members: MemberService,
        outbox: Outbox,
    ) -> None:
        super().__init__(core, community)
        self.publisher = Publisher(core, community, outbox, self._dates)
        self.occurrences = Occurrences(core, self.publisher, self._dates)
        self.mirror = EventMirror(core, core.chat.events, self._dates)
        self.timers = MeetingTimers(
            core, members, self.occurrences, self.publisher, self.mirror, self._dates
        )
        self._protocols: ProtocolChoices | None = None

    def timer_kinds(self) -> list[TimerKind]:
        return self.timers.kinds()

    def use_protocols(self, protocols: ProtocolChoices) -> None:
        """Live sessions are on: a meeting may name the protocol its session runs."""
        self._protocols = protocols

    def protocol_choices(self, current: str, language: Language) -> list[tuple[str, str]]:
        """Autocomplete of ``protocol``: (id, name) pairs (none while sessions are off)."""
        return self._protocols.suggest(current, language) if self._protocols else []

    def add_occurrence_listener(self, listener: OccurrenceListener) -> None:
        """Told of each new date in its creating transaction (the rotation assigns)."""
        self.occurrences.listeners.append(listener)

    def use_facilitators(self, source: FacilitatorSource) -> None:
        """The rotation is on: announcements and ``/meeting list`` name who facilitates."""
        self._dates.use_facilitators(source)

    async def redraw(self, occurrence_id: int) -> None:
        """Re-draw a date's announcement after what it shows from another feature changed
        (its facilitator); nothing if the date or its announcement is gone."""
        upcoming = await self.upcoming_occurrence(occurrence_id)
        if upcoming is not None:
            await self.publisher.refresh(upcoming)

    # -- /meeting schedule ----------------------------------------------------------------

    async def draft_schedule(
        self,
        actor: Actor,
        *,
        title: str,
        when: str,
        duration: int = 90,
        repeat: str = "none",
        room: Room | None = None,
        link: str | None = None,
        agenda: str | None = None,
        reminders: str | None = None,
        protocol: str | None = None,
    ) -> models.MeetingDraft:
        """Check everything, read ``when`` and ask whether the bot can post where it will
        announce; nothing is saved (the reply asks to confirm)."""
        community = await self._community.require_facilitator(actor)
        channel = announcements_channel(community)
        clean_title = check_title(title)
        clean_agenda = check_agenda(agenda)
        minutes = check_duration(duration)
        rule = check_repeat(repeat)
        clean_link = check_link(link)
        offsets = check_reminders(reminders)
        channel_id = check_room(room)
        protocol_id = self._protocol_id(protocol, actor)
        now = self._core.clock.now()
        instant, typed = await read_when(when, actor, community, self._community, now)
        await require_postable(self._core.chat, community.guild_id, channel)
        return models.MeetingDraft(
            guild_id=community.guild_id,
            created_by=actor.user_id,
            title=clean_title,
            duration_minutes=minutes,
            repeat=rule,
            when=instant,
            typed=typed,
            channel_id=channel_id,
            link=clean_link,
            agenda=clean_agenda,
            announcements_channel_id=channel,
            reminder_offsets=offsets,
            community_reminders=community.reminder_offsets,
            drafted_at=now,
            protocol_id=protocol_id,
        )

    def _protocol_id(self, protocol: str | None, actor: Actor) -> str | None:
        """The session protocol the meeting preselects, checked by the sessions' feature."""
        if protocol is None or not protocol.strip():
            return None
        if self._protocols is None:
            raise UserError("meetings.errors.sessions_off")
        return self._protocols.check(protocol, actor)

    async def schedule(self, actor: Actor, draft: models.MeetingDraft) -> models.ScheduleResult:
        """Save a confirmed draft, announce it and mirror it as an event.

        An unannounced meeting nobody can answer helps no one: if the channel refuses the
        announcement for good, everything is undone and :class:`AnnouncementRefused` says
        why. If the platform is only down, the meeting stays and its announcement waits
        in the outbox, which posts it as soon as the platform answers.
        """
        upcoming = await self._save(actor, draft)
        await self.publisher.announce(upcoming)
        async with self._core.db.read() as conn:
            upcoming = await self._dates.load(conn, upcoming.occurrence.id)
        channel_id = draft.announcements_channel_id
        if upcoming.announcement is None and await self._core.chat.is_paused(
            draft.guild_id, channel_id
        ):
            await self._discard(upcoming.meeting.id)
            raise models.AnnouncementRefused(
                "meetings.errors.announce_failed", channel=ChannelRef(channel_id=channel_id)
            )
        event_problem = await self.mirror.sync(upcoming.meeting.id)
        async with self._core.db.read() as conn:
            upcoming = await self._dates.load(conn, upcoming.occurrence.id)
        return models.ScheduleResult(
            upcoming=upcoming,
            announcement=upcoming.announcement,
            announcements_channel_id=channel_id,
            event_problem=event_problem,
        )

    async def _save(self, actor: Actor, draft: models.MeetingDraft) -> models.UpcomingMeeting:
        """The series, its first occurrence, their timers and the planned announcement,
        in one transaction."""
        if draft.guild_id != actor.guild_id:
            raise NotFacilitator()
        community = await self._community.require_facilitator(actor)
        announcements_channel(community)
        now = self._core.clock.now()
        if draft.when.starts_at <= now:
            raise UserError(
                "meetings.errors.passed_before_confirm",
                title=draft.title,
                when=Moment(at=draft.when.starts_at),
            )
        async with self._core.db.transaction() as conn:
            meeting_id = await meetings_db.insert_meeting(conn, draft.new_meeting(), now)
            meeting = await meetings_db.get_meeting(conn, meeting_id)
            assert meeting is not None
            upcoming = await self.occurrences.first(conn, meeting, draft.when, community)
            await audit.record(
                conn,
                draft.guild_id,
                actor.user_id,
                "meeting.schedule",
                {"meeting_id": meeting_id, "repeat": draft.repeat},
                now,
            )
        return upcoming

    async def _discard(self, meeting_id: int) -> None:
        """Undo :meth:`_save` when the channel refused the announcement for good."""
        async with self._core.db.transaction() as conn:
            meeting = await meetings_db.get_meeting(conn, meeting_id)
            if meeting is None:
                return
            occurrence = await meetings_db.scheduled_occurrence(conn, meeting_id)
            if occurrence is not None:
                await self.occurrences.cancel_timers(conn, meeting_id, occurrence)
            await meetings_db.delete_meeting(conn, meeting_id)
            await audit.record(
                conn,
                meeting.guild_id,
                meeting.created_by,
                "meeting.discard",
                {"meeting_id": meeting_id},
                self._core.clock.now(),
            )

    # -- RSVPs ----------------------------------------------------------------------------

    async def rsvp(self, actor: Actor, occurrence_id: int, answer: str) -> models.RsvpResult:
        """Set, change or (same answer again) remove a member's answer, atomically."""
        if answer not in ANSWERS:
            raise UserError("meetings.errors.bad_answer")
        chosen: Answer = answer
        community = await self._community.require(actor.guild_id)
        now = self._core.clock.now()

        async def write(
            conn: Connection,
        ) -> tuple[Answer | None, Rsvp | None, models.UpcomingMeeting]:
            occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
            if occurrence is None or occurrence.guild_id != actor.guild_id:
                raise UserError("meetings.errors.unknown_occurrence")
            # Its answers are counted once, after the change below.
            [current] = await self._dates.load_many(
                conn, [occurrence], counted={occurrence_id: RsvpCounts()}
            )
            if occurrence.status == "cancelled" or current.meeting.cancelled_at is not None:
                raise UserError("meetings.errors.rsvp_cancelled")
            if occurrence.status == "done" or now >= current.ends_at:
                raise UserError("meetings.errors.rsvp_over")
            previous = await rsvps_db.get_rsvp(conn, occurrence_id, actor.user_id)
            if previous is not None and previous.answer == chosen:
                await rsvps_db.delete_rsvp(conn, occurrence_id, actor.user_id)
                return None, previous, await self._dates.recounted(conn, current)
            await rsvps_db.put_rsvp(
                conn, occurrence.guild_id, occurrence_id, actor.user_id, chosen, now
            )
            if chosen != "cant":
                # Reminders will reach the member by DM: their row keeps the language
                # their client speaks, so a restart before the reminder keeps it too.
                await members_db.ensure(
                    conn, actor.guild_id, actor.user_id, now, client_language=actor.language
                )
            return chosen, previous, await self._dates.recounted(conn, current)

        # Only statements: the whole write goes to the database thread in one trip.
        new_answer, previous, upcoming = await self._core.db.in_one_trip(write)
        return models.RsvpResult(
            answer=new_answer,
            previous=previous.answer if previous else None,
            upcoming=upcoming,
            announcement=announcement_card(upcoming, community.language),
        )

    # -- /meeting edit, cancel --------------------------------------------------------------

    async def edit(
        self,
        actor: Actor,
        reference: str,
        *,
        title: str | None = None,
        when: str | None = None,
        duration: int | None = None,
        room: Room | None = None,
        link: str | None = None,
        agenda: str | None = None,
    ) -> models.EditResult:
        """Change a meeting from its next occurrence on; its timers, announcement and
        event follow, and the members who answered are told."""
        community = await self._community.require_facilitator(actor)
        before = await self.find(community.guild_id, reference)
        now = self._core.clock.now()
        edit = MeetingEdit(
            title=title, when=when, duration=duration, room=room, link=link, agenda=agenda
        )
        changes, instant, typed = await edit.checked(actor, community, self._community, now)
        occurrence = before.occurrence
        async with self._core.db.transaction() as conn:
            await still_scheduled(conn, occurrence)
            await meetings_db.update_meeting(conn, before.meeting.id, changes, now)
            # Its timers go, then those still wanted are planned: at a time kept, or moved
            # back to, the same keys come back (a new duration moves the end).
            await self.occurrences.cancel_timers(conn, before.meeting.id, occurrence)
            if instant is not None:
                await meetings_db.move_occurrence(
                    conn, occurrence.id, instant.local_date, instant.starts_at
                )
            after = await self._dates.load(conn, occurrence.id)
            await self.occurrences.plan_timers(conn, after, community)
            notify = [r.user_id for r in await rsvps_db.rsvps_for(conn, occurrence.id)]
            fields = {"meeting_id": before.meeting.id, "fields": sorted(changes)}
            await audit.record(conn, community.guild_id, actor.user_id, "meeting.edit", fields, now)
        await self.publisher.refresh(after)
        event_problem = await self.mirror.sync(after.meeting.id)
        told = 0
        if notify:
            action = notice_key(after.meeting.updated_at, changes)
            told = await self.publisher.notify(
                after, "edited", notify, action=action, before=before
            )
        return models.EditResult(
            before=before,
            after=after,
            when=instant,
            typed=typed,
            notify=notify,
            told=told,
            announcements_channel_id=community.announcements_channel_id,
            event_problem=event_problem,
        )

    async def cancel(self, actor: Actor, reference: str, scope: str) -> models.CancelResult:
        """Cancel the next occurrence (the series moves on) or the whole series."""
        if scope not in models.SCOPES:
            raise UserError("meetings.errors.scope", value=scope[:40])
        community = await self._community.require_facilitator(actor)
        current = await self.find(community.guild_id, reference)
        meeting, occurrence = current.meeting, current.occurrence
        ends_series = scope == "series" or meeting.repeat == "none"
        now = self._core.clock.now()
        following: models.UpcomingMeeting | None = None
        async with self._core.db.transaction() as conn:
            await still_scheduled(conn, occurrence)
            notify = [r.user_id for r in await rsvps_db.rsvps_for(conn, occurrence.id)]
            await meetings_db.finish_occurrence(conn, occurrence.id, "cancelled")
            await self.occurrences.cancel_timers(conn, meeting.id, occurrence)
            if ends_series:
                await meetings_db.cancel_meeting(conn, meeting.id, now)
            else:
                following = await self.occurrences.add_next(conn, meeting, occurrence, community)
            cancelled = await self._dates.load(conn, occurrence.id)
            await audit.record(
                conn,
                community.guild_id,
                actor.user_id,
                "meeting.cancel",
                {"meeting_id": meeting.id, "scope": "series" if ends_series else "occurrence"},
                now,
            )
        await self.publisher.refresh(cancelled)
        if following is not None:
            await self.publisher.announce(following)
        await self.mirror.sync(meeting.id)
        told = 0
        if notify:
            series = ends_series and meeting.repeat != "none"  # a one-off: its date, as shown
            change: Change = "cancelled_series" if series else "cancelled_occurrence"
            told = await self.publisher.notify(
                cancelled, change, notify, action="cancel", next_date=following
            )
        return models.CancelResult(
            cancelled=cancelled, series_ended=ends_series, next=following, notify=notify, told=told
        )

    # -- start-up ---------------------------------------------------------------------------

    async def reconcile(self) -> None:
        """Once connected after a start: announce what a crash left unannounced, and
        re-sync every event."""
        now = self._core.clock.now()
        for guild_id in await self.mirror.guilds_to_reconcile():
            # A turn for the loop between communities: reads run on its thread and a
            # calendar out of reach answers at once, so a thousand communities would
            # otherwise hold it (no health answer, no gateway event) until the last.
            await asyncio.sleep(0)
            for upcoming in await self.unannounced(guild_id):
                if upcoming.ends_at > now:
                    await self.publisher.ensure_announced(upcoming)
            await self.mirror.reconcile(guild_id)
