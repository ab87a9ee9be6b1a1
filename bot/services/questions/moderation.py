"""Clicks on posted and in-review items: upvotes and reports (members), moderation (facilitators).

Moderation is for facilitators (the community's facilitator role, or whoever manages
the server): every method checks the actor itself (RELIABILITY D3). Moderators never
learn who wrote an anonymous item; blocking copies its keyed handle (A3).
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from bot.actor import Actor
from bot.chat import Channel, Posted
from bot.db import audit
from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import QuestionItem
from bot.errors import UserError
from bot.scheduler import RetryLater, nonce_for
from bot.services.questions.base import QuestionsBase
from bot.services.questions.models import (
    HANDLE_KEPT,
    POST_KIND,
    REASON_MAX,
    Decision,
    Outcome,
    QuestionPost,
    ReportPost,
    ReviewPost,
    clean,
    post_key,
)


class Moderating(QuestionsBase):
    # -- members ------------------------------------------------------------------------

    async def toggle_upvote(self, actor: Actor, ref: str) -> Outcome:
        community = await self._community.require(actor.guild_id)
        self._anon.check_ready()
        voter = self._anon.tag("upvote", actor.guild_id, actor.user_id, ref)
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, actor.guild_id, ref)
            counted = await questions_db.toggle_upvote(conn, item.id, voter)
            updated = await self._reload(conn, item)
        return Outcome(item=updated, shown=self._post(community, updated), counted=counted)

    async def report(self, actor: Actor, ref: str, reason: str | None) -> None:
        """Send a report to the moderators, then record it (once per member and item).

        The reason goes to the moderation channel, or to the facilitators in the
        announcements channel; the reporter is never named (A8).
        """
        community = await self._community.require(actor.guild_id)
        self._anon.check_ready()
        text = clean(reason, "reason", REASON_MAX, required=True, multiline=True)
        reporter = self._anon.tag("report", actor.guild_id, actor.user_id, ref)
        async with self._core.db.read() as conn:
            item = await self._posted(conn, actor.guild_id, ref)
            if await questions_db.has_report(conn, item.id, reporter):
                raise UserError("questions.errors.already_reported")
        if community.moderation_channel_id is not None:
            channel_id, role_id = community.moderation_channel_id, None
        elif community.announcements_channel_id is not None:
            channel_id, role_id = community.announcements_channel_id, community.facilitator_role_id
        else:
            raise UserError("questions.errors.no_moderators")
        card = ReportPost(
            language=self._public_language(community),
            item=item,
            reason=text,
            facilitator_role_id=role_id,
        )
        try:
            sent = await self._core.chat.send(
                Channel(actor.guild_id, channel_id),
                card,
                nonce=nonce_for("question_report", ref, reporter.hex()[:16]),
                mention_roles=() if role_id is None else (role_id,),
            )
        except RetryLater:
            sent = None
        if sent is None:
            raise UserError("questions.errors.report_undeliverable")
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, actor.guild_id, ref)
            await questions_db.add_report(conn, item.id, reporter, self._core.clock.now())

    # -- facilitators -------------------------------------------------------------------

    async def approve(self, actor: Actor, ref: str) -> Outcome:
        """Approve an item in review; :meth:`post_approved` posts it once the click is answered."""
        community = await self._community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._in_review(conn, actor.guild_id, ref)
            await questions_db.set_reviewed(conn, item.id, "approved")
            await self._core.scheduler.schedule(
                conn, actor.guild_id, POST_KIND, post_key(ref, "approved"), now, {"ref": ref}
            )
            await self._audit(conn, actor, item, f"{item.kind}.approve", {"ref": ref}, now)
            updated = await self._reload(conn, item)
        return Outcome(item=updated, shown=self._decided(community, updated, "approved", actor))

    async def reject(self, actor: Actor, ref: str, *, block_author: bool = False) -> Outcome:
        """Reject an item in review (its text is erased), optionally blocking its author."""
        community = await self._community.require_facilitator(actor)
        now = self._core.clock.now()
        if block_author:
            self._anon.check_ready()
        async with self._core.db.transaction() as conn:
            item = await self._in_review(conn, actor.guild_id, ref)
            newly = await self._block(conn, item, now) if block_author else False
            await questions_db.set_reviewed(conn, item.id, "rejected")
            action = f"{item.kind}.reject_block" if block_author else f"{item.kind}.reject"
            await self._audit(conn, actor, item, action, {"ref": ref}, now)
            updated = await self._reload(conn, item)
        decision: Decision = "rejected_blocked" if block_author else "rejected"
        shown = self._decided(community, updated, decision, actor)
        return Outcome(item=updated, shown=shown, newly_blocked=newly)

    async def moderation_panel(self, actor: Actor, message_id: int) -> QuestionItem:
        """The item behind a public post, for a facilitator's moderation panel."""
        await self._community.require_facilitator(actor)
        async with self._core.db.read() as conn:
            item = await questions_db.get_by_message(conn, actor.guild_id, message_id)
        if item is None or item.status not in ("posted", "removed"):
            raise UserError("questions.errors.not_a_post")
        return item

    async def _show_publicly(self, community: Community, item: QuestionItem) -> None:
        """Bring the public post up to date (the change was made from a private panel)."""
        if item.channel_id is not None and item.message_id is not None:
            posted = Posted(item.guild_id, item.channel_id, item.message_id)
            await self._core.chat.edit(posted, self._post(community, item))

    async def remove(self, actor: Actor, ref: str) -> Outcome:
        """Take a posted item down; its text is erased, its number stays visible."""
        community = await self._community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, actor.guild_id, ref)
            await questions_db.set_removed(conn, item.id)
            await self._audit(conn, actor, item, f"{item.kind}.remove", None, now)
            updated = await self._reload(conn, item)
        await self._show_publicly(community, updated)
        await self._show_in_review(community, updated, actor)
        return Outcome(item=updated, shown=self._post(community, updated))

    async def _show_in_review(self, community: Community, item: QuestionItem, actor: Actor) -> None:
        """The moderators' message about an item they approved says it was removed since."""
        if item.review_channel_id is None or item.review_message_id is None:
            return
        posted = Posted(item.guild_id, item.review_channel_id, item.review_message_id)
        # Only a courtesy: the removal itself is done and shown publicly.
        with contextlib.suppress(RetryLater):
            await self._core.chat.edit(posted, self._decided(community, item, "removed", actor))

    async def block_author(self, actor: Actor, ref: str) -> Outcome:
        """Block the author of a posted anonymous item without learning who it is (A3)."""
        community = await self._community.require_facilitator(actor)
        self._anon.check_ready()
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await questions_db.get_by_ref(conn, actor.guild_id, ref)
            if item is None or item.status not in ("posted", "removed"):
                raise UserError("questions.errors.unknown")
            newly = await self._block(conn, item, now)
            await self._audit(conn, actor, item, f"{item.kind}.block", None, now)
        return Outcome(item=item, shown=self._post(community, item), newly_blocked=newly)

    async def mark_answered(self, actor: Actor, ref: str) -> Outcome:
        """A facilitator marks a question answered (a topic: discussed)."""
        community = await self._community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, actor.guild_id, ref)
            if item.kind == "topic":
                await questions_db.mark_discussed(conn, actor.guild_id, [item.id], "manual", now)
            elif not await questions_db.set_answered(conn, item.id, now):
                raise UserError("questions.errors.already_answered")
            await self._audit(conn, actor, item, f"{item.kind}.answered", None, now)
            updated = await self._reload(conn, item)
        await self._show_publicly(community, updated)
        return Outcome(item=updated, shown=self._post(community, updated))

    # -- helpers ------------------------------------------------------------------------

    async def _block(self, conn: Connection, item: QuestionItem, now: datetime) -> bool:
        if not item.anonymous:
            raise UserError("questions.errors.signed_not_blockable")
        author = await questions_db.author_handle(conn, item.id, now)
        if author is None:
            raise UserError("questions.errors.handle_expired", days=HANDLE_KEPT.days)
        return await questions_db.add_block(
            conn, item.guild_id, item.kind, item.number, author, now
        )

    @staticmethod
    async def _audit(
        conn: Connection,
        actor: Actor,
        item: QuestionItem,
        action: str,
        details: dict[str, object] | None,
        now: datetime,
    ) -> None:
        """The moderation log names the moderator and "#N" (or the ref), never an author."""
        await audit.record(
            conn, actor.guild_id, actor.user_id, action, details or {"number": item.number}, now
        )

    @staticmethod
    async def _reload(conn: Connection, item: QuestionItem) -> QuestionItem:
        updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return updated

    def _post(self, community: Community, item: QuestionItem) -> QuestionPost:
        return QuestionPost(language=self._public_language(community), item=item)

    def _decided(
        self, community: Community, item: QuestionItem, decision: Decision, actor: Actor
    ) -> ReviewPost:
        return ReviewPost(
            language=self._public_language(community),
            item=item,
            questions_channel_id=community.questions_channel_id,
            decision=decision,
            moderator_id=actor.user_id,
        )
