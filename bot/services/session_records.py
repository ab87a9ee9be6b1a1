"""Notes, decisions and actions taken during a session; the review of earlier actions
and of the top questions; the practice log; a member's session data (G1, G2)."""

from __future__ import annotations

from typing import Any, Literal

from bot.actor import Actor
from bot.db import actions as actions_db
from bot.db import session_notes as notes_db
from bot.db import sessions as sessions_db
from bot.db.actions import ActionItem
from bot.db.connection import Connection
from bot.db.session_notes import EntryKind
from bot.errors import UserError
from bot.services import facilitation_cards as cards
from bot.services.actions import DUE_KIND, RecordedAction, check_action_text, due_key
from bot.services.practice_log import NameOf, mention_name, practice_markdown
from bot.services.session_base import SessionBase
from bot.services.session_posts import Outbox
from bot.services.session_state import about, language_of
from bot.services.session_summary import SessionSummary, scrub_member
from bot.text import clean_text

ENTRY_MAX = 1000
ReviewChoice = Literal["done", "carried"]


class SessionRecords(SessionBase):
    async def add_entry(self, actor: Actor, kind: EntryKind, text: str | None) -> int:
        """``/session note`` and ``/session decision`` (participants)."""
        clean = self._entry_text(kind, text)
        community = await self._community.require(actor.guild_id)
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._current(conn, actor)
            await self._require_participant(conn, actor, community, session)
            entry_id = await notes_db.add_entry(
                conn,
                session.guild_id,
                session.id,
                kind,
                clean,
                actor.user_id,
                session.step_index,
                self._core.clock.now(),
            )
            await outbox.post(
                conn,
                session,
                cards.EntryPosted(
                    **about(session),
                    kind=kind,
                    text=clean,
                    author_id=actor.user_id,
                ),
            )
        await outbox.flush()
        return entry_id

    @staticmethod
    def _entry_text(kind: str, text: str | None) -> str:
        if kind not in ("note", "decision"):
            raise UserError("facilitation.errors.entry_kind")
        try:
            return clean_text(text, field=kind, max_length=ENTRY_MAX, multiline=True)
        except UserError as exc:
            problem = "empty" if exc.key == "errors.text_empty" else "too_long"
            raise UserError(f"facilitation.errors.{kind}_{problem}", **exc.params) from None

    async def add_action(
        self,
        actor: Actor,
        text: str | None,
        *,
        owner_id: int | None = None,
        owner_present: bool = True,
        due: str | None = None,
        session_id: int | None = None,
    ) -> RecordedAction:
        """``/session action`` and the Add action form (participants)."""
        community = await self._community.require(actor.guild_id)
        clean = check_action_text(text)
        typed_due = await self._actions.check_due(actor, community, due)
        due_on = typed_due.day if typed_due is not None else None
        owner = owner_id if owner_id is not None else actor.user_id
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._current(conn, actor)
            if session_id is not None and session.id != session_id:
                raise UserError("facilitation.session.over")  # a form from an ended session
            await self._require_participant(conn, actor, community, session)
            await self._actions.check_owner(conn, community.guild_id, owner, owner_present)
            action = await self._actions.create(
                conn, community, session.id, clean, owner, due_on, actor.user_id
            )
            await outbox.post(
                conn,
                session,
                cards.ActionPosted(
                    **about(session),
                    action_id=action.id,
                    text=action.text,
                    owner_id=action.owner_id,
                    due_on=action.due_on,
                ),
            )
        await outbox.flush()
        zone = typed_due.timezone if typed_due is not None else None
        return RecordedAction(**action.model_dump(), due_zone=zone)

    # -- the opening review ----------------------------------------------------------------

    async def review_action(
        self, actor: Actor, session_id: int, action_id: int, outcome: str
    ) -> ActionItem:
        """*Done* / *Carried over* on an action reviewed at the session's start: its owner
        or whoever steers the session."""
        if outcome not in ("done", "carried"):
            raise UserError("facilitation.errors.review_choice")
        choice: ReviewChoice = "done" if outcome == "done" else "carried"
        community = await self._community.require(actor.guild_id)
        now = self._core.clock.now()
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            session = await self._live_by_id(conn, actor, session_id)
            action = await actions_db.get(conn, action_id)
            if action is None or action.guild_id != community.guild_id:
                raise UserError("facilitation.errors.unknown_action", number=action_id)
            if action.owner_id != actor.user_id and not self._steers(actor, community, session):
                raise UserError("facilitation.errors.not_your_action")
            if action.status == "done":
                raise UserError("facilitation.errors.action_already_done", number=action_id)
            if choice == "done":
                await actions_db.mark_done(conn, action_id, now)
                await actions_db.set_reviewed(conn, action_id, session.id)
                await self._core.scheduler.cancel(conn, DUE_KIND, due_key(action_id))
            elif not await actions_db.mark_carried(conn, action_id, session.id):
                raise UserError("facilitation.errors.action_already_carried", number=action_id)
            await outbox.post(
                conn,
                session,
                cards.ReviewAnswered(
                    **about(session),
                    action_id=action_id,
                    text=action.text,
                    owner_id=action.owner_id,
                    outcome=choice,
                    by_user_id=actor.user_id,
                ),
            )
            updated = await actions_db.get(conn, action_id)
        await outbox.flush()
        assert updated is not None
        return updated

    async def discuss_question(self, actor: Actor, session_id: int, item_id: int) -> bool:
        """*Discussed* on a top question or topic (whoever steers the session)."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            session = await self._live_by_id(conn, actor, session_id)
        if not self._steers(actor, community, session):
            raise UserError("facilitation.session.not_steering")
        topics = self._topics
        if topics is None:
            raise UserError("facilitation.errors.questions_off")
        marked = await topics.mark_discussed(community.guild_id, [item_id], f"session:{session_id}")
        if not marked:
            raise UserError("facilitation.errors.already_discussed")
        outbox = Outbox(self._core)
        async with self._core.db.transaction() as conn:
            await outbox.post(
                conn,
                session,
                cards.QuestionDiscussed(
                    **about(session),
                    number=marked[0].number,
                    text=marked[0].text,
                ),
            )
        await outbox.flush()
        return True

    # -- the practice log ----------------------------------------------------------------------

    async def summaries(self, actor: Actor) -> list[SessionSummary]:
        """The community's ended sessions, newest first (the référentiel de pratiques)."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            ended = await sessions_db.ended(conn, community.guild_id)
        return [SessionSummary.model_validate(s.summary) for s in ended if s.summary]

    async def practice_log(self, actor: Actor, name_of: NameOf = mention_name) -> str:
        """``/practices export``: every summary as one Markdown document, newest first."""
        community = await self._community.require(actor.guild_id)
        return practice_markdown(
            await self.summaries(actor),
            catalog=self._core.catalog,
            language=language_of(community.language),
            timezone=community.timezone,
            now=self._core.clock.now(),
            name_of=name_of,
        )

    # -- personal data -------------------------------------------------------------------------

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
        """Remove the member from every session: state, stored summaries, turns (G2)."""
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
