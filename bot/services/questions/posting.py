"""The ``question_post`` timer: to review, to the questions channel, then the answers thread.

Every post goes through ``core.chat`` with the firing's deterministic nonce (a retry
never posts twice) and pings nobody. "#N" is given when the item is posted, so numbers
follow posting order, not submission order. No "sent late" note, unlike other timers:
it would date the submission.
"""

from __future__ import annotations

import logging
from typing import Literal

from bot.chat import Channel, Notice, Posted
from bot.db import audit
from bot.db import questions as questions_db
from bot.db.connection import Connection
from bot.db.questions import QuestionItem
from bot.db.timers import Timer
from bot.frozen import Frozen
from bot.i18n import Language
from bot.missed import MissedResult
from bot.scheduler import Firing, RetryLater, TimerKind, nonce_for
from bot.services.questions.base import Shared
from bot.services.questions.cards import QuestionPost, ReviewPost
from bot.services.questions.models import POST_KIND, post_key

log = logging.getLogger(__name__)


class PostPlan(Frozen):
    """What the ``question_post`` timer must do next for one item."""

    item: QuestionItem
    language: Language
    stage: Literal["review", "public", "thread"]
    channel_id: int
    questions_channel_id: int | None = None


class Posting:
    """Posts each item where it goes next, through its durable timer."""

    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._core = shared.core

    def timer_kinds(self) -> tuple[TimerKind, ...]:
        """Declared by the feature, registered once when the application is built."""
        return (
            TimerKind.tell(
                POST_KIND,
                self._on_post_timer,
                self._on_post_missed,
                said="questions.status.missed.post",
            ),
        )

    async def post_approved(self, ref: str) -> bool:
        """Post an approved item now (its timer is due already); False if it already ran.

        Called after the moderator's click was answered, so the answer never waits for
        the post.
        """
        return await self._core.scheduler.run_now(POST_KIND, post_key(ref, "approved"))

    async def plan_post(self, ref: str) -> PostPlan | None:
        """The next step for ``ref``, or None if there is nothing left to do."""
        async with self._core.db.read() as conn:
            item = await questions_db.find_ref(conn, ref)
        if item is None:
            return None
        community = await self._shared.community.get(item.guild_id)
        if community is None or community.left_at is not None:
            return None
        language = self._shared.public_language(community)
        if item.status == "queued" and community.moderation_channel_id is not None:
            return PostPlan(
                item=item,
                language=language,
                stage="review",
                channel_id=community.moderation_channel_id,
                questions_channel_id=community.questions_channel_id,
            )
        if item.status in ("queued", "approved"):
            if community.questions_channel_id is None:
                # An admin removed the channel after submission: retry within the grace.
                raise RetryLater("no questions channel set")
            async with self._core.db.transaction() as conn:
                # The number is given when posting, so "#N" follows posting order.
                number = await questions_db.assign_number(conn, item.id)
                if item.status == "approved":
                    await _name_the_approval(conn, item, number)
                numbered = await questions_db.get(conn, item.id)
            assert numbered is not None
            return PostPlan(
                item=numbered,
                language=language,
                stage="public",
                channel_id=community.questions_channel_id,
            )
        if item.status == "posted" and item.thread_id is None and item.message_id is not None:
            assert item.channel_id is not None
            return PostPlan(
                item=item, language=language, stage="thread", channel_id=item.channel_id
            )
        return None

    async def _on_post_timer(self, timer: Timer, firing: Firing) -> None:
        ref = str(timer.payload.get("ref", ""))
        plan = await self.plan_post(ref)
        if plan is not None and plan.stage == "review":
            await self._post_review(plan, firing)
            return
        if plan is not None and plan.stage == "public":
            await self._post_public(plan, firing)
            plan = await self.plan_post(ref)
        if plan is not None and plan.stage == "thread":
            await self._open_thread(plan)

    async def _post_review(self, plan: PostPlan, firing: Firing) -> None:
        item = plan.item
        card = ReviewPost(
            language=plan.language, item=item, questions_channel_id=plan.questions_channel_id
        )
        posted = await self._send(plan, card, firing, "review")
        async with self._core.db.transaction() as conn:
            await questions_db.set_in_review(conn, item.id, posted.channel_id, posted.message_id)

    async def _post_public(self, plan: PostPlan, firing: Firing) -> None:
        item = plan.item
        shown = item.model_copy(update={"status": "posted"})  # as it will be once sent
        posted = await self._send(plan, QuestionPost(language=plan.language, item=shown), firing)
        async with self._core.db.transaction() as conn:
            await questions_db.set_posted(
                conn, item.id, posted.channel_id, posted.message_id, self._core.clock.now()
            )
        log.info("guild %s: %s #%s posted", item.guild_id, item.kind, item.number)

    async def _send(
        self,
        plan: PostPlan,
        card: QuestionPost | ReviewPost,
        firing: Firing,
        stage: Literal["review", "public"] = "public",
    ) -> Posted:
        """Post with the firing's nonce; a channel that refuses is tried again later."""
        posted = await self._core.chat.send(
            Channel(plan.item.guild_id, plan.channel_id),
            card,
            nonce=firing.nonce(f"{stage}:{plan.channel_id}"),
        )
        if posted is None:
            raise RetryLater(f"the {stage} channel cannot be reached")
        return posted

    async def _open_thread(self, plan: PostPlan) -> None:
        """Answers go in a thread; without one, members can still reply in the channel."""
        item = plan.item
        assert item.message_id is not None
        name = self._core.catalog.t(
            plan.language, f"questions.post.thread_{item.kind}", number=item.number
        )
        thread = await self._core.chat.start_thread(
            Posted(item.guild_id, plan.channel_id, item.message_id), name
        )
        if thread is not None:
            async with self._core.db.transaction() as conn:
                await questions_db.set_thread(conn, item.id, thread.channel_id)

    async def _on_post_missed(self, timer: Timer) -> MissedResult:
        """The post never went out: close the item and tell the moderators (or facilitators)."""
        ref = str(timer.payload.get("ref", ""))
        async with self._core.db.transaction() as conn:
            item = await questions_db.find_ref(conn, ref)
            if item is None or not await questions_db.set_failed(conn, item.id):
                return "moot"
        log.warning("guild %s: an anonymous item could not be posted in time", item.guild_id)
        community = await self._shared.community.get(item.guild_id)
        if community is None:
            return "undone"
        notice = Notice(
            language=self._shared.public_language(community), key="questions.post.failed"
        )
        told = await self._shared.community.tell_facilitators(
            community, notice, nonce=nonce_for("question_failed", ref)
        )
        return "done" if told else "undone"


async def _name_the_approval(conn: Connection, item: QuestionItem, number: int) -> None:
    """The log's approval of ``item``, recorded by its ref before it had a number, names
    it by the "#N" it gets now it is posted, as the other moderation entries do."""
    for entry in await audit.latest_of(conn, item.guild_id, [f"{item.kind}.approve"], 50):
        if entry.detail.get("ref") == item.ref:
            await audit.set_detail(conn, entry.id, {"number": number})
            return
