"""Answering the week's check-in: the form, the answer in the thread, the anonymous pulse.

One answer per member and week (a UNIQUE constraint; a second save is an edit), only
while the check-in is open. The answer is shown in the week's thread under the
member's name through the outbox: its post (or the edit of its earlier post) is
planned in the answer's own transaction and sent once it committed, so a saved answer
is never left unshown (an outage is retried) and never shown twice. Pulse votes carry
no author: only the :class:`~bot.services.anonymity.Anonymizer`'s keyed tag, one vote
per member.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.actor import Actor
from bot.chat import Channel, Posted, Text
from bot.db import checkins as checkins_db
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.checkins import Answer, Checkin
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.timers import Timer
from bot.errors import FinalRefusal, UserError
from bot.firing import AfterClose
from bot.services.checkins.answer_goals import answer_goals, reported_numbers, typed_numbers
from bot.services.checkins.base import CheckinPart, CheckinShared, community_language
from bot.services.checkins.cards import AnswerPost, answer_button
from bot.services.checkins.digest import pulse_summary
from bot.services.checkins.models import (
    AnswerAuthor,
    AnswerForm,
    PulseSummary,
    ReportedNumber,
    SavedAnswer,
)
from bot.services.outbox import OUTBOX_KIND, Outbox, Planned
from bot.text import clean_text

ANSWER_MAX = 1000
ANSWER_POSTED = "checkins.answer_posted"  # not a message key
"""The outbox hook that records which message shows an answer."""


def answer_post_prefix(guild_id: int, user_id: int) -> str:
    """The start of the outbox keys of a member's answer posts (their erasure drops them)."""
    return f"checkin:answer:{guild_id}:{user_id}:"


@dataclass(frozen=True)
class _Typed:
    """What the member's form gave, texts cleaned."""

    progress: str | None
    texts: list[str]
    goal_numbers: Mapping[int, str]
    goal_id: int | None
    author: AnswerAuthor | None
    facilitator: bool


@dataclass(frozen=True)
class _Written:
    """What the answer's transaction stored and planned."""

    post: Planned
    checkin: Checkin
    answer: Answer
    reported: list[ReportedNumber]
    created: bool


class CheckinAnswers(CheckinPart):
    def __init__(self, shared: CheckinShared, outbox: Outbox) -> None:
        super().__init__(shared)
        self._outbox = outbox
        outbox.on_posted(ANSWER_POSTED, self._answer_posted)

    async def answer_form(self, actor: Actor, checkin_id: int) -> AnswerForm:
        """What *Answer* opens: a blank form, or the member's answer to edit; a number for
        each of their open goals (a facilitator's: and each of the community's)."""
        await self._community.require(actor.guild_id)
        facilitator = await self._community.is_facilitator(actor)
        async with self._core.db.read() as conn:
            checkin = await self._shared.open_checkin(conn, actor.guild_id, checkin_id)
            existing = await checkins_db.answer_of(conn, checkin_id, actor.user_id)
            goals = await answer_goals(conn, actor.guild_id, actor.user_id, facilitator=facilitator)
            numbers = await checkins_db.goal_numbers_of(conn, [existing.id] if existing else [])
        return AnswerForm(
            checkin=checkin,
            questions=self._shared.questions_for(checkin, actor.language),
            goals=goals,
            existing=existing,
            numbers={n.goal_id: n.value for n in numbers},
        )

    async def edit_form(self, actor: Actor, answer_id: int) -> AnswerForm:
        """*Edit my answer*: only one's own answer, only while the check-in is open."""
        async with self._core.db.read() as conn:
            answer = await checkins_db.get_answer(conn, actor.guild_id, answer_id)
        if answer is None:
            raise UserError("checkins.errors.unknown_answer")
        if answer.user_id != actor.user_id:
            raise UserError("checkins.errors.not_your_answer")
        return await self.answer_form(actor, answer.checkin_id)

    async def save_answer(
        self,
        actor: Actor,
        checkin_id: int,
        *,
        progress: str | None = None,
        texts: list[str],
        goal_numbers: Mapping[int, str] | None = None,
        goal_id: int | None = None,
        author: AnswerAuthor | None = None,
    ) -> SavedAnswer:
        """Store the member's answer (first time) or update it (edit), and show it in the
        week's thread under ``author``'s name.

        ``goal_numbers`` are the numbers typed for the member's goals (by goal id);
        ``progress`` is the one number field, for ``goal_id`` (chosen in the form), else
        (a form opened before goals could be chosen) for the newest open goal, else for
        no goal. ``texts`` are aligned with the check-in's text questions. At least one
        answer (a number or a text) is required.
        """
        community = await self._community.require(actor.guild_id)
        cleaned = _clean_texts(texts)

        # Before the trip: a facilitator's answer also gives the community goals' numbers.
        facilitator = await self._community.is_facilitator(actor)
        typed = _Typed(progress, cleaned, goal_numbers or {}, goal_id, author, facilitator)

        async def write(conn: Connection) -> _Written:
            return await self._write(conn, actor, community, checkin_id, typed)

        # Its statements only: run whole on the database thread, one trip for all.
        written = await self._core.db.in_one_trip(write)
        if not written.created:
            self._core.scheduler.rearm_soon()  # the earlier post's timer was cancelled
        return await self._shown(
            written.post,
            written.checkin,
            community,
            written.answer,
            written.reported,
            written.created,
        )

    async def _write(
        self,
        conn: Connection,
        actor: Actor,
        community: Community,
        checkin_id: int,
        typed: _Typed,
    ) -> _Written:
        """The answer's transaction: checks, the answer and its numbers, its post planned."""
        guild_id, user_id = actor.guild_id, actor.user_id
        now = self._core.clock.now()
        cleaned = typed.texts
        checkin = await self._shared.open_checkin(conn, guild_id, checkin_id)
        if len(cleaned) != len(self._shared.questions_for(checkin, community.language)):
            raise FinalRefusal(
                "checkins.errors.questions_changed", button=answer_button(community.language)
            )
        goals = await answer_goals(conn, guild_id, user_id, facilitator=typed.facilitator)
        free, numbers = typed_numbers(
            goals, typed.progress, typed.goal_id, typed.goal_numbers, community.language
        )
        given = [value for value in numbers.values() if value is not None]
        if free is None and not given and not any(cleaned):
            raise UserError("checkins.errors.empty_answer")
        await members_db.ensure(conn, guild_id, user_id, now, client_language=actor.language)
        help_text = help_answer(checkin, cleaned)
        answer, created = await _store(conn, actor, checkin_id, free, cleaned, help_text, now)
        await checkins_db.set_goal_numbers(conn, answer.id, numbers)
        reported = await reported_numbers(conn, answer, created, goals, numbers)
        post = AnswerPost(
            language=community_language(community),
            answer=answer,
            questions=checkin.questions,
            numbers=reported,
            author=typed.author,
        )
        planned = await self._plan_post(conn, checkin, post, edit=not created)
        return _Written(planned, checkin, answer, reported, created)

    async def _plan_post(
        self, conn: Connection, checkin: Checkin, post: AnswerPost, *, edit: bool
    ) -> Planned:
        """Plan the answer's post in the week's thread, or the edit of its earlier post, in
        the answer's transaction. An earlier version not sent yet is dropped: it must not
        land after this one (a first answer has none)."""
        answer = post.answer
        where = checkin.thread_id or checkin.channel_id
        prefix = f"{answer_post_prefix(answer.guild_id, answer.user_id)}{answer.id}:"
        if edit:
            # Not the scheduler's cancel: it re-arms the alarm, which the caller does once
            # this transaction, run on the database thread, committed.
            await timers_db.cancel_prefix(conn, OUTBOX_KIND, prefix, self._core.clock.now())
        earlier = answer.post_message_id
        key = f"{prefix}{secrets.token_hex(6)}"
        return await self._outbox.plan(
            conn,
            key,
            Channel(answer.guild_id, where),
            post,
            replace=Posted(answer.guild_id, where, earlier) if earlier is not None else None,
            then=ANSWER_POSTED,
            args={"answer_id": answer.id},
            at_once=True,
        )

    async def _shown(
        self,
        post: Planned,
        checkin: Checkin,
        community: Community,
        answer: Answer,
        reported: list[ReportedNumber],
        created: bool,
    ) -> SavedAnswer:
        """Send the planned post now, then say where the answer is shown: the message the
        post is up in, its bookkeeping written behind (the next answer takes it along)."""
        sent = await self._outbox.send_unclosed(post)
        planned: Timer | None = None
        if sent is not None:
            message_id = sent.value.message_id if isinstance(sent.value, Posted) else None
            shown = answer.model_copy(update={"post_message_id": message_id})
        else:
            async with self._core.db.read() as conn:
                # Not sent now: to be retried, or sent meanwhile by the other lane.
                planned = await timers_db.find(conn, OUTBOX_KIND, post.key)
                shown = await checkins_db.get_answer(conn, answer.guild_id, answer.id) or answer
        pending = planned is not None and planned.status == "pending"
        posted = shown.post_message_id is not None and not pending
        return SavedAnswer(
            answer=shown,
            checkin=checkin,
            questions=self._shared.questions_for(checkin, community.language),
            language=community.language,
            numbers=reported,
            created=created,
            posted_in=(checkin.thread_id or checkin.channel_id) if posted else None,
            post_pending=pending,
        )

    async def _answer_posted(
        self, conn: Connection, posted: Posted | None, args: dict[str, Any]
    ) -> AfterClose | None:
        """Record which message shows the answer (None: the platform refused it, and an
        earlier post was gone). An answer erased meanwhile takes its new post away."""
        message_id = posted.message_id if posted else None
        kept = await checkins_db.set_answer_post(conn, int(args["answer_id"]), message_id)
        if posted is None or kept:
            return None

        async def take_back() -> None:
            await self._core.chat.delete(posted)

        return take_back

    async def vote_pulse(self, actor: Actor, checkin_id: int, score: int) -> bool:
        """One anonymous vote per member (changing it is allowed); True if first."""
        await self._community.require(actor.guild_id)
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise UserError("checkins.errors.bad_pulse")
        anonymizer = self._shared.anonymizer
        if not anonymizer.ready:
            raise UserError("checkins.errors.pulse_unavailable")
        voter = anonymizer.pulse_voter(checkin_id, actor.user_id)
        async with self._core.db.transaction() as conn:
            checkin = await self._shared.open_checkin(conn, actor.guild_id, checkin_id)
            if not checkin.pulse:
                raise UserError("checkins.errors.no_pulse")
            return await checkins_db.vote_pulse(conn, checkin_id, voter, score)

    async def pulse_summary(self, checkin_id: int) -> PulseSummary | None:
        async with self._core.db.read() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is None or not checkin.pulse:
                return None
            return await pulse_summary(conn, checkin)


def _clean_texts(texts: list[str]) -> list[str]:
    return [
        clean_text(
            text,
            field=Text.of("checkins.fields.answer", number=index),
            max_length=ANSWER_MAX,
            required=False,
            multiline=True,
        )
        for index, text in enumerate(texts, start=1)
    ]


def help_answer(checkin: Checkin, texts: list[str]) -> str:
    """What the member asked help for: their answer to the built-in obstacles question
    (the last of the default ones). A check-in with custom questions has no help question:
    none of its answers is a help request."""
    if checkin.questions is not None or not texts:
        return ""
    return texts[-1]


async def _store(
    conn: Connection,
    actor: Actor,
    checkin_id: int,
    free: float | None,
    cleaned: list[str],
    help_text: str,
    now: datetime,
) -> tuple[Answer, bool]:
    """Insert the answer, or update it when the member already answered (the UNIQUE
    constraint); True when it is new."""
    answer = await checkins_db.insert_answer(
        conn,
        actor.guild_id,
        checkin_id,
        actor.user_id,
        progress=free,
        texts=cleaned,
        help_text=help_text,
        now=now,
    )
    if answer is not None:
        return answer, True
    updated = await checkins_db.update_answer(
        conn, checkin_id, actor.user_id, progress=free, texts=cleaned, help_text=help_text, now=now
    )
    assert updated is not None
    return updated, False
