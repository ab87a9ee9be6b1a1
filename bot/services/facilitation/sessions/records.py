"""What is written during a live session: notes, decisions and actions (``/session
note|decision|action`` and the Add action form), the answers to the review of earlier
actions, and the top questions marked discussed; each posted in the session's thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.actor import Actor
from bot.db import timers as timers_db
from bot.db.communities import Community
from bot.db.facilitation import actions as actions_db
from bot.db.facilitation import session_notes as notes_db
from bot.db.facilitation.actions import ActionItem
from bot.db.facilitation.session_notes import EntryKind
from bot.errors import UserError
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.facilitation.actions.service import (
    DUE_KIND,
    ActionService,
    RecordedAction,
    check_action_text,
    due_key,
)
from bot.services.facilitation.sessions.access import SessionAccess
from bot.services.facilitation.sessions.cards import (
    ActionPosted,
    ActionReview,
    EntryPosted,
    QuestionDiscussed,
    ReviewAnswered,
)
from bot.services.facilitation.sessions.posts import SessionOutbox, unpacked
from bot.services.facilitation.sessions.review import as_answered
from bot.services.facilitation.sessions.state import OPENING_POST, POST_KIND, about, post_key
from bot.services.facilitation.sessions.topics import TopicSource
from bot.text import clean_text

ENTRY_MAX = 1000
ReviewChoice = Literal["done", "carried"]


@dataclass(frozen=True, eq=False)
class SessionRecords:
    """What members record during a session: notes, decisions, actions, the review of
    earlier actions and the questions discussed."""

    core: Core
    community: CommunityService
    actions: ActionService
    topics: TopicSource | None = field(default=None, kw_only=True)
    access: SessionAccess = field(default_factory=SessionAccess, init=False)

    async def add_entry(self, actor: Actor, kind: EntryKind, text: str | None) -> int:
        """``/session note`` and ``/session decision`` (participants; who may, before what
        they typed, is checked first)."""
        community = await self.community.require(actor.guild_id)
        await self._may_record(actor, community)
        clean = self._entry_text(kind, text)
        outbox = SessionOutbox(self.core)
        async with self.core.db.transaction() as conn:
            session = await self.access.current(conn, actor)
            await self.access.require_participant(conn, actor, community, session)
            entry_id = await notes_db.add_entry(
                conn,
                session.guild_id,
                session.id,
                kind,
                clean,
                actor.user_id,
                session.step_index,
                self.core.clock.now(),
            )
            posted = EntryPosted(**about(session), kind=kind, text=clean, author_id=actor.user_id)
            await outbox.post(conn, session, posted)
        await outbox.flush()
        return entry_id

    async def _may_record(
        self, actor: Actor, community: Community, session_id: int | None = None
    ) -> None:
        """Refuse a member who may not record in the session (none running, or not a
        participant) before anything they typed is read: the writing transaction checks
        it again."""
        async with self.core.db.read() as conn:
            session = (
                await self.access.current(conn, actor)
                if session_id is None
                else await self.access.live_by_id(conn, actor, session_id)
            )
            await self.access.require_participant(conn, actor, community, session)

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
        due: str | None = None,
        session_id: int | None = None,
    ) -> RecordedAction:
        """``/session action`` and the Add action form (participants; who may, before what
        they typed, is checked first)."""
        community = await self.community.require(actor.guild_id)
        await self._may_record(actor, community, session_id)
        clean = check_action_text(text)
        typed_due = await self.actions.check_due(actor, community, due)
        due_on = typed_due.day if typed_due is not None else None
        owner = owner_id if owner_id is not None else actor.user_id
        present = owner == actor.user_id or await self.actions.is_present(community.guild_id, owner)
        outbox = SessionOutbox(self.core)
        async with self.core.db.transaction() as conn:
            session = (  # a form names its session, which may have ended since
                await self.access.current(conn, actor)
                if session_id is None
                else await self.access.live_by_id(conn, actor, session_id)
            )
            await self.access.require_participant(conn, actor, community, session)
            await self.actions.check_owner(conn, community.guild_id, owner, present)
            action = await self.actions.create(
                conn, community, session.id, clean, owner, due_on, actor.user_id
            )
            posted = ActionPosted(
                **about(session),
                action_id=action.id,
                text=action.text,
                owner_id=action.owner_id,
                due_on=action.due_on,
            )
            await outbox.post(conn, session, posted)
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
        community = await self.community.require(actor.guild_id)
        now = self.core.clock.now()
        outbox = SessionOutbox(self.core)
        async with self.core.db.transaction() as conn:
            session = await self.access.live_by_id(conn, actor, session_id)
            action = await actions_db.get(conn, action_id)
            if action is None or action.guild_id != community.guild_id:
                raise UserError("facilitation.errors.unknown_action", number=action_id)
            if action.owner_id != actor.user_id and not self.access.steers(
                actor, community, session
            ):
                raise UserError("facilitation.errors.not_your_action")
            if action.status == "done":
                raise UserError("facilitation.errors.action_already_done", number=action_id)
            if choice == "done":
                await actions_db.mark_done(conn, action_id, now)
                await actions_db.set_reviewed(conn, action_id, session.id)
                await self.core.scheduler.cancel(conn, DUE_KIND, due_key(action_id))
            elif not await actions_db.mark_carried(conn, action_id, session.id):
                raise UserError("facilitation.errors.action_already_carried", number=action_id)
            answered = ReviewAnswered(
                **about(session),
                action_id=action_id,
                text=action.text,
                owner_id=action.owner_id,
                outcome=choice,
                by_user_id=actor.user_id,
            )
            await outbox.post(conn, session, answered)
            updated = await actions_db.get(conn, action_id)
        await outbox.flush()
        assert updated is not None
        return updated

    async def review_shown(self, session_id: int, action_id: int) -> ActionReview | None:
        """The part of the session's review of earlier actions that lists ``action_id``
        (rebuilt from the opening post's payload), as it reads now: its answered actions
        marked so, without their buttons (None: an opening posted by an earlier version)."""
        async with self.core.db.read() as conn:
            opening = await timers_db.find(conn, POST_KIND, post_key(session_id, OPENING_POST))
            for part in opening.payload.get("parts", []) if opening else []:
                card, _ = unpacked(part)
                if isinstance(card, ActionReview) and action_id in card.action_ids:
                    return await as_answered(conn, card, session_id)
        return None

    async def discuss_question(self, actor: Actor, session_id: int, item_id: int) -> bool:
        """*Discussed* on a top question or topic (whoever steers the session)."""
        community = await self.community.require(actor.guild_id)
        async with self.core.db.read() as conn:
            session = await self.access.live_by_id(conn, actor, session_id)
        if not self.access.steers(actor, community, session):
            raise UserError("facilitation.session.not_steering")
        topics = self.topics
        if topics is None:
            raise UserError("facilitation.errors.questions_off")
        marked = await topics.mark_discussed(community.guild_id, [item_id], f"session:{session_id}")
        if not marked:
            raise UserError("facilitation.errors.already_discussed")
        outbox = SessionOutbox(self.core)
        async with self.core.db.transaction() as conn:
            discussed = QuestionDiscussed(
                **about(session), number=marked[0].number, text=marked[0].text
            )
            await outbox.post(conn, session, discussed)
        await outbox.flush()
        return True
