"""Moderation, for facilitators: review, remove, block the author, mark answered.

Every method checks the actor itself (the community's facilitator role, or whoever
manages the server), whatever the chat platform showed them. Moderators never learn who
wrote an anonymous item: blocking copies its keyed handle. Each method returns how the
message clicked on looks now, and brings the other messages about the item up to date
through the outbox (planned in the same transaction, sent after it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal, get_args

from bot.actor import Actor
from bot.chat import Card, Channel, Posted
from bot.db import audit
from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import Kind, QuestionItem
from bot.errors import UserError
from bot.i18n import Phrase
from bot.services.outbox import Planned
from bot.services.questions.base import Shared
from bot.services.questions.cards import Decision, ReviewPost
from bot.services.questions.models import (
    HANDLE_KEPT,
    POST_KIND,
    Clicked,
    Outcome,
    post_key,
    redraws_of,
)


class Moderation:
    """What facilitators do with items, from the review message, a private panel or an
    older post's buttons."""

    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._core = shared.core

    # -- review -------------------------------------------------------------------------

    async def approve(self, actor: Actor, ref: str) -> Outcome:
        """Approve an item in review; ``Posting.post_approved`` posts it once the click is
        answered."""
        community = await self._shared.community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._shared.in_review(conn, actor.guild_id, ref)
            await questions_db.set_reviewed(conn, item.id, "approved")
            await self._core.scheduler.schedule(
                conn, actor.guild_id, POST_KIND, post_key(ref, "approved"), now, {"ref": ref}
            )
            await _audit(conn, actor, item, f"{item.kind}.approve", {"ref": ref}, now)
            updated = await self._shared.reload(conn, item)
            shown = await self._review(conn, community, updated, "approved", actor)
        return Outcome(item=updated, shown=shown)

    async def reject(self, actor: Actor, ref: str, *, block_author: bool = False) -> Outcome:
        """Reject an item in review (its text is erased), optionally blocking its author."""
        community = await self._shared.community.require_facilitator(actor)
        now = self._core.clock.now()
        if block_author:
            self._shared.anon.check_ready()
        async with self._core.db.transaction() as conn:
            item = await self._shared.in_review(conn, actor.guild_id, ref)
            newly = await _block(conn, item, now) if block_author else False
            await questions_db.set_reviewed(conn, item.id, "rejected")
            action = f"{item.kind}.reject_block" if block_author else f"{item.kind}.reject"
            await _audit(conn, actor, item, action, {"ref": ref}, now)
            updated = await self._shared.reload(conn, item)
        decision: Decision = "rejected_blocked" if block_author else "rejected"
        # Blocked now (or already, through this very item): Unblock author undoes it.
        shown = self._review_card(community, updated, decision, actor.user_id, blocked=block_author)
        return Outcome(item=updated, shown=shown, newly_blocked=newly)

    # -- the item behind a panel ----------------------------------------------------------

    async def item_posted_as(self, actor: Actor, message_id: int) -> QuestionItem:
        """The item behind a public post (*Apps › Moderate*)."""
        missing = UserError("questions.errors.not_a_post")
        return await self._for_panel(actor, missing, questions_db.get_by_message, message_id)

    async def item_reported(self, actor: Actor, ref: str) -> QuestionItem:
        """The item a report is about (the report's *Moderate*)."""
        missing = UserError("questions.errors.unknown")
        return await self._for_panel(actor, missing, questions_db.get_by_ref, ref)

    async def item_numbered(self, actor: Actor, number: int, kind: Kind) -> QuestionItem:
        """The item shown as "#N" (``/questions moderate``)."""
        if kind not in get_args(Kind):
            raise UserError("questions.errors.unknown")
        missing = UserError(f"questions.errors.no_{kind}_numbered", number=number)
        return await self._for_panel(actor, missing, questions_db.get_by_number, kind, number)

    async def _for_panel(
        self,
        actor: Actor,
        missing: UserError,
        find: Callable[..., Awaitable[QuestionItem | None]],
        *keys: object,
    ) -> QuestionItem:
        """The item a facilitator's private moderation panel is about, found by ``find``
        in the member's community with ``keys``: posted, or removed since (its author can
        still be blocked); ``missing`` otherwise."""
        await self._shared.community.require_facilitator(actor)
        async with self._core.db.read() as conn:
            item = await find(conn, actor.guild_id, *keys)
        if item is None or item.status not in ("posted", "removed"):
            raise missing
        return item

    # -- posted items -------------------------------------------------------------------

    async def remove(self, actor: Actor, ref: str, *, clicked: Clicked = "elsewhere") -> Outcome:
        """Take an item down (approved or posted): its text is erased, its number stays."""
        community = await self._shared.community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._shared.posted(conn, actor.guild_id, ref, or_approved=True)
            await questions_db.set_removed(conn, item.id)
            await _audit(conn, actor, item, f"{item.kind}.remove", None, now)
            updated = await self._shared.reload(conn, item)
            post = self._shared.post_card(community, updated)
            review = await self._review(conn, community, updated, "removed", actor)
            keys = await self._refresh(conn, updated, "removed", post, _unless(clicked, review))
        await self._shared.outbox.send(*keys)
        return Outcome(item=updated, shown=review if clicked == "review" else post)

    async def block_author(
        self, actor: Actor, ref: str, *, clicked: Clicked = "elsewhere"
    ) -> Outcome:
        """Block the author of an approved or posted anonymous item without learning who
        it is."""
        community = await self._shared.community.require_facilitator(actor)
        self._shared.anon.check_ready()
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await questions_db.get_by_ref(conn, actor.guild_id, ref)
            if item is None or item.status not in ("approved", "posted", "removed"):
                raise UserError("questions.errors.unknown")
            newly = await _block(conn, item, now)
            await _audit(conn, actor, item, f"{item.kind}.block", None, now)
            item = await self._shared.reload(conn, item)
            # Who blocked is named only by the click that did it.
            moderator_id = actor.user_id if newly else None
            review = await self._block_review(conn, community, item, "blocked", moderator_id)
            shown_elsewhere = _unless(clicked, review) if newly else None
            keys = await self._refresh(conn, item, _each("blocked", now), None, shown_elsewhere)
        await self._shared.outbox.send(*keys)
        shown = review if clicked == "review" else self._shared.post_card(community, item)
        return Outcome(item=item, shown=shown, newly_blocked=newly)

    async def unblock_author(
        self, actor: Actor, ref: str, *, clicked: Clicked = "elsewhere"
    ) -> Outcome:
        """Lift the block taken from an anonymous item, so its (still unknown) author may
        post anonymously again; ``unblocked`` False when no block is found through it."""
        community = await self._shared.community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await questions_db.get_by_ref(conn, actor.guild_id, ref)
            if item is None or item.status in ("queued", "review", "failed"):
                raise UserError("questions.errors.unknown")
            if not item.anonymous:
                raise UserError("questions.errors.signed_not_unblockable")
            if not await questions_db.remove_block(conn, item.id):
                raise _not_found_blocked(item)
            # An item rejected in review has no "#N": its ref names it, as for the reject.
            details: dict[str, object] | None = {"ref": ref} if item.number is None else None
            await _audit(conn, actor, item, f"{item.kind}.unblock", details, now)
            item = await self._shared.reload(conn, item)
            review = await self._block_review(conn, community, item, "unblocked", actor.user_id)
            change = _each("unblocked", now)
            keys = await self._refresh(conn, item, change, None, _unless(clicked, review))
        await self._shared.outbox.send(*keys)
        shown = review if clicked == "review" else self._shared.post_card(community, item)
        return Outcome(item=item, shown=shown, unblocked=True)

    async def mark_answered(self, actor: Actor, ref: str) -> Outcome:
        """A facilitator marks a question answered (a topic: discussed)."""
        community = await self._shared.community.require_facilitator(actor)
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._shared.posted(conn, actor.guild_id, ref)
            if item.kind == "topic":
                await questions_db.mark_discussed(conn, actor.guild_id, [item.id], "manual", now)
            elif not await questions_db.set_answered(conn, item.id, now):
                raise UserError("questions.errors.already_answered")
            await _audit(conn, actor, item, f"{item.kind}.answered", None, now)
            updated = await self._shared.reload(conn, item)
            post = self._shared.post_card(community, updated)
            keys = await self._refresh(conn, updated, "answered", post, None)
        await self._shared.outbox.send(*keys)
        return Outcome(item=updated, shown=post)

    # -- helpers ------------------------------------------------------------------------

    async def _review(
        self,
        conn: Connection,
        community: Community,
        item: QuestionItem,
        decision: Decision,
        actor: Actor,
    ) -> ReviewPost:
        blocked = await questions_db.is_blocked(conn, item.id)
        return self._review_card(community, item, decision, actor.user_id, blocked=blocked)

    async def _block_review(
        self,
        conn: Connection,
        community: Community,
        item: QuestionItem,
        change: Literal["blocked", "unblocked"],
        moderator_id: int | None,
    ) -> ReviewPost:
        """The review message once the block taken from ``item`` changed: the change, and
        who made the decision the item stands on (as the moderation log says)."""
        return self._review_card(
            community,
            item,
            change,
            moderator_id,
            blocked=change == "blocked",
            decided_by=await _decided_by(conn, item),
        )

    def _review_card(
        self,
        community: Community,
        item: QuestionItem,
        decision: Decision,
        moderator_id: int | None,
        *,
        blocked: bool,
        decided_by: int | None = None,
    ) -> ReviewPost:
        return ReviewPost(
            language=self._shared.public_language(community),
            item=item,
            questions_channel_id=community.questions_channel_id,
            decision=decision,
            moderator_id=moderator_id,
            author_blocked=blocked,
            decided_by=decided_by,
        )

    async def _refresh(
        self,
        conn: Connection,
        item: QuestionItem,
        change: str,
        post: Card | None,
        review: Card | None,
    ) -> list[Planned]:
        """Plan the edits of the public post and of the review message after ``change``
        (each done once per item); what to send once the transaction committed."""
        places = (
            (post, item.channel_id, item.message_id, "post"),
            (review, item.review_channel_id, item.review_message_id, "review"),
        )
        keys = []
        for card, channel_id, message_id, place in places:
            if card is None or channel_id is None or message_id is None:
                continue
            keys.append(
                await self._shared.outbox.plan(
                    conn,
                    f"{redraws_of(item.ref)}{change}:{place}",
                    Channel(item.guild_id, channel_id),
                    card,
                    replace=Posted(item.guild_id, channel_id, message_id),
                )
            )
        return keys


def _each(change: str, now: datetime) -> str:
    """A change that can happen again (block, unblock, block…): each redraw its own key."""
    return f"{change}@{now.isoformat()}"


def _unless(clicked: Clicked, review: ReviewPost) -> ReviewPost | None:
    """The review message to update, unless the click came from it (its answer shows it)."""
    return None if clicked == "review" else review


def _not_found_blocked(item: QuestionItem) -> UserError:
    """No block taken from ``item``: its author is not blocked, or (the link to them
    erased) whether they are cannot be found through it."""
    shown_as = item.number if item.number is not None else "?"
    what = Phrase(f"questions.what.{item.kind}", {"number": shown_as})
    if item.blockable:
        return UserError("questions.errors.not_blocked", what=what)
    return UserError("questions.errors.unblock_untraceable", what=what, days=HANDLE_KEPT.days)


_STANDING_ACTIONS = {
    "removed": ("remove",),
    "rejected": ("reject", "reject_block"),
}


async def _decided_by(conn: Connection, item: QuestionItem) -> int | None:
    """Who made the decision ``item`` stands on (approved, rejected, removed), as the
    moderation log says; None when the log no longer has it (purged, or its moderator
    erased)."""
    done = _STANDING_ACTIONS.get(item.status, ("approve",))
    entries = await audit.latest_of(conn, item.guild_id, [f"{item.kind}.{it}" for it in done])
    for entry in entries:
        if entry.detail.get("ref") == item.ref or (
            item.number is not None and entry.detail.get("number") == item.number
        ):
            return entry.actor_id
    return None


async def _block(conn: Connection, item: QuestionItem, now: datetime) -> bool:
    if not item.anonymous:
        raise UserError("questions.errors.signed_not_blockable")
    author = await questions_db.author_handle(conn, item.id, now)
    if author is None:
        raise UserError("questions.errors.handle_expired", days=HANDLE_KEPT.days)
    return await questions_db.add_block(conn, item.guild_id, item.kind, item.number, author, now)


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
