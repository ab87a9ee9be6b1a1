"""What every member may do with a posted item: upvote it, report it to the moderators."""

from __future__ import annotations

from bot.actor import Actor
from bot.chat import Channel
from bot.db import questions as questions_db
from bot.db.connection import Connection
from bot.db.questions import QuestionItem
from bot.errors import UserError
from bot.scheduler import RetryLater, nonce_for
from bot.services.questions.base import Shared
from bot.services.questions.cards import ReportPost
from bot.services.questions.models import REASON_MAX, Outcome, clean


class Participation:
    """Upvotes and reports, each tagged per member *and* item so they cannot be grouped."""

    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._core = shared.core

    async def toggle_upvote(self, actor: Actor, ref: str) -> Outcome:
        community = await self._shared.community.require(actor.guild_id)
        self._shared.anon.check_ready()
        voter = self._shared.anon.tag("upvote", actor.guild_id, actor.user_id, ref)

        async def write(conn: Connection) -> tuple[QuestionItem, bool]:
            item = await self._shared.posted(conn, actor.guild_id, ref)
            return item, await questions_db.toggle_upvote(conn, item.id, voter)

        # Only statements: the whole write goes to the database thread in one trip.
        item, counted = await self._core.db.in_one_trip(write)
        # Nothing else changed the item in this write: only its count moved, by one.
        updated = item.model_copy(update={"upvotes": item.upvotes + (1 if counted else -1)})
        shown = self._shared.post_card(community, updated)
        return Outcome(item=updated, shown=shown, counted=counted)

    async def report(self, actor: Actor, ref: str, reason: str | None) -> None:
        """Send a report to the moderators, then record it (once per member and item).

        The reason goes to the moderation channel, or to the facilitators in the
        announcements channel; the reporter is never named.
        """
        community = await self._shared.community.require(actor.guild_id)
        anon = self._shared.anon
        anon.check_ready()
        text = clean(reason, "reason", REASON_MAX, required=True, multiline=True)
        reporter = anon.tag("report", actor.guild_id, actor.user_id, ref)
        async with self._core.db.read() as conn:
            item = await self._shared.posted(conn, actor.guild_id, ref)
            if await questions_db.has_report(conn, item.id, reporter):
                raise UserError("questions.errors.already_reported")
        if community.moderation_channel_id is not None:
            channel_id, role_id = community.moderation_channel_id, None
        elif community.announcements_channel_id is not None:
            channel_id, role_id = community.announcements_channel_id, community.facilitator_role_id
        else:
            raise UserError("questions.errors.no_moderators")
        card = ReportPost(
            language=self._shared.public_language(community),
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
            item = await self._shared.posted(conn, actor.guild_id, ref)
            await questions_db.add_report(conn, item.id, reporter, self._core.clock.now())
