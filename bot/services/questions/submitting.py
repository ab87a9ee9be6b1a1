"""``/ask`` and ``/topic propose``: checks, the rate limit, blocks, and the post timer.

Nothing here logs or keeps who submitted: the member's id is only hashed with the
secret over fresh nonces (RELIABILITY A1, A2, A5).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from bot.actor import Actor
from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import AuthorHandle, Kind
from bot.errors import UserError
from bot.services.questions.base import QuestionsBase
from bot.services.questions.models import (
    HANDLE_KEPT,
    POST_KIND,
    QUESTION_MAX,
    QUESTION_TOPIC_MAX,
    RATE_LIMIT,
    RATE_WINDOW,
    REF_BYTES,
    TOPIC_DETAILS_MAX,
    TOPIC_TITLE_MAX,
    Submission,
    clean,
    post_key,
)

CanPost = Callable[[int], bool]
"""Whether the bot may post in a channel, as the chat platform knows it."""


class Submitting(QuestionsBase):
    async def check_open(self, actor: Actor, kind: Kind) -> Community:
        """Refuse before the form opens, so nobody types a question for nothing.

        For a question (``/ask``), a blocked author is told now rather than after typing.
        """
        community = await self._community.require(actor.guild_id)
        self._anon.check_ready()
        if community.questions_channel_id is None:
            raise UserError("questions.errors.no_channel")
        if kind == "question":
            async with self._core.db.read() as conn:
                await self._refuse_if_blocked(conn, community.guild_id, actor.user_id)
        return community

    async def ask(
        self,
        actor: Actor,
        question: str | None,
        topic: str | None,
        *,
        can_post: CanPost | None = None,
    ) -> Submission:
        """Queue an anonymous question, and post it now unless a delay hides its timing.

        Raises UserError (nothing stored) if refused.
        """
        community = await self._open_for_submission(actor, can_post)
        text = clean(question, "question", QUESTION_MAX, required=True, multiline=True)
        label = clean(topic, "topic", QUESTION_TOPIC_MAX, required=False, multiline=False)
        return await self._submit(community, actor.user_id, "question", text, label, True)

    async def propose_topic(
        self,
        actor: Actor,
        title: str | None,
        details: str | None,
        *,
        anonymous: bool,
        can_post: CanPost | None = None,
    ) -> Submission:
        """Queue a topic for coming meetings, anonymous or signed by its proposer."""
        community = await self._open_for_submission(actor, can_post)
        text = clean(title, "title", TOPIC_TITLE_MAX, required=True, multiline=False)
        more = clean(details, "details", TOPIC_DETAILS_MAX, required=False, multiline=True)
        return await self._submit(community, actor.user_id, "topic", text, more, anonymous)

    async def _open_for_submission(self, actor: Actor, can_post: CanPost | None) -> Community:
        community = await self._community.require(actor.guild_id)
        self._anon.check_ready()
        if community.questions_channel_id is None:
            raise UserError("questions.errors.no_channel")
        # Refused before anything is stored if the bot cannot post where the item goes.
        for channel_id in (community.questions_channel_id, community.moderation_channel_id):
            if channel_id is not None and can_post is not None and not can_post(channel_id):
                raise UserError("questions.errors.channel_unwritable", channel=f"<#{channel_id}>")
        return community

    async def _submit(
        self,
        community: Community,
        user_id: int,
        kind: Kind,
        text: str,
        details: str,
        anonymous: bool,
    ) -> Submission:
        guild_id = community.guild_id
        assert community.questions_channel_id is not None
        now = self._core.clock.now()
        max_delay = self._core.settings.privacy.post_delay_max_seconds
        # A signed topic shows its proposer anyway; only anonymous posts hide their timing.
        delay = (
            timedelta(seconds=self.delay_random.uniform(0, max_delay))
            if anonymous and max_delay > 0
            else timedelta(0)
        )
        ref = secrets.token_hex(REF_BYTES)
        author: AuthorHandle | None = None
        expires: datetime | None = None
        if anonymous:
            nonce = self._anon.new_nonce()
            author = AuthorHandle(
                nonce=nonce, handle=self._anon.tag("question", guild_id, user_id, nonce)
            )
            # Midnight UTC: the expiry must not date the submission more finely than a day.
            day = datetime.combine(now.date(), time(0), tzinfo=UTC)
            expires = day + HANDLE_KEPT
        key = post_key(ref, "first")
        async with self._core.db.transaction() as conn:
            if anonymous:
                await self._refuse_if_blocked(conn, guild_id, user_id)
            await self._count_against_rate_limit(conn, guild_id, user_id, now)
            item_id = await questions_db.insert(
                conn,
                guild_id=guild_id,
                ref=ref,
                kind=kind,
                text=text,
                details=details,
                proposer_id=None if anonymous else user_id,
                author=author,
                handle_expires_at=expires,
            )
            await self._core.scheduler.schedule(
                conn, guild_id, POST_KIND, key, now + delay, {"ref": ref}
            )
        if delay == timedelta(0):
            # The same timer path as a delayed post, run now: only this item's timer.
            await self._core.scheduler.run_now(POST_KIND, key)
        async with self._core.db.read() as conn:
            item = await questions_db.get(conn, item_id)
        assert item is not None
        return Submission(
            item=item,
            due_at=now + delay,
            delayed=delay > timedelta(0),
            moderated=community.moderation_channel_id is not None,
            questions_channel_id=community.questions_channel_id,
            delay_max_minutes=math.ceil(max_delay / 60),
        )

    async def _refuse_if_blocked(self, conn: Connection, guild_id: int, user_id: int) -> None:
        for block in await questions_db.blocks(conn, guild_id):
            if self._anon.matches("question", guild_id, user_id, block.nonce, block.handle):
                raise UserError("questions.errors.blocked")

    async def _count_against_rate_limit(
        self, conn: Connection, guild_id: int, user_id: int, now: datetime
    ) -> None:
        since = now - RATE_WINDOW
        await questions_db.purge_rate_rows(conn, since, guild_id)
        mine = [
            row
            for row in await questions_db.rate_rows_since(conn, guild_id, since)
            if self._anon.matches("rate", guild_id, user_id, row.nonce, row.tag)
        ]
        if len(mine) >= RATE_LIMIT:
            retry = mine[0].at + RATE_WINDOW
            raise UserError(
                "questions.errors.rate_limited",
                limit=RATE_LIMIT,
                retry=f"<t:{int(retry.timestamp())}:R>",
            )
        nonce = self._anon.new_nonce()
        tag = self._anon.tag("rate", guild_id, user_id, nonce)
        await questions_db.add_rate_row(conn, guild_id, nonce, tag, now)
