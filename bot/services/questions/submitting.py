"""``/ask`` and ``/topic propose``: checks, the rate limit, blocks, and the post timer.

Nothing here logs or keeps who submitted: the member's id is only hashed with the
secret over fresh nonces, never stored as such, and two submissions of one member
share no stored value.
"""

from __future__ import annotations

import math
import random
import secrets
from datetime import UTC, datetime, time, timedelta

from bot.actor import Actor
from bot.chat import ChannelRef, Moment
from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import AuthorHandle, Kind
from bot.errors import UserError
from bot.services.questions.base import Shared
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


class Submissions:
    """Takes questions and topics in, anonymously unless a topic is signed."""

    def __init__(self, shared: Shared, *, delay_random: random.Random | None = None) -> None:
        self._shared = shared
        self._core = shared.core
        # The random post delay must be unpredictable; tests may seed it.
        self.delay_random = delay_random or random.SystemRandom()

    async def check_open(self, actor: Actor, kind: Kind) -> Community:
        """Refuse before the form opens, so nobody types a question for nothing.

        For a question (``/ask``), a blocked author is told now rather than after typing.
        """
        community = await self._shared.community.require(actor.guild_id)
        self._shared.anon.check_ready()
        if community.questions_channel_id is None:
            raise UserError("questions.errors.no_channel")
        if kind == "question":
            async with self._core.db.read() as conn:
                await self._refuse_if_blocked(conn, community.guild_id, actor.user_id)
        return community

    async def ask(self, actor: Actor, question: str | None, topic: str | None) -> Submission:
        """Queue an anonymous question, and post it now unless a delay hides its timing.

        Raises UserError (nothing stored) if refused.
        """
        community = await self._open_for_submission(actor)
        text = clean(question, "question", QUESTION_MAX, required=True, multiline=True)
        label = clean(topic, "topic", QUESTION_TOPIC_MAX, required=False, multiline=False)
        return await self._submit(community, actor.user_id, "question", text, label, True)

    async def propose_topic(
        self, actor: Actor, title: str | None, details: str | None, *, anonymous: bool
    ) -> Submission:
        """Queue a topic for coming meetings, anonymous or signed by its proposer."""
        community = await self._open_for_submission(actor)
        text = clean(title, "title", TOPIC_TITLE_MAX, required=True, multiline=False)
        more = clean(details, "details", TOPIC_DETAILS_MAX, required=False, multiline=True)
        return await self._submit(community, actor.user_id, "topic", text, more, anonymous)

    async def _open_for_submission(self, actor: Actor) -> Community:
        community = await self._shared.community.require(actor.guild_id)
        self._shared.anon.check_ready()
        if community.questions_channel_id is None:
            raise UserError("questions.errors.no_channel")
        # Refused before anything is stored if the platform says the bot lacks the rights
        # to post where the item goes. A channel it cannot see right now is left to the
        # post timer, which keeps the item until it can post and tells the admins.
        for channel_id in (community.questions_channel_id, community.moderation_channel_id):
            if channel_id is None:
                continue
            check = await self._core.chat.can_post(community.guild_id, channel_id)
            if check.missing:
                raise UserError(
                    "questions.errors.channel_unwritable",
                    channel=ChannelRef(channel_id=channel_id),
                )
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
        author = self._author(guild_id, user_id, now) if anonymous else None
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
                author=author[0] if author else None,
                handle_expires_at=author[1] if author else None,
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

    def _author(self, guild_id: int, user_id: int, now: datetime) -> tuple[AuthorHandle, datetime]:
        """The keyed link to the author over a fresh nonce, and when it expires."""
        nonce = self._shared.anon.new_nonce()
        handle = self._shared.anon.tag("question", guild_id, user_id, nonce)
        # Midnight UTC: the expiry must not date the submission more finely than a day.
        day = datetime.combine(now.date(), time(0), tzinfo=UTC)
        return AuthorHandle(nonce=nonce, handle=handle), day + HANDLE_KEPT

    async def _refuse_if_blocked(self, conn: Connection, guild_id: int, user_id: int) -> None:
        anon = self._shared.anon
        for block in await questions_db.blocks(conn, guild_id):
            if anon.matches("question", guild_id, user_id, block.nonce, block.handle):
                raise UserError("questions.errors.blocked")

    async def _count_against_rate_limit(
        self, conn: Connection, guild_id: int, user_id: int, now: datetime
    ) -> None:
        anon = self._shared.anon
        since = now - RATE_WINDOW
        await questions_db.purge_rate_rows(conn, since, guild_id)
        mine = [
            row
            for row in await questions_db.rate_rows_since(conn, guild_id, since)
            if anon.matches("rate", guild_id, user_id, row.nonce, row.tag)
        ]
        if len(mine) >= RATE_LIMIT:
            retry = mine[0].at + RATE_WINDOW
            raise UserError(
                "questions.errors.rate_limited",
                limit=RATE_LIMIT,
                retry=Moment(at=retry, style="relative"),
            )
        nonce = anon.new_nonce()
        await questions_db.add_rate_row(
            conn, guild_id, nonce, anon.tag("rate", guild_id, user_id, nonce), now
        )
