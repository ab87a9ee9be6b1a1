"""Live sessions (SPEC §5): a facilitator starts one with a slash command and the bot runs
the protocol: the review of open actions, the top questions, then each step, giving
each participant their turn in a round, keeping time, and ending with a stored summary.

State lives in ``sessions`` (one live per community): a restart resumes the same
step, speaker and timers. Every move is one transaction; its posts are durable timers
(:mod:`bot.services.session_posts`); the moves themselves are in
:mod:`bot.services.session_steps`.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from bot.actor import Actor
from bot.db import actions as actions_db
from bot.db import audit
from bot.db import meeting_rsvps as rsvps_db
from bot.db import meetings as meetings_db
from bot.db import members as members_db
from bot.db import session_notes as notes_db
from bot.db import sessions as sessions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.meetings import Occurrence
from bot.db.sessions import NewSession, SessionRow
from bot.errors import UserError
from bot.frozen import Frozen
from bot.protocols import DEFAULT_PROTOCOL
from bot.protocols import Protocol as SessionProtocol
from bot.services import facilitation_cards as cards
from bot.services.community import facilitates
from bot.services.session_base import SessionBase
from bot.services.session_opening import opening_parts
from bot.services.session_posts import Outbox
from bot.services.session_records import SessionRecords
from bot.services.session_state import (
    EXTEND_MINUTES,
    MAX_EXTRA_MINUTES,
    NEARLY_KIND,
    OPENING,
    TIME_UP_KIND,
    about_step,
    language_of,
    protocol_of,
    session_prefix,
    step_ends_at,
)
from bot.services.session_steps import (
    close_turn,
    end_turn,
    enter_step,
    plan_step_timers,
    save,
    seat_late_joiner,
)
from bot.services.session_summary import SessionSummary, build_summary

AGENDA_SIZE = 5
NEAR_MEETING = timedelta(hours=12)


class SessionStarted(Frozen):
    session: SessionRow
    protocol_name: str
    reviewed_actions: int


class SessionService(SessionRecords, SessionBase):
    name = "sessions"

    # -- starting ------------------------------------------------------------------------

    async def start(
        self,
        actor: Actor,
        *,
        channel_id: int,
        protocol: str | None = None,
        meeting: str | None = None,
        client_id: int | None = None,
        client_present: bool = True,
    ) -> SessionStarted:
        """Open a session (facilitators, or the facilitator the rotation assigned)."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            occurrence, title, preset = await self._meeting_for(conn, community, actor, meeting)
        assigned = occurrence is not None and occurrence.facilitator_id == actor.user_id
        if not (facilitates(actor, community) or assigned):
            raise UserError("facilitation.session.not_allowed")
        chosen = self._protocol(protocol or preset or DEFAULT_PROTOCOL)
        if chosen.client and client_id is None:
            raise UserError("facilitation.session.client_needed", protocol=chosen.id)
        if client_id is not None and not client_present:
            raise UserError("facilitation.errors.owner_left", user=f"<@{client_id}>")
        topics = self._topics
        agenda = await topics.top_open(community.guild_id, AGENDA_SIZE) if topics else []
        now = self._core.clock.now()
        language = language_of(community.language)
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            running = await sessions_db.live(conn, community.guild_id)
            if running is not None:
                raise UserError(
                    "facilitation.session.already_live",
                    channel=f"<#{running.thread_id or running.channel_id}>",
                )
            try:
                session_id = await sessions_db.insert(
                    conn,
                    NewSession(
                        guild_id=community.guild_id,
                        occurrence_id=occurrence.id if occurrence else None,
                        meeting_title=title,
                        protocol_id=chosen.id,
                        protocol=chosen.model_dump(mode="json"),
                        language=language,
                        facilitator_id=actor.user_id,
                        client_id=client_id,
                        channel_id=channel_id,
                    ),
                    now,
                )
            except sqlite3.IntegrityError:
                raise UserError("facilitation.session.already_live", channel="—") from None
            await audit.record(
                conn,
                community.guild_id,
                actor.user_id,
                "session.start",
                {"session_id": session_id, "protocol": chosen.id},
                now,
            )
            going = (
                [r.user_id for r in await rsvps_db.rsvps_for(conn, occurrence.id, ("going",))]
                if occurrence
                else []
            )
            for user_id in dict.fromkeys(
                [actor.user_id, *([client_id] if client_id else []), *going]
            ):
                await members_db.ensure(conn, community.guild_id, user_id, now)
                await sessions_db.add_participant(
                    conn, community.guild_id, session_id, user_id, now
                )
            session = await sessions_db.get(conn, session_id)
            assert session is not None
            review = await actions_db.pending_before(conn, community.guild_id, session_id)
            opened, thread_name, parts = opening_parts(session, chosen, review, agenda)
            await outbox.open(conn, session, opened, thread_name, parts)
        await outbox.flush()
        async with self._core.db.read() as conn:
            started = await sessions_db.get(conn, session_id)
        if started is None:
            raise UserError("facilitation.session.cannot_post", channel=f"<#{channel_id}>")
        return SessionStarted(
            session=started, protocol_name=chosen.name_in(language), reviewed_actions=len(review)
        )

    def _protocol(self, reference: str) -> SessionProtocol:
        return self.protocols.require(reference)

    async def _meeting_for(
        self, conn: Connection, community: Community, actor: Actor, reference: str | None
    ) -> tuple[Occurrence | None, str | None, str | None]:
        """The meeting date the session is for: the one named, else one within 12 hours
        (the actor's own assignment first). Returns it, its title and its protocol."""
        now = self._core.clock.now()
        candidates = []
        for occurrence in await meetings_db.scheduled_occurrences(conn, community.guild_id):
            meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                continue
            if reference is not None:
                if reference.strip() == str(meeting.id):
                    return occurrence, meeting.title, meeting.protocol_id
                continue
            if abs(occurrence.starts_at - now) <= NEAR_MEETING:
                candidates.append((occurrence, meeting.title, meeting.protocol_id))
        if reference is not None:
            raise UserError("facilitation.session.unknown_meeting", text=reference[:100])
        candidates.sort(
            key=lambda c: (c[0].facilitator_id != actor.user_id, abs(c[0].starts_at - now))
        )
        return candidates[0] if candidates else (None, None, None)

    # -- taking part -------------------------------------------------------------------------

    async def join(self, actor: Actor, session_id: int) -> bool:
        """Join a session (the Join button); False if already in. A round under way that
        is for them too gives them a turn at its end."""
        await self._community.require(actor.guild_id)
        now = self._core.clock.now()
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._live_by_id(conn, actor, session_id)
            await members_db.ensure(conn, session.guild_id, actor.user_id, now)
            added = await sessions_db.add_participant(
                conn, session.guild_id, session.id, actor.user_id, now
            )
            if added:
                await seat_late_joiner(conn, session, actor.user_id, outbox)
        await outbox.flush()
        return added

    # -- turns and steps ------------------------------------------------------------------------

    async def pass_turn(
        self, actor: Actor, session_id: int, step_index: int, turn_index: int
    ) -> SessionRow:
        """*Pass*: the current speaker, or a facilitator for them."""
        return await self._turn(actor, session_id, step_index, turn_index, "passed")

    async def finish_turn(
        self, actor: Actor, session_id: int, step_index: int, turn_index: int
    ) -> SessionRow:
        """*Done*: the speaker ends their own turn."""
        return await self._turn(actor, session_id, step_index, turn_index, "spoke")

    async def _turn(
        self, actor: Actor, session_id: int, step_index: int, turn_index: int, outcome: str
    ) -> SessionRow:
        community = await self._community.require(actor.guild_id)
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._live_by_id(conn, actor, session_id)
            if (
                session.step_index != step_index
                or session.turn_index != turn_index
                or session.current_speaker is None
            ):
                raise UserError("facilitation.session.turn_over")
            speaker = session.current_speaker == actor.user_id
            if outcome == "spoke" and not speaker:
                raise UserError("facilitation.session.not_your_turn_done")
            if not speaker and not self._steers(actor, community, session):
                raise UserError("facilitation.session.not_your_turn_pass")
            session = await end_turn(
                conn,
                session,
                "spoke" if outcome == "spoke" else "passed",
                self._core.clock.now(),
                outbox,
            )
        await outbox.flush()
        return session

    async def next_step(
        self, actor: Actor, session_id: int | None = None, expected_step: int | None = None
    ) -> SessionRow:
        """*Next* (facilitators). The button carries the step it was shown on, so two
        presses at the same moment move one step, and the second is told so."""
        community = await self._community.require(actor.guild_id)
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._steered(conn, actor, community, session_id)
            if expected_step is not None and session.step_index != expected_step:
                raise UserError("facilitation.session.already_moved", step=session.step_index + 1)
            steps = protocol_of(session.protocol).steps
            if session.step_index >= len(steps) - 1:
                raise UserError("facilitation.session.last_step")
            session = await close_turn(conn, session, self._core.clock.now())
            session = await enter_step(self._core, conn, session, session.step_index + 1, outbox)
        await outbox.flush()
        return session

    async def extend(
        self, actor: Actor, session_id: int | None = None, expected_step: int | None = None
    ) -> SessionRow:
        """*+2 min* (facilitators): the step's end moves, its timers with it."""
        community = await self._community.require(actor.guild_id)
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._steered(conn, actor, community, session_id)
            if session.step_index == OPENING or session.step_started_at is None:
                raise UserError("facilitation.session.no_step")
            if expected_step is not None and session.step_index != expected_step:
                raise UserError("facilitation.session.already_moved", step=session.step_index + 1)
            started_at = session.step_started_at
            extra = session.extra_minutes + EXTEND_MINUTES
            if extra > MAX_EXTRA_MINUTES:
                raise UserError("facilitation.session.extend_limit", limit=MAX_EXTRA_MINUTES)
            session = await save(conn, session, {"extra_minutes": extra})
            await plan_step_timers(self._core, conn, session)
            step = protocol_of(session.protocol).steps[session.step_index]
            await outbox.post(
                conn,
                session,
                cards.StepExtended(
                    **about_step(session, step),
                    extra_minutes=extra,
                    ends_at=step_ends_at(started_at, step, extra),
                ),
            )
        await outbox.flush()
        return session

    # -- ending -----------------------------------------------------------------------------------

    async def end(self, actor: Actor, session_id: int | None = None) -> SessionSummary:
        """``/session end``: store the summary, post it, stop the timers."""
        community = await self._community.require(actor.guild_id)
        outbox = Outbox(self._core)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            session = await self._steered(conn, actor, community, session_id)
            # A turn cut short by the end was not taken: it is not recorded (the summary
            # and the next session's "who spoke least goes first" leave it out).
            summary = build_summary(
                session,
                await sessions_db.participants(conn, session.id),
                await notes_db.entries(conn, session.id),
                await actions_db.of_session(conn, session.id),
                await sessions_db.turns(conn, session.id),
                now,
            )
            session = await save(
                conn,
                session,
                {
                    "status": "ended",
                    "ended_at": now,
                    "current_speaker": None,
                    "summary": summary.model_dump(mode="json"),
                },
            )
            for kind in (NEARLY_KIND, TIME_UP_KIND):
                await self._core.scheduler.cancel_prefix(conn, kind, session_prefix(session.id))
            await audit.record(
                conn,
                community.guild_id,
                actor.user_id,
                "session.end",
                {"session_id": session.id, "steps_covered": len(summary.covered)},
                now,
            )
            if session.occurrence_id is not None:
                await sessions_db.link_occurrence(conn, session.occurrence_id, session.id)
            await outbox.post(
                conn,
                session,
                cards.SessionEnded(language=language_of(session.language), summary=summary),
            )
        await outbox.flush()
        return summary
