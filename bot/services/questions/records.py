"""Reading questions, a member's data, the status line and the retention rule."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.actor import Actor
from bot.chat import Posted
from bot.db import questions as questions_db
from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.db.questions import ModerationCounts, QuestionItem, Tagged, TaggedRow
from bot.errors import UserError
from bot.services.base import StatusLine, StatusRead
from bot.services.outbox import OUTBOX_KIND
from bot.services.questions.base import Shared
from bot.services.questions.models import (
    RATE_WINDOW,
    REPORTS_KEPT,
    RETENTION_KIND,
    TOP_MAX,
    RetentionResult,
    redraws_of,
)
from bot.services.questions.replies import TopList

log = logging.getLogger(__name__)


class Records:
    """What is read about items; a member's own data (``/me export`` and ``/me delete``),
    the ``/plc status`` line and the daily purge."""

    name = "questions"

    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._core = shared.core

    # -- reading --------------------------------------------------------------------------

    async def get(self, guild_id: int, ref: str) -> QuestionItem:
        async with self._core.db.read() as conn:
            item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        return item

    async def top(self, actor: Actor, *, public: bool, limit: int = 10) -> TopList:
        """``/questions top``: in the community's language if posted for all, else the member's."""
        community = await self._shared.community.require(actor.guild_id)
        items = await self.top_open(actor.guild_id, limit)
        return TopList(
            guild_id=actor.guild_id,
            language=self._shared.public_language(community) if public else actor.language,
            items=items,
            counts=await self.moderation_counts(actor.guild_id),
        )

    async def top_open(self, guild_id: int, limit: int = 10) -> list[QuestionItem]:
        """The most upvoted open questions and topics (for ``/questions top`` and sessions)."""
        await self._shared.community.require(guild_id)
        limit = max(1, min(int(limit), TOP_MAX))
        async with self._core.db.read() as conn:
            return await questions_db.top_open(conn, guild_id, limit)

    async def mark_discussed(
        self, guild_id: int, item_ids: list[int], session_ref: str
    ) -> list[QuestionItem]:
        """A live session discussed these items; returns those newly marked."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            changed = await questions_db.mark_discussed(
                conn, guild_id, list(item_ids), session_ref[:100], now
            )
            items = [await questions_db.get(conn, item_id) for item_id in changed]
        return [item for item in items if item is not None]

    async def moderation_counts(self, guild_id: int) -> ModerationCounts:
        async with self._core.db.read() as conn:
            return await questions_db.moderation_counts(conn, guild_id)

    async def status_lines(self, read: StatusRead) -> list[StatusLine]:
        counts = await questions_db.open_counts(read.conn, read.guild_id)
        return [StatusLine(key="questions.status.open", params=counts._asdict())]

    # -- PersonalData -----------------------------------------------------------------------

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        """Signed topics, and the member's upvotes and reports (anonymous posts excluded)."""
        topics = await questions_db.signed_topics(conn, guild_id, user_id)
        data: dict[str, Any] = {
            "anonymous_posts": (
                "not included: anonymous questions and topics are not linked to you"
            ),
            "signed_topics": [
                {
                    "number": topic.number,
                    "title": topic.text,
                    "details": topic.details,
                    "status": topic.status,
                    "posted_at": topic.posted_at.isoformat() if topic.posted_at else None,
                }
                for topic in topics
            ],
        }
        if self._shared.anon.ready:
            exported: tuple[tuple[Tagged, str], ...] = (
                ("upvote", "upvotes"),
                ("report", "reports"),
            )
            for purpose, name in exported:
                rows = await self._own_tags(conn, guild_id, user_id, purpose)
                data[name] = [{"kind": row.kind, "number": row.number} for row in rows]
        return data

    async def posts_of_member(self, conn: Connection, guild_id: int, user_id: int) -> list[Posted]:
        """Signed topics carry the member's name: their posts go with the erasure."""
        return [
            Posted(guild_id, topic.channel_id, topic.message_id)
            for topic in await questions_db.signed_topics(conn, guild_id, user_id)
            if topic.channel_id is not None and topic.message_id is not None
        ]

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        for topic in await questions_db.signed_topics(conn, guild_id, user_id):
            # A redraw holds the topic's card, its proposer's id included.
            await timers_db.delete_prefix(conn, OUTBOX_KIND, redraws_of(topic.ref))
        await questions_db.delete_signed_topics(conn, guild_id, user_id)
        if not self._shared.anon.ready:
            return
        purposes: tuple[Tagged, ...] = ("upvote", "report")
        for purpose in purposes:
            for row in await self._own_tags(conn, guild_id, user_id, purpose):
                await questions_db.delete_tag(conn, purpose, row.question_id, row.tag)

    async def _own_tags(
        self, conn: Connection, guild_id: int, user_id: int, purpose: Tagged
    ) -> list[TaggedRow]:
        return [
            row
            for row in await questions_db.tags(conn, guild_id, purpose)
            if self._shared.anon.matches(purpose, guild_id, user_id, row.ref, row.tag)
        ]

    # -- retention ---------------------------------------------------------------------------

    async def purge(self, conn: Connection, now: datetime) -> RetentionResult:
        """Erase handles past their 14 days, rate rows out of their hour, reports over 14 days.

        Inside the caller's one transaction: a crash leaves all or nothing, and a second
        run finds nothing. Also retires the daily timers an earlier version planned.
        """
        result = RetentionResult(
            handles_erased=await questions_db.erase_expired_handles(conn, now),
            rate_rows_deleted=await questions_db.purge_rate_rows(conn, now - RATE_WINDOW),
            reports_deleted=await questions_db.purge_reports_before(conn, now - REPORTS_KEPT),
        )
        await self._core.scheduler.cancel_prefix(conn, RETENTION_KIND, f"{RETENTION_KIND}:")
        if result.total:
            log.info("questions retention: %s", result.model_dump())
        return result

    async def retention_rule(self, conn: Connection, now: datetime) -> int:
        """The rule ``RetentionService`` runs daily, in its own transaction."""
        return (await self.purge(conn, now)).total
