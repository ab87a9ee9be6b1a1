"""Anonymous questions and topic proposals (SPEC §7; RELIABILITY A1-A8, G1-G3).

What links an anonymous post to a person, and for how long:

- per item, ``author_nonce`` + ``author_handle = HMAC(secret, "question"|guild|user|nonce)``
  for 14 days (then erased by the daily ``questions_retention`` job): with the secret,
  the bot can test whether a candidate member wrote it; without it, nothing;
- blocking the author of #N copies that nonce and handle into ``question_blocks``;
  at ``/ask`` the bot recomputes the handle of the asker for each block's nonce;
- the rate limit keeps one row per submission with its own nonce and tag, for one hour;
- upvotes and reports are tagged per member *and item*, so they cannot be grouped.

No stored value repeats between two posts of one author (A5). The submitter is never
logged: this module only logs counts.
"""

from __future__ import annotations

import logging
import random
import secrets
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.db import audit
from bot.db import communities as communities_db
from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import AuthorHandle, Kind, ModerationCounts, QuestionItem
from bot.errors import UserError
from bot.scheduler import RetryLater
from bot.services.anonymity import Anonymizer
from bot.services.base import Core, StatusLine
from bot.services.community import CommunityService
from bot.text import clean_text

log = logging.getLogger(__name__)

POST_KIND = "question_post"
RETENTION_KIND = "questions_retention"
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)
HANDLE_KEPT = timedelta(days=14)
REPORTS_KEPT = timedelta(days=14)
RETENTION_TIME = time(3, 30)  # UTC, a quiet hour for most communities
QUESTION_MAX = 1500
QUESTION_TOPIC_MAX = 100
TOPIC_TITLE_MAX = 100
TOPIC_DETAILS_MAX = 1000
REASON_MAX = 500
TOP_MAX = 25
REF_BYTES = 8

Field = Literal["question", "topic", "title", "details", "reason"]


class Submission(BaseModel):
    """What the author is told (ephemeral): when it goes out, and where."""

    model_config = ConfigDict(frozen=True)

    item: QuestionItem
    due_at: datetime
    delayed: bool
    moderated: bool


class PostPlan(BaseModel):
    """What the ``question_post`` timer must do next for one item."""

    model_config = ConfigDict(frozen=True)

    item: QuestionItem
    language: str
    stage: Literal["review", "public", "thread"]
    channel_id: int


class BlockResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: QuestionItem
    newly_blocked: bool


class ReportPlan(BaseModel):
    """Where a report goes; the reporter is not in it."""

    model_config = ConfigDict(frozen=True)

    item: QuestionItem
    reason: str
    language: str
    channel_id: int
    mention_role_id: int | None
    """Set when the report goes to the announcements channel: ping the facilitators."""
    nonce_seed: str


class UpvoteResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: QuestionItem
    counted: bool


class RetentionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    handles_erased: int
    rate_rows_deleted: int
    reports_deleted: int


def _next_retention(now: datetime) -> datetime:
    today = datetime.combine(now.astimezone(UTC).date(), RETENTION_TIME, tzinfo=UTC)
    return today if today > now else today + timedelta(days=1)


def _retention_key(guild_id: int, due: datetime) -> str:
    return f"questions_retention:{guild_id}:{due.date().isoformat()}"


def post_key(ref: str, stage: Literal["first", "approved"]) -> str:
    return f"question:{ref}" if stage == "first" else f"question:{ref}:approved"


class QuestionService:
    """Rules of ``/ask``, ``/topic propose``, moderation and upvotes; never imports discord."""

    name = "questions"

    def __init__(
        self,
        core: Core,
        community: CommunityService,
        *,
        delay_random: random.Random | None = None,
    ) -> None:
        self._core = core
        self._community = community
        secret = core.settings.privacy.secret
        self._anon = Anonymizer(secret.get_secret_value() if secret else None)
        # The random post delay must be unpredictable; tests may seed it (A7).
        self.delay_random = delay_random or random.SystemRandom()

    # -- submitting -------------------------------------------------------------------

    async def check_open(self, guild_id: int | None, asker_id: int | None = None) -> Community:
        """Refuse before the modal opens, so nobody types a question for nothing.

        With ``asker_id`` (``/ask``), a blocked author is told now rather than after typing.
        """
        community = await self._community.require(guild_id)
        self._anon.check_ready()
        if community.questions_channel_id is None:
            raise UserError("questions.errors.no_channel")
        if asker_id is not None:
            async with self._core.db.read() as conn:
                await self._refuse_if_blocked(conn, community.guild_id, asker_id)
        return community

    async def ask(
        self, guild_id: int, user_id: int, question: str | None, topic: str | None
    ) -> Submission:
        """Queue an anonymous question; raises UserError (nothing stored) if refused."""
        community = await self._community.require(guild_id)
        self._anon.check_ready()
        text = _clean(question, "question", QUESTION_MAX, required=True, multiline=True)
        label = _clean(topic, "topic", QUESTION_TOPIC_MAX, required=False, multiline=False)
        return await self._submit(community, user_id, "question", text, label, anonymous=True)

    async def propose_topic(
        self,
        guild_id: int,
        user_id: int,
        title: str | None,
        details: str | None,
        *,
        anonymous: bool,
    ) -> Submission:
        """Queue a topic for coming meetings, anonymous or signed by its proposer."""
        community = await self._community.require(guild_id)
        self._anon.check_ready()
        text = _clean(title, "title", TOPIC_TITLE_MAX, required=True, multiline=False)
        more = _clean(details, "details", TOPIC_DETAILS_MAX, required=False, multiline=True)
        return await self._submit(community, user_id, "topic", text, more, anonymous=anonymous)

    async def _submit(
        self,
        community: Community,
        user_id: int,
        kind: Kind,
        text: str,
        details: str,
        *,
        anonymous: bool,
    ) -> Submission:
        guild_id = community.guild_id
        if community.questions_channel_id is None:
            raise UserError("questions.errors.no_channel")
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
                conn, guild_id, POST_KIND, post_key(ref, "first"), now + delay, {"ref": ref}
            )
            await self._plan_retention(conn, guild_id, now)
            item = await questions_db.get(conn, item_id)
        assert item is not None
        return Submission(
            item=item,
            due_at=now + delay,
            delayed=delay > timedelta(0),
            moderated=community.moderation_channel_id is not None,
        )

    async def _refuse_if_blocked(self, conn: Connection, guild_id: int, user_id: int) -> None:
        for block in await questions_db.blocks(conn, guild_id):
            if self._anon.matches("question", guild_id, user_id, block.nonce, block.handle):
                raise UserError("questions.errors.blocked")

    async def _count_against_rate_limit(
        self, conn: Connection, guild_id: int, user_id: int, now: datetime
    ) -> None:
        since = now - RATE_WINDOW
        await questions_db.purge_rate_rows(conn, guild_id, since)
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

    # -- posting (driven by the question_post timer) ----------------------------------

    async def plan_post(self, ref: str) -> PostPlan | None:
        """The next step for ``ref``, or None if there is nothing left to do."""
        async with self._core.db.read() as conn:
            item = await questions_db.find_ref(conn, ref)
        if item is None:
            return None
        community = await self._community.get(item.guild_id)
        if community is None or community.left_at is not None:
            return None
        language = community.language
        if item.status == "queued" and community.moderation_channel_id is not None:
            return PostPlan(
                item=item,
                language=language,
                stage="review",
                channel_id=community.moderation_channel_id,
            )
        if item.status in ("queued", "approved"):
            if community.questions_channel_id is None:
                # An admin removed the channel after submission: retry within the grace.
                raise RetryLater("no questions channel set")
            async with self._core.db.transaction() as conn:
                # The number is given when posting, so "#N" follows posting order (A7).
                await questions_db.assign_number(conn, item.id)
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

    async def record_review_posted(self, item_id: int, channel_id: int, message_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await questions_db.set_in_review(conn, item_id, channel_id, message_id)

    async def record_posted(self, item_id: int, channel_id: int, message_id: int) -> QuestionItem:
        async with self._core.db.transaction() as conn:
            await questions_db.set_posted(
                conn, item_id, channel_id, message_id, self._core.clock.now()
            )
            item = await questions_db.get(conn, item_id)
        assert item is not None
        return item

    async def record_thread(self, item_id: int, thread_id: int) -> None:
        async with self._core.db.transaction() as conn:
            await questions_db.set_thread(conn, item_id, thread_id)

    async def post_failed(self, ref: str) -> QuestionItem | None:
        """The post could not go out within its grace; the item is closed as failed."""
        async with self._core.db.transaction() as conn:
            item = await questions_db.find_ref(conn, ref)
            if item is None or not await questions_db.set_failed(conn, item.id):
                return None
            failed = await questions_db.get(conn, item.id)
        log.warning("guild %s: an anonymous item could not be posted in time", item.guild_id)
        return failed

    # -- reading --------------------------------------------------------------------------

    async def get(self, guild_id: int, ref: str) -> QuestionItem:
        async with self._core.db.read() as conn:
            item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        return item

    async def top_open(self, guild_id: int, limit: int = 10) -> list[QuestionItem]:
        """The most upvoted open questions and topics (for ``/questions top`` and sessions)."""
        await self._community.require(guild_id)
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

    # -- member actions on a posted item ---------------------------------------------

    async def toggle_upvote(self, guild_id: int, ref: str, user_id: int) -> UpvoteResult:
        self._anon.check_ready()
        voter = self._anon.tag("upvote", guild_id, user_id, ref)
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, guild_id, ref)
            counted = await questions_db.toggle_upvote(conn, item.id, voter)
            updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return UpvoteResult(item=updated, counted=counted)

    async def prepare_report(
        self, guild_id: int, ref: str, user_id: int, reason: str | None
    ) -> ReportPlan:
        """Check a report and say where it goes; :meth:`record_report` after it is sent."""
        community = await self._community.require(guild_id)
        self._anon.check_ready()
        text = _clean(reason, "reason", REASON_MAX, required=True, multiline=True)
        reporter = self._anon.tag("report", guild_id, user_id, ref)
        async with self._core.db.read() as conn:
            item = await self._posted(conn, guild_id, ref)
            if await questions_db.has_report(conn, item.id, reporter):
                raise UserError("questions.errors.already_reported")
        if community.moderation_channel_id is not None:
            channel_id, role_id = community.moderation_channel_id, None
        elif community.announcements_channel_id is not None:
            channel_id, role_id = community.announcements_channel_id, community.facilitator_role_id
        else:
            raise UserError("questions.errors.no_moderators")
        return ReportPlan(
            item=item,
            reason=text,
            language=community.language,
            channel_id=channel_id,
            mention_role_id=role_id,
            nonce_seed=reporter.hex()[:16],
        )

    async def record_report(self, guild_id: int, ref: str, user_id: int) -> None:
        reporter = self._anon.tag("report", guild_id, user_id, ref)
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, guild_id, ref)
            await questions_db.add_report(conn, item.id, reporter, self._core.clock.now())

    # -- moderation (facilitators; the cog checks the role) ---------------------------

    async def approve(self, guild_id: int, ref: str, actor_id: int) -> QuestionItem:
        """Approve an item in review; it is posted at once through the post timer."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._in_review(conn, guild_id, ref)
            await questions_db.set_reviewed(conn, item.id, "approved")
            await self._core.scheduler.schedule(
                conn, guild_id, POST_KIND, post_key(ref, "approved"), now, {"ref": ref}
            )
            await audit.record(conn, guild_id, actor_id, f"{item.kind}.approve", {"ref": ref}, now)
            updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return updated

    async def reject(
        self, guild_id: int, ref: str, actor_id: int, *, block_author: bool = False
    ) -> BlockResult:
        """Reject an item in review (its text is erased), optionally blocking its author."""
        now = self._core.clock.now()
        if block_author:
            self._anon.check_ready()
        async with self._core.db.transaction() as conn:
            item = await self._in_review(conn, guild_id, ref)
            newly = False
            if block_author:
                newly = await self._block(conn, item, now)
            await questions_db.set_reviewed(conn, item.id, "rejected")
            action = f"{item.kind}.reject_block" if block_author else f"{item.kind}.reject"
            await audit.record(conn, guild_id, actor_id, action, {"ref": ref}, now)
            updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return BlockResult(item=updated, newly_blocked=newly)

    async def remove(self, guild_id: int, ref: str, actor_id: int) -> QuestionItem:
        """Take a posted item down; its text is erased, its number stays visible."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, guild_id, ref)
            await questions_db.set_removed(conn, item.id)
            await audit.record(
                conn, guild_id, actor_id, f"{item.kind}.remove", {"number": item.number}, now
            )
            updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return updated

    async def block_author(self, guild_id: int, ref: str, actor_id: int) -> BlockResult:
        """Block the author of a posted anonymous item without learning who it is (A3)."""
        self._anon.check_ready()
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await questions_db.get_by_ref(conn, guild_id, ref)
            if item is None or item.status not in ("posted", "removed"):
                raise UserError("questions.errors.unknown")
            newly = await self._block(conn, item, now)
            await audit.record(
                conn, guild_id, actor_id, f"{item.kind}.block", {"number": item.number}, now
            )
        return BlockResult(item=item, newly_blocked=newly)

    async def _block(self, conn: Connection, item: QuestionItem, now: datetime) -> bool:
        if not item.anonymous:
            raise UserError("questions.errors.signed_not_blockable")
        author = await questions_db.author_handle(conn, item.id)
        if author is None:
            raise UserError("questions.errors.handle_expired", days=HANDLE_KEPT.days)
        return await questions_db.add_block(
            conn, item.guild_id, item.kind, item.number, author, now
        )

    async def mark_answered(self, guild_id: int, ref: str, actor_id: int) -> QuestionItem:
        """A facilitator marks a question answered (a topic: discussed)."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            item = await self._posted(conn, guild_id, ref)
            if item.kind == "topic":
                await questions_db.mark_discussed(conn, guild_id, [item.id], "manual", now)
            elif not await questions_db.set_answered(conn, item.id, now):
                raise UserError("questions.errors.already_answered")
            await audit.record(
                conn, guild_id, actor_id, f"{item.kind}.answered", {"number": item.number}, now
            )
            updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return updated

    async def _posted(self, conn: Connection, guild_id: int, ref: str) -> QuestionItem:
        item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        if item.status == "removed":
            raise UserError("questions.errors.removed")
        if item.status != "posted":
            raise UserError("questions.errors.not_posted")
        return item

    async def _in_review(self, conn: Connection, guild_id: int, ref: str) -> QuestionItem:
        item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        if item.status != "review":
            raise UserError("questions.errors.already_reviewed")
        return item

    # -- retention (RELIABILITY G3) ------------------------------------------------------

    async def plan_retention(self) -> None:
        """Make sure every active community's daily purge is planned (idempotent)."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            for community in await communities_db.all_active(conn):
                await self._plan_retention(conn, community.guild_id, now)

    async def _plan_retention(self, conn: Connection, guild_id: int, now: datetime) -> None:
        due = _next_retention(now)
        await self._core.scheduler.schedule(
            conn, guild_id, RETENTION_KIND, _retention_key(guild_id, due), due
        )

    async def purge(self, guild_id: int) -> RetentionResult:
        """Erase handles over 14 days, rate rows out of their window and old reports.

        One transaction: a crash leaves all or nothing, and a second run finds nothing.
        """
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            result = RetentionResult(
                handles_erased=await questions_db.erase_expired_handles(conn, guild_id, now),
                rate_rows_deleted=await questions_db.purge_rate_rows(
                    conn, guild_id, now - RATE_WINDOW
                ),
                reports_deleted=await questions_db.purge_reports_before(
                    conn, guild_id, now - REPORTS_KEPT
                ),
            )
            await self._plan_retention(conn, guild_id, now)
        if result.handles_erased or result.rate_rows_deleted or result.reports_deleted:
            log.info("guild %s: questions retention %s", guild_id, result.model_dump())
        return result

    # -- PersonalData and StatusProvider -------------------------------------------------

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
        if self._anon.ready:
            data["upvotes"] = [
                {"kind": row.kind, "number": row.number}
                for row in await self._own_tags(conn, guild_id, user_id, "upvote")
            ]
            data["reports"] = [
                {"kind": row.kind, "number": row.number}
                for row in await self._own_tags(conn, guild_id, user_id, "report")
            ]
        return data

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        await questions_db.delete_signed_topics(conn, guild_id, user_id)
        if not self._anon.ready:
            return
        for row in await self._own_tags(conn, guild_id, user_id, "upvote"):
            await questions_db.delete_upvote(conn, row.question_id, row.tag)
        for row in await self._own_tags(conn, guild_id, user_id, "report"):
            await questions_db.delete_report(conn, row.question_id, row.tag)

    async def _own_tags(
        self,
        conn: Connection,
        guild_id: int,
        user_id: int,
        purpose: Literal["upvote", "report"],
    ) -> list[questions_db.TaggedRow]:
        rows = (
            await questions_db.upvote_tags(conn, guild_id)
            if purpose == "upvote"
            else await questions_db.report_tags(conn, guild_id)
        )
        return [
            row for row in rows if self._anon.matches(purpose, guild_id, user_id, row.ref, row.tag)
        ]

    async def status_lines(self, guild_id: int) -> list[StatusLine]:
        async with self._core.db.read() as conn:
            counts = await questions_db.open_counts(conn, guild_id)
        return [StatusLine(key="questions.status.open", params=counts.model_dump())]


def _clean(
    value: str | None, field: Field, max_length: int, *, required: bool, multiline: bool
) -> str:
    """``clean_text`` with this feature's own messages (the field named in the user's words)."""
    try:
        return clean_text(
            value, field=field, max_length=max_length, required=required, multiline=multiline
        )
    except UserError as exc:
        if exc.key == "errors.text_too_long":
            raise UserError(
                f"questions.errors.{field}_too_long",
                limit=max_length,
                length=exc.params.get("length", 0),
            ) from None
        raise UserError(f"questions.errors.{field}_empty") from None
