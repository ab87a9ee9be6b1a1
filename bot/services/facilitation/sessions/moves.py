"""The moves of a live session, inside the caller's transaction: enter a step, end a
turn, add a late joiner to the round. Each move is one conditional update of the
session row (``version``), so two clicks at the same moment move it once; the posts
it causes go to the caller's :class:`~.posts.SessionOutbox`, and so do the edits of what
it leaves behind without buttons (:func:`left_behind`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from bot.chat import Card
from bot.db.connection import Connection
from bot.db.facilitation import session_notes as notes_db
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.sessions import SessionRow, TurnOutcome
from bot.errors import UserError
from bot.protocols import Protocol, Step
from bot.services.base import Core
from bot.services.facilitation.sessions.cards import (
    OpeningBegun,
    RoundComplete,
    RoundJoined,
    StepStarted,
    TurnEnd,
    TurnPrompt,
)
from bot.services.facilitation.sessions.posts import SessionOutbox
from bot.services.facilitation.sessions.state import (
    NEARLY_KIND,
    TIME_UP_KIND,
    about,
    about_step,
    controls_post,
    draw,
    language_of,
    prompt_post,
    protocol_of,
    round_order,
    speakers_for,
    step_ends_at,
    step_prefix,
    step_timers,
)
from bot.services.facilitation.sessions.summary import SessionSummary


class Moved(NamedTuple):
    """Where *Next* took the session, and the controls a click on *Next* was pressed on as
    they read without their buttons (None: typed, the move retired them itself)."""

    session: SessionRow
    left: Card | None


class Ended(NamedTuple):
    """What End stored, and the controls it was pressed on as they read without their
    buttons (None: not pressed on the controls of where the session was)."""

    summary: SessionSummary
    left: Card | None


def turn_prompt(session: SessionRow, over: TurnEnd | None = None) -> TurnPrompt:
    """The prompt of the turn under way in ``session``: while it runs (``over`` None, with
    Done and Pass), or as it ended."""
    if session.current_speaker is None:
        raise ValueError(f"session {session.id}: nobody has the floor")
    step = protocol_of(session.protocol).steps[session.step_index]
    language = language_of(session.language)
    return TurnPrompt(
        **about_step(session, step),
        turn_index=session.turn_index,
        turn_count=len(session.round_order),
        user_id=session.current_speaker,
        question=session.question[language] if session.question else None,
        over=over,
    )


def step_card(
    session: SessionRow, *, retired: bool = False, left_at: datetime | None = None
) -> StepStarted:
    """The post of the step under way in ``session``, with its controls (``retired``: as
    it reads once the group moved on, without them; ``left_at``: when it did, which says
    whether it ended early)."""
    protocol = protocol_of(session.protocol)
    step = protocol.steps[session.step_index]
    if session.step_started_at is None:
        raise ValueError(f"session {session.id}: step {session.step_index} has not begun")
    language = language_of(session.language)
    client_step = step.audience == "client" and session.client_id is not None
    ends_at = step_ends_at(session.step_started_at, step, session.extra_minutes)
    return StepStarted(
        **about(session),
        step_index=session.step_index,
        step_count=len(protocol.steps),
        title=step.title.text(language),
        prompt=step.prompt.text(language),
        minutes=step.minutes + session.extra_minutes,  # +2 min is part of it
        mode=step.mode,
        ends_at=ends_at,
        question=session.question[language] if session.question else None,
        client_id=session.client_id if client_step else None,
        round_size=len(session.round_order),
        is_last=session.step_index == len(protocol.steps) - 1,
        retired=retired,
        early=retired and left_at is not None and left_at < ends_at,
    )


def controls_left(
    session: SessionRow, *, ended: bool = False, left_at: datetime | None = None
) -> Card:
    """The facilitator's controls of where ``session`` is, as they read once *Next* moved
    the group on (or the session ``ended``) at ``left_at``: the opening's, or the step's,
    without buttons."""
    if session.step_index < 0:
        first = protocol_of(session.protocol).steps[0]
        title = first.title.text(language_of(session.language))
        return OpeningBegun(**about(session), first_step_title=title, ended=ended)
    return step_card(session, retired=True, left_at=left_at)


def left_behind(
    session: SessionRow, over: TurnEnd, *, controls: bool, left_at: datetime | None = None
) -> list[tuple[str, Card]]:
    """What a move away from where ``session`` is leaves in its thread, named and as it
    reads without buttons (for :meth:`~.posts.SessionOutbox.retire`): the prompt of a
    turn under way (``over``: how it ended), and the controls unless ``controls`` is
    False (a click replaces the message it was on itself)."""
    left: list[tuple[str, Card]] = []
    if session.current_speaker is not None:
        left.append((prompt_post(session), turn_prompt(session, over)))
    if controls:
        ended = over == "ended"
        left.append((controls_post(session), controls_left(session, ended=ended, left_at=left_at)))
    return left


class SessionMoves:
    def __init__(self, core: Core) -> None:
        self._core = core

    @staticmethod
    async def save(conn: Connection, session: SessionRow, changes: dict[str, Any]) -> SessionRow:
        """Apply ``changes`` if the session is as read; else refuse ("changed meanwhile")."""
        updated = await sessions_db.update_state(conn, session, changes)
        if updated is None:
            raise UserError("facilitation.session.changed_meanwhile")
        return updated

    async def cancel_step_timers(self, conn: Connection, session: SessionRow) -> None:
        for kind in (NEARLY_KIND, TIME_UP_KIND):
            await self._core.scheduler.cancel_prefix(
                conn, kind, step_prefix(session.id, session.step_index)
            )

    async def plan_step_timers(self, conn: Connection, session: SessionRow) -> None:
        """Cancel the step's earlier timers and plan "nearly up" and "over" for its end now."""
        if session.step_index < 0 or session.step_started_at is None:
            return
        step = protocol_of(session.protocol).steps[session.step_index]
        await self.cancel_step_timers(conn, session)
        now = self._core.clock.now()
        for kind, key, due in step_timers(
            session.id, session.step_index, step, session.step_started_at, session.extra_minutes
        ):
            if kind == NEARLY_KIND and due <= now:
                continue  # "+2 min" pressed late: its own post says when the step ends
            await self._core.scheduler.schedule(
                conn,
                session.guild_id,
                kind,
                key,
                due,
                {
                    "session_id": session.id,
                    "step_index": session.step_index,
                    "extra_minutes": session.extra_minutes,
                },
            )

    async def _draw_question(
        self, conn: Connection, session: SessionRow, protocol: Protocol, index: int
    ) -> dict[str, str] | None:
        step = protocol.steps[index]
        if not step.questions:
            return None
        pool = f"{protocol.id}:{index}"
        cycle, drawn = await notes_db.drawn_in_cycle(conn, session.guild_id, pool)
        chosen, fresh = draw(len(step.questions), drawn)
        await notes_db.record_draw(
            conn,
            session.guild_id,
            pool,
            cycle + 1 if fresh else cycle,
            chosen,
            session.id,
            self._core.clock.now(),
        )
        question = step.questions[chosen]
        return {"fr": question.fr, "en": question.en}

    @staticmethod
    async def _round(conn: Connection, session: SessionRow, step: Step) -> list[int]:
        participants = await sessions_db.participants(conn, session.id)
        speakers = speakers_for(step, participants, session.client_id)
        spoken = await sessions_db.spoken_counts(conn, session.guild_id, speakers)
        earlier = await sessions_db.count_before(conn, session.guild_id, session.id)
        return round_order(speakers, spoken, earlier)

    async def enter_step(
        self, conn: Connection, session: SessionRow, index: int, outbox: SessionOutbox
    ) -> SessionRow:
        """Start step ``index``: its question, its round order, its timers and its posts."""
        protocol = protocol_of(session.protocol)
        step = protocol.steps[index]
        now = self._core.clock.now()
        await self.cancel_step_timers(conn, session)
        question = await self._draw_question(conn, session, protocol, index)
        order = await self._round(conn, session, step) if step.mode == "round" else []
        session = await self.save(
            conn,
            session,
            {
                "step_index": index,
                "step_started_at": now,
                "extra_minutes": 0,
                "round_order": order,
                "turn_index": 0,
                "current_speaker": order[0] if order else None,
                "question": question,
            },
        )
        await self.plan_step_timers(conn, session)
        started = step_card(session)
        mention = (started.client_id,) if started.client_id is not None else ()
        await outbox.post(conn, session, started, mention=mention, name=controls_post(session))
        if step.mode == "round":
            await self._after_turn_change(conn, session, outbox)
        return session

    @staticmethod
    async def _after_turn_change(
        conn: Connection, session: SessionRow, outbox: SessionOutbox
    ) -> None:
        """Prompt the speaker whose turn it is, or say the round is complete."""
        protocol = protocol_of(session.protocol)
        step = protocol.steps[session.step_index]
        if session.current_speaker is not None:
            prompt = turn_prompt(session)
            mention = (session.current_speaker,)
            await outbox.post(conn, session, prompt, mention=mention, name=prompt_post(session))
            return
        complete = RoundComplete(
            **about_step(session, step),
            is_last=session.step_index == len(protocol.steps) - 1,
            empty=not session.round_order,
        )
        await outbox.post(conn, session, complete)

    async def end_turn(
        self, conn: Connection, session: SessionRow, outcome: TurnOutcome, outbox: SessionOutbox
    ) -> SessionRow:
        """Record the current speaker's turn and give the floor to the next one."""
        speaker = session.current_speaker
        if speaker is None:
            raise UserError("facilitation.session.no_turn")
        await sessions_db.record_turn(
            conn,
            session.guild_id,
            session.id,
            speaker,
            session.step_index,
            session.turn_index,
            outcome,
            self._core.clock.now(),
        )
        following = session.turn_index + 1
        order = session.round_order
        session = await self.save(
            conn,
            session,
            {
                "turn_index": following,
                "current_speaker": order[following] if following < len(order) else None,
            },
        )
        await self._after_turn_change(conn, session, outbox)
        return session

    async def close_turn(self, conn: Connection, session: SessionRow) -> SessionRow:
        """The facilitator moves on (Next) while someone has the floor: their turn counts as
        spoken and nobody else is prompted (the round stops here)."""
        if session.current_speaker is None:
            return session
        await sessions_db.record_turn(
            conn,
            session.guild_id,
            session.id,
            session.current_speaker,
            session.step_index,
            session.turn_index,
            "spoke",
            self._core.clock.now(),
        )
        changes = {"turn_index": session.turn_index + 1, "current_speaker": None}
        return await self.save(conn, session, changes)

    async def seat_late_joiner(
        self, conn: Connection, session: SessionRow, user_id: int, outbox: SessionOutbox
    ) -> bool:
        """Someone joined during a round that is theirs too: they get a turn at its end; the
        step's post counts them, and the thread is told the turns are now counted out of
        one more (or, the round being over, they are prompted at once)."""
        if session.step_index < 0:
            return False
        step = protocol_of(session.protocol).steps[session.step_index]
        if step.mode != "round" or user_id in session.round_order:
            return False
        if user_id not in speakers_for(step, [user_id], session.client_id):
            return False
        order = [*session.round_order, user_id]
        changes: dict[str, Any] = {"round_order": order}
        reopened = session.current_speaker is None
        if reopened:  # the round was over: it goes on with them
            changes.update(turn_index=len(order) - 1, current_speaker=user_id)
        session = await self.save(conn, session, changes)
        await outbox.edit(conn, session, controls_post(session), step_card(session))
        if reopened:
            await self._after_turn_change(conn, session, outbox)
        else:
            joined = RoundJoined(
                **about_step(session, step), user_id=user_id, turn_count=len(order)
            )
            await outbox.post(conn, session, joined)
        return True
