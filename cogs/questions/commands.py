"""``/ask``, ``/topic propose``, ``/questions top`` and the timers that post and purge."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.db.timers import Timer
from bot.scheduler import Firing, RetryLater, nonce_for
from bot.services.community import CommunityService
from bot.services.questions import PostPlan, QuestionService
from cogs.delivery import post
from cogs.questions.modals import AskModal, TopicModal
from cogs.questions.views import (
    NO_MENTIONS,
    public_embed,
    public_view,
    review_embed,
    review_view,
    top_embed,
)
from cogs.toolkit import plc_bot, reply, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: answers come over days
THREAD_ALREADY_EXISTS = 160004
TOP_LIMIT = 10


class Questions(commands.Cog):
    def __init__(self, bot: PlcBot, service: QuestionService) -> None:
        self.bot = bot
        self.questions = service

    # -- commands ----------------------------------------------------------------------

    @app_commands.command(name=_("ask"), description=_("Ask the community a question anonymously"))
    @app_commands.guild_only()
    async def ask(self, interaction: discord.Interaction) -> None:
        # Deliberately no logging here: the invoker of /ask must never reach a log (G4).
        await self.questions.check_open(interaction.guild_id, interaction.user.id)
        await interaction.response.send_modal(AskModal(interaction))

    topic = app_commands.Group(
        name=_("topic"), description=_("Topics for coming meetings"), guild_only=True
    )

    @topic.command(name=_("propose"), description=_("Propose a topic for a coming meeting"))
    async def propose(self, interaction: discord.Interaction) -> None:
        await self.questions.check_open(interaction.guild_id)
        await interaction.response.send_modal(TopicModal(interaction))

    questions_group = app_commands.Group(
        name=_("questions"),
        description=_("Anonymous questions and proposed topics"),
        guild_only=True,
    )

    @questions_group.command(
        name=_("top"), description=_("The most upvoted open questions and topics")
    )
    @app_commands.describe(
        public=_("Post the list in the channel for everyone (default: only you see it)")
    )
    async def top(self, interaction: discord.Interaction, public: bool = False) -> None:
        assert interaction.guild_id is not None
        items = await self.questions.top_open(interaction.guild_id, TOP_LIMIT)
        counts = await self.questions.moderation_counts(interaction.guild_id)
        if public:
            community = await self.bot.services.get(CommunityService).require(interaction.guild_id)
            language: str = community.language
        else:
            language = user_language(interaction)
        catalog = plc_bot(interaction).catalog
        footer = catalog.t(language, "questions.top.footer", **counts.model_dump())
        embed = top_embed(catalog, language, interaction.guild_id, items, footer)
        await reply(interaction, embed=embed, ephemeral=not public, allowed_mentions=NO_MENTIONS)

    # -- the question_post timer ---------------------------------------------------------

    async def on_post_timer(self, timer: Timer, firing: Firing) -> None:
        """Post to review or to the questions channel, then open the answers thread.

        No "sent late" note here, unlike other timers: it would date the submission.
        """
        ref = str(timer.payload.get("ref", ""))
        plan = await self.questions.plan_post(ref)
        if plan is not None and plan.stage == "review":
            await self._post_review(plan, firing)
            return
        if plan is not None and plan.stage == "public":
            await self._post_public(plan, firing)
            plan = await self.questions.plan_post(ref)
        if plan is not None and plan.stage == "thread":
            await self._open_thread(plan)

    async def _post_review(self, plan: PostPlan, firing: Firing) -> None:
        item = plan.item
        community = await self.bot.services.get(CommunityService).get(item.guild_id)
        questions_channel = community.questions_channel_id if community else None
        message = await post(
            self.bot,
            item.guild_id,
            plan.channel_id,
            nonce=firing.nonce(f"review:{plan.channel_id}"),
            embed=review_embed(self.bot.catalog, plan.language, item, questions_channel),
            view=review_view(self.bot.catalog, plan.language, item),
            allowed_mentions=NO_MENTIONS,
        )
        if message is None:
            raise RetryLater("the moderation channel cannot be reached")
        await self.questions.record_review_posted(item.id, plan.channel_id, message.id)

    async def _post_public(self, plan: PostPlan, firing: Firing) -> None:
        item = plan.item
        message = await post(
            self.bot,
            item.guild_id,
            plan.channel_id,
            nonce=firing.nonce(f"public:{plan.channel_id}"),
            embed=public_embed(self.bot.catalog, plan.language, item),
            view=public_view(
                self.bot.catalog,
                plan.language,
                item.model_copy(update={"status": "posted"}),
            ),
            allowed_mentions=NO_MENTIONS,
        )
        if message is None:
            raise RetryLater("the questions channel cannot be reached")
        await self.questions.record_posted(item.id, plan.channel_id, message.id)
        log.info("guild %s: %s #%s posted", item.guild_id, item.kind, item.number)

    async def _open_thread(self, plan: PostPlan) -> None:
        item = plan.item
        assert item.message_id is not None
        channel = self.bot.get_channel(plan.channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        name = self.bot.catalog.t(
            plan.language, f"questions.post.thread_{item.kind}", number=item.number
        )
        try:
            thread = await channel.get_partial_message(item.message_id).create_thread(
                name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.Forbidden as exc:
            # The question is up; members can still reply in the channel.
            log.warning("guild %s: cannot open a thread for answers (%s)", item.guild_id, exc.code)
            return
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_EXISTS:  # a thread started from a message shares its id
                await self.questions.record_thread(item.id, item.message_id)
                return
            if exc.status >= 500:
                raise RetryLater(f"Discord {exc.status}") from exc
            raise
        await self.questions.record_thread(item.id, thread.id)

    async def on_post_missed(self, timer: Timer) -> None:
        """Tell the moderators (or facilitators) that a post never went out."""
        ref = str(timer.payload.get("ref", ""))
        item = await self.questions.post_failed(ref)
        if item is None:
            return
        community = await self.bot.services.get(CommunityService).get(item.guild_id)
        if community is None:
            return
        text = self.bot.catalog.t(community.language, "questions.post.failed")
        for channel_id in (community.moderation_channel_id, community.announcements_channel_id):
            if channel_id is None:
                continue
            sent = await post(
                self.bot,
                item.guild_id,
                channel_id,
                nonce=nonce_for("question_failed", ref, channel_id),
                content=text,
                allowed_mentions=NO_MENTIONS,
            )
            if sent is not None:
                return

    # -- the daily retention purge ------------------------------------------------------

    async def on_retention(self, timer: Timer, firing: Firing) -> None:
        await self.questions.purge(timer.guild_id)

    async def on_retention_missed(self, timer: Timer) -> None:
        # A purge is never too late to be useful: run it, and the next one is planned.
        await self.questions.purge(timer.guild_id)
