"""Live sessions: a facilitator starts one with a slash command and the bot runs the
protocol: the review of open actions, the top questions, then each step, giving each
participant their turn in a round, keeping time, and ending with a stored summary.

State lives in ``sessions`` (one live per community): a restart resumes the same
step, speaker and timers. Every move is one transaction; its posts are durable timers
(:mod:`.posts`). The parts: :class:`~.opening.SessionOpening` (starting),
:class:`~.moves.SessionMoves` (steps and turns), :class:`~.access.SessionAccess` (who
may do what); what is written during a session is :class:`~.records.SessionRecords`'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.actor import Actor
from bot.chat import ChannelRef
from bot.db import audit
from bot.db import members as members_db
from bot.db.connection import Connection
from bot.db.facilitation import actions as actions_db
from bot.db.facilitation import session_notes as notes_db
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.sessions import SessionRow, TurnOutcome
from bot.errors import UserError
from bot.frozen import Frozen
from bot.i18n import Language
from bot.interactions.errors import phrase_text
from bot.protocols import ProtocolCatalog
from bot.services.base import Core, StatusLine, StatusRead
from bot.services.community import CommunityService
from bot.services.facilitation.sessions.access import SessionAccess
from bot.services.facilitation.sessions.cards import SessionEnded, StepExtended, TurnPrompt
from bot.services.facilitation.sessions.moves import (
    Ended,
    Moved,
    SessionMoves,
    controls_left,
    left_behind,
    step_card,
    turn_prompt,
)
from bot.services.facilitation.sessions.opening import SessionOpening
from bot.services.facilitation.sessions.posts import SessionOutbox
from bot.services.facilitation.sessions.state import (
    MAX_EXTRA_MINUTES,
    NEARLY_KIND,
    OPENING,
    TIME_UP_KIND,
    about_step,
    controls_post,
    extended_minutes,
    language_of,
    protocol_of,
    session_prefix,
    step_ends_at,
)
from bot.services.facilitation.sessions.summary import (
    SessionSummary,
    build_summary,
    scrub_member,
)
from bot.services.facilitation.sessions.topics import TopicSource
from bot.services.meetings import MeetingService


class SessionStarted(Frozen):
    session: SessionRow
    protocol_name: str
    reviewed_actions: int


Committed = Callable[[], None]
"""Told that a turn is on the disk, once its next prompt is posted: what the caller
starts then (an acknowledgement) never goes out ahead of the prompt."""


class SessionService:
    name = "sessions"

    def __init__(
        self,
        core: Core,
        community: CommunityService,
        protocols: ProtocolCatalog,
        *,
        topics: TopicSource | None = None,
        meetings: MeetingService | None = None,
    ) -> None:
        self._core = core
        self._community = community
        self._meetings = meetings
        self.protocols = protocols
        self.access = SessionAccess()
        self.moves = SessionMoves(core)
        self.opening = SessionOpening(core, protocols, topics, meetings)

    # -- starting --------------------------------------------------------------------------

    async def start(
        self,
        actor: Actor,
        *,
        channel_id: int,
        protocol: str | None = None,
        meeting: str | None = None,
        client_id: int | None = None,
    ) -> SessionStarted:
        """Open a session (facilitators, or the facilitator the rotation assigned)."""
        community = await self._community.require(actor.guild_id)
        plan = await self.opening.plan(
            actor, community, protocol=protocol, meeting=meeting, client_id=client_id
        )
        outbox = SessionOutbox(self._core)
        async with self._core.db.transaction() as conn:
            session, reviewed = await self.opening.create(
                conn, actor, community, plan, channel_id, outbox
            )
        await outbox.flush()
        started = await self.get(session.id)
        if started is None:  # the channel refused the opening: the session was forgotten
            raise UserError(
                "facilitation.session.cannot_post", channel=ChannelRef(channel_id=channel_id)
            )
        language = language_of(community.language)
        return SessionStarted(
            session=started,
            protocol_name=plan.protocol.name_in(language),
            reviewed_actions=reviewed,
        )

    async def meeting_choices(
        self, guild_id: int | None, text: str, language: Language = "en"
    ) -> list[tuple[str, str]]:
        """Autocomplete of ``meeting``: upcoming meetings matching ``text``, each with its
        date in the meeting's own zone (as ``/meeting edit`` offers them)."""
        if self._meetings is None:
            return []
        return await self._meetings.meeting_choices(guild_id, text, language)

    # -- taking part -----------------------------------------------------------------------

    async def join(self, actor: Actor, session_id: int) -> bool:
        """Join a session (the Join button); False if already in. A round under way that
        is for them too gives them a turn at its end."""
        await self._community.require(actor.guild_id)
        now = self._core.clock.now()
        outbox = SessionOutbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self.access.live_by_id(conn, actor, session_id)
            await members_db.ensure(
                conn, session.guild_id, actor.user_id, now, client_language=actor.language
            )
            added = await sessions_db.add_participant(
                conn, session.guild_id, session.id, actor.user_id, now
            )
            if added:
                await self.moves.seat_late_joiner(conn, session, actor.user_id, outbox)
        await outbox.flush()
        return added

    # -- turns and steps -------------------------------------------------------------------

    async def end_turn(
        self,
        actor: Actor,
        session_id: int,
        step_index: int,
        turn_index: int,
        outcome: TurnOutcome,
        *,
        committed: Committed | None = None,
    ) -> TurnPrompt:
        """*Done* (``spoke``: the speaker ends their own turn) or *Pass* (``passed``: the
        speaker, or a facilitator for them). The turn's write, then its posts; ``committed``
        once both are done. The turn's prompt as it ended (its speaker, and how)."""
        community = await self._community.require(actor.guild_id)
        outbox = SessionOutbox(self._core)

        async def write(conn: Connection) -> TurnPrompt:
            session = await self.access.live_by_id(conn, actor, session_id)
            if (
                session.step_index != step_index
                or session.turn_index != turn_index
                or session.current_speaker is None
            ):
                raise UserError("facilitation.session.turn_over")
            speaker = session.current_speaker == actor.user_id
            if outcome == "spoke" and not speaker:
                raise UserError("facilitation.session.not_your_turn_done")
            if not speaker and not self.access.steers(actor, community, session):
                raise UserError("facilitation.session.not_your_turn_pass")
            ended = turn_prompt(session, over=outcome)
            await self.moves.end_turn(conn, session, outcome, outbox)
            return ended

        # Its statements only (the next prompt is planned, not woken): run whole on the
        # database thread, one trip for all. The group waits for the next prompt, not for
        # the disk: the commit does not wait for it, the log is synced once the prompt is
        # posted (a sync beside the post slowed it: its thread took the interpreter), and
        # the clicker is told their turn is over only once it is on the disk. (Lost to a
        # power cut in those few milliseconds, the turn was never acknowledged: its Done
        # is pressed again, and the prompt already posted says its turn is over.)
        db = self._core.db
        ended = await db.in_one_trip(write, durable=False)
        try:
            await outbox.flush()
        finally:
            await db.make_durable()
        if committed is not None:
            committed()
        return ended

    async def next_step(
        self, actor: Actor, session_id: int | None = None, expected_step: int | None = None
    ) -> Moved:
        """*Next* (facilitators). The button carries the step it was shown on, so two
        presses at the same moment move one step, and the second is told so."""
        community = await self._community.require(actor.guild_id)
        outbox = SessionOutbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self.access.steered(conn, actor, community, session_id)
            if expected_step is not None and session.step_index != expected_step:
                raise UserError("facilitation.session.already_moved", step=session.step_index + 1)
            steps = protocol_of(session.protocol).steps
            if session.step_index >= len(steps) - 1:
                raise UserError("facilitation.session.last_step")
            # A click (its step given) replaces its own controls; typed, the move does.
            clicked, now = expected_step is not None, self._core.clock.now()
            left = controls_left(session, left_at=now) if clicked else None
            behind = left_behind(session, "moved_on", controls=not clicked, left_at=now)
            session = await self.moves.close_turn(conn, session)
            session = await self.moves.enter_step(conn, session, session.step_index + 1, outbox)
            await outbox.retire(conn, session, behind)  # after the new step's posts
        await outbox.flush()
        return Moved(session, left)

    async def extend(
        self, actor: Actor, session_id: int | None = None, expected_step: int | None = None
    ) -> SessionRow:
        """*+2 min* (facilitators): the step's end moves, its timers with it, and the step's
        post is edited to say when it now ends."""
        community = await self._community.require(actor.guild_id)
        outbox = SessionOutbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self.access.steered(conn, actor, community, session_id)
            if session.step_index == OPENING or session.step_started_at is None:
                raise UserError("facilitation.session.no_step")
            if expected_step is not None and session.step_index != expected_step:
                raise UserError("facilitation.session.already_moved", step=session.step_index + 1)
            started_at = session.step_started_at
            step = protocol_of(session.protocol).steps[session.step_index]
            now = self._core.clock.now()
            extra = extended_minutes(session.extra_minutes, started_at, step, now)
            if extra > MAX_EXTRA_MINUTES:
                raise UserError("facilitation.session.extend_limit", limit=MAX_EXTRA_MINUTES)
            session = await self.moves.save(conn, session, {"extra_minutes": extra})
            await self.moves.plan_step_timers(conn, session)
            ends_at = step_ends_at(started_at, step, extra)
            extended = StepExtended(
                **about_step(session, step), extra_minutes=extra, ends_at=ends_at
            )
            await outbox.post(conn, session, extended)
            await outbox.edit(conn, session, controls_post(session), step_card(session))
        await outbox.flush()
        return session

    # -- ending ----------------------------------------------------------------------------

    async def end(
        self, actor: Actor, session_id: int | None = None, shown_at: int | None = None
    ) -> Ended:
        """``/session end``: store the summary, post it, stop the timers. ``shown_at``: the
        step whose controls End was pressed on; they are handed back without buttons if
        the session was still there."""
        community = await self._community.require(actor.guild_id)
        outbox = SessionOutbox(self._core)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            session = await self.access.steered(conn, actor, community, session_id)
            shown = shown_at == session.step_index
            left = controls_left(session, ended=True, left_at=now) if shown else None
            behind = left_behind(session, "ended", controls=left is None, left_at=now)
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
            changes = {
                "status": "ended",
                "ended_at": now,
                "current_speaker": None,
                "summary": summary.model_dump(mode="json"),
            }
            session = await self.moves.save(conn, session, changes)
            for kind in (NEARLY_KIND, TIME_UP_KIND):
                await self._core.scheduler.cancel_prefix(conn, kind, session_prefix(session.id))
            detail = {"session_id": session.id, "steps_covered": len(summary.covered)}
            await audit.record(conn, community.guild_id, actor.user_id, "session.end", detail, now)
            ended = SessionEnded(language=language_of(session.language), summary=summary)
            await outbox.post(conn, session, ended)
            await outbox.retire(conn, session, behind, opening=True)
        await outbox.flush()
        return Ended(summary, left)

    # -- reading ---------------------------------------------------------------------------

    async def live(self, guild_id: int) -> SessionRow | None:
        async with self._core.db.read() as conn:
            return await sessions_db.live(conn, guild_id)

    async def get(self, session_id: int) -> SessionRow | None:
        async with self._core.db.read() as conn:
            return await sessions_db.get(conn, session_id)

    async def check_live(self, actor: Actor, session_id: int) -> None:
        """Refuse a button of a session that has ended before its form asks for anything."""
        async with self._core.db.read() as conn:
            await self.access.live_by_id(conn, actor, session_id)

    async def status_lines(self, read: StatusRead) -> list[StatusLine]:
        """``/plc status``: the session running now; custom protocol files refused."""
        lines = []
        channel_id = await sessions_db.live_channel(read.conn, read.guild_id)
        if channel_id is not None:
            where = ChannelRef(channel_id=channel_id)
            lines.append(StatusLine(key="facilitation.status.live", params={"channel": where}))
        for problem in self.protocols.problems:
            lines.append(
                StatusLine(
                    key="facilitation.status.protocol_refused",
                    params={"problem": phrase_text(problem.phrase())},
                )
            )
        return lines

    # -- personal data ---------------------------------------------------------------------

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        participations = await notes_db.member_participations(conn, guild_id, user_id)
        return {
            "sessions_joined": [
                {"session_id": sid, "joined_at": at.isoformat()} for sid, at in participations
            ],
            "sessions_started": [
                s.id
                for s in await notes_db.sessions_touching(conn, guild_id, user_id)
                if s.facilitator_id == user_id
            ],
            "turns": [
                t.model_dump(mode="json")
                for t in await notes_db.member_turns(conn, guild_id, user_id)
            ],
            "notes_and_decisions": [
                {"kind": e.kind, "text": e.text, "created_at": e.created_at.isoformat()}
                for e in await notes_db.member_entries(conn, guild_id, user_id)
            ],
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        """Remove the member from every session: state, stored summaries, turns."""
        for session in await notes_db.sessions_touching(conn, guild_id, user_id):
            order = [u for u in session.round_order if u != user_id]
            speaker = None if session.current_speaker == user_id else session.current_speaker
            summary = (
                scrub_member(SessionSummary.model_validate(session.summary), user_id).model_dump(
                    mode="json"
                )
                if session.summary
                else None
            )
            await notes_db.rewrite_for_erasure(conn, session, order, speaker, summary, user_id)
        await notes_db.forget_member(conn, guild_id, user_id)
