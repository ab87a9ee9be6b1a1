"""Answering the week's check-in: the form, the answer in the thread, the anonymous pulse.

One answer per member and week (a UNIQUE constraint; a second save is an edit), only
while the check-in is open. The answer is posted in the week's thread under the
member's name; an edit updates that post. Pulse votes carry no author: only the
:class:`~bot.services.anonymity.Anonymizer`'s keyed tag, one vote per member.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.actor import Actor
from bot.chat import Channel, Posted
from bot.db import checkins as checkins_db
from bot.db import goals as goals_db
from bot.db import members as members_db
from bot.db.checkins import Answer
from bot.db.connection import Connection
from bot.db.goals import Goal
from bot.errors import UserError
from bot.i18n import language_for_locale
from bot.scheduler import RetryLater, nonce_for
from bot.services.checkins.base import CheckinParts
from bot.services.checkins.cards import AnswerPost
from bot.services.checkins.digest import pulse_summary
from bot.services.checkins.models import (
    AnswerAuthor,
    AnswerForm,
    PulseSummary,
    ReportedNumber,
    SavedAnswer,
)
from bot.services.goals import parse_number
from bot.text import clean_text

ANSWER_MAX = 1000


class CheckinAnswers(CheckinParts):
    async def answer_form(self, actor: Actor, checkin_id: int) -> AnswerForm:
        """What *Answer* opens: a blank form, or the member's answer to edit; a number for
        each of their open goals."""
        await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            checkin = await self._open_checkin(conn, actor.guild_id, checkin_id)
            existing = await checkins_db.answer_of(conn, checkin_id, actor.user_id)
            goals = await goals_db.of_member(conn, actor.guild_id, actor.user_id, open_only=True)
            numbers = await checkins_db.goal_numbers_of(conn, [existing.id] if existing else [])
        return AnswerForm(
            checkin=checkin,
            questions=self.questions_for(checkin, actor.language),
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
        """Store the member's answer (first time) or update it (edit), then show it in the
        week's thread under ``author``'s name.

        ``goal_numbers`` are the numbers typed for the member's goals (by goal id);
        ``progress`` is the one number field, for ``goal_id`` (chosen in the form), else
        (a form opened before goals could be chosen) for the newest open goal, else for
        no goal. ``texts`` are aligned with the check-in's text questions. At least one
        answer (a number or a text) is required.
        """
        guild_id, user_id = actor.guild_id, actor.user_id
        community = await self._community.require(guild_id)
        cleaned = self._clean_texts(actor, texts)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            checkin = await self._open_checkin(conn, guild_id, checkin_id)
            if len(cleaned) != len(self.questions_for(checkin, community.language)):
                raise UserError("checkins.errors.questions_changed")
            goals = await goals_db.of_member(conn, guild_id, user_id, open_only=True)
            free, numbers = self._numbers(actor, goals, progress, goal_id, goal_numbers or {})
            typed = [value for value in numbers.values() if value is not None]
            if free is None and not typed and not any(cleaned):
                raise UserError("checkins.errors.empty_answer")
            await members_db.ensure(conn, guild_id, user_id, now)
            answer, created = await self._store(conn, actor, checkin_id, free, cleaned, now)
            await checkins_db.set_goal_numbers(conn, answer.id, numbers)
            reported = await self._reported(conn, guild_id, answer.id)
        saved = SavedAnswer(
            answer=answer,
            checkin=checkin,
            questions=self.questions_for(checkin, community.language),
            language=community.language,
            numbers=reported,
            created=created,
        )
        return await self._show_answer(saved, author)

    def _clean_texts(self, actor: Actor, texts: list[str]) -> list[str]:
        catalog = self._core.catalog
        return [
            clean_text(
                text,
                field=catalog.t(actor.language, "checkins.fields.answer", number=index),
                max_length=ANSWER_MAX,
                required=False,
                multiline=True,
            )
            for index, text in enumerate(texts, start=1)
        ]

    def _numbers(
        self,
        actor: Actor,
        goals: list[Goal],
        progress: str | None,
        goal_id: int | None,
        goal_numbers: Mapping[int, str],
    ) -> tuple[float | None, dict[int, float | None]]:
        """(the number for no goal, the number for each goal named): only the member's open
        goals take a number; a goal closed while the form was open is refused."""
        catalog, language = self._core.catalog, actor.language
        open_goals = {goal.id: goal for goal in goals}

        def goal_of(wanted: int) -> Goal:
            if wanted not in open_goals:
                raise UserError("checkins.errors.goal_gone")
            return open_goals[wanted]

        numbers: dict[int, float | None] = {}
        for wanted, text in goal_numbers.items():
            label = catalog.t(language, "checkins.fields.progress_on", goal=goal_of(wanted).title)
            numbers[wanted] = parse_number(text, field=label)
        value = parse_number(progress, field=catalog.t(language, "checkins.fields.progress"))
        if goal_id is not None:
            numbers[goal_of(goal_id).id] = value
        elif value is not None and goals:
            numbers[goals[0].id] = value  # the reply names the goal it went to
        else:
            return value, numbers
        return None, numbers

    async def _store(
        self,
        conn: Connection,
        actor: Actor,
        checkin_id: int,
        free: float | None,
        cleaned: list[str],
        now: datetime,
    ) -> tuple[Answer, bool]:
        """Insert the answer, or update it when the member already answered (the UNIQUE
        constraint); True when it is new."""
        help_text = cleaned[-1] if cleaned else ""
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
        previous = await checkins_db.answer_of(conn, checkin_id, actor.user_id)
        assert previous is not None
        await checkins_db.update_answer(
            conn, previous.id, progress=free, texts=cleaned, help_text=help_text, now=now
        )
        updated = await checkins_db.answer_of(conn, checkin_id, actor.user_id)
        assert updated is not None
        return updated, False

    @staticmethod
    async def _reported(conn: Connection, guild_id: int, answer_id: int) -> list[ReportedNumber]:
        reported = []
        for number in await checkins_db.goal_numbers_of(conn, [answer_id]):
            goal = await goals_db.get(conn, guild_id, number.goal_id)
            if goal is not None:
                reported.append(ReportedNumber(goal=goal, value=number.value))
        return reported

    async def _show_answer(self, saved: SavedAnswer, author: AnswerAuthor | None) -> SavedAnswer:
        """Post the answer in the week's thread, or edit the earlier post (``posted_in``
        says where; None if Discord refused: the answer is saved all the same)."""
        checkin, answer = saved.checkin, saved.answer
        post = AnswerPost(
            language=language_for_locale(saved.language),
            answer=answer,
            questions=saved.questions,
            numbers=saved.numbers,
            author=author,
        )
        where = checkin.thread_id or checkin.channel_id
        chat = self._core.chat
        try:
            if answer.post_message_id is not None and await chat.edit(
                Posted(checkin.guild_id, where, answer.post_message_id), post
            ):
                return saved.model_copy(update={"posted_in": where})
            # First answer, or the earlier post was deleted: post it (again).
            posted = await chat.send(
                Channel(checkin.guild_id, where),
                post,
                nonce=nonce_for("checkin_answer", answer.id, answer.updated_at.isoformat()),
            )
        except RetryLater:
            return saved  # the answer is saved; the digest still has it
        if posted is None:
            return saved
        async with self._core.db.transaction() as conn:
            await checkins_db.set_answer_post(conn, answer.id, posted.message_id)
        shown = answer.model_copy(update={"post_message_id": posted.message_id})
        return saved.model_copy(update={"answer": shown, "posted_in": where})

    async def vote_pulse(self, actor: Actor, checkin_id: int, score: int) -> bool:
        """One anonymous vote per member (changing it is allowed); True if first."""
        await self._community.require(actor.guild_id)
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise UserError("checkins.errors.bad_pulse")
        if not self._anonymizer.ready:
            raise UserError("checkins.errors.pulse_unavailable")
        voter = self._anonymizer.pulse_voter(checkin_id, actor.user_id)
        async with self._core.db.transaction() as conn:
            checkin = await self._open_checkin(conn, actor.guild_id, checkin_id)
            if not checkin.pulse:
                raise UserError("checkins.errors.no_pulse")
            return await checkins_db.vote_pulse(conn, checkin_id, voter, score)

    async def pulse_summary(self, checkin_id: int) -> PulseSummary | None:
        async with self._core.db.read() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is None or not checkin.pulse:
                return None
            return await pulse_summary(conn, checkin)
