"""The modals of ``/ask``, ``/topic propose`` and *Report*.

Nothing here logs or echoes who submitted: the member's id goes to the service,
which keeps only keyed hashes of it; every answer to the author is ephemeral (A1).
"""

from __future__ import annotations

import math

import discord

from bot.db.communities import Community
from bot.errors import UserError
from bot.scheduler import RetryLater, nonce_for
from bot.services.community import CommunityService
from bot.services.questions import (
    QUESTION_MAX,
    QUESTION_TOPIC_MAX,
    REASON_MAX,
    TOPIC_DETAILS_MAX,
    TOPIC_TITLE_MAX,
    QuestionService,
    Submission,
)
from bot.text import inert_markdown
from cogs.delivery import post
from cogs.questions.views import NO_MENTIONS, message_link, what
from cogs.toolkit import PlcModal, plc_bot, reply, t

# What the bot needs in a channel to post a question there.
_POST_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


def ensure_writable(interaction: discord.Interaction, community: Community) -> None:
    """Refuse before anything is stored if the bot cannot post where the item must go."""
    guild = interaction.guild
    if guild is None or guild.me is None:
        return  # nothing cached to check against; a refusal at posting time is handled
    for channel_id in (community.questions_channel_id, community.moderation_channel_id):
        if channel_id is None:
            continue
        channel = guild.get_channel(channel_id)
        allowed = channel.permissions_for(guild.me) if channel is not None else None
        if allowed is None or not all(getattr(allowed, name) for name in _POST_PERMISSIONS):
            raise UserError("questions.errors.channel_unwritable", channel=f"<#{channel_id}>")


async def _submitted(
    interaction: discord.Interaction, community: Community, submission: Submission
) -> None:
    """Post at once when there is no delay (same timer path), then tell the author."""
    bot = plc_bot(interaction)
    service = bot.services.get(QuestionService)
    if not submission.delayed:
        await bot.core.scheduler.run_due()
    item = await service.get(community.guild_id, submission.item.ref)
    prefix = f"questions.{'ask' if item.kind == 'question' else 'topic'}"
    channel = f"<#{community.questions_channel_id}>"
    if item.status == "posted":
        link = message_link(community.guild_id, item.channel_id, item.message_id)
        text = t(interaction, f"{prefix}.posted", number=item.number, link=link)
    elif item.status == "review":
        text = t(interaction, f"{prefix}.in_review", channel=channel)
    elif submission.delayed:
        minutes = math.ceil(bot.core.settings.privacy.post_delay_max_seconds / 60)
        key = "delayed_review" if submission.moderated else "delayed"
        text = t(interaction, f"{prefix}.{key}", channel=channel, minutes=minutes)
    else:
        text = t(interaction, f"{prefix}.pending", channel=channel)
    await reply(interaction, text, allowed_mentions=NO_MENTIONS)


async def _community(interaction: discord.Interaction) -> Community:
    return await plc_bot(interaction).services.get(CommunityService).require(interaction.guild_id)


class AskModal(PlcModal):
    """``/ask``: the question and an optional topic."""

    def __init__(self, interaction: discord.Interaction) -> None:
        super().__init__(title=t(interaction, "questions.ask.modal_title"), custom_id="plcq:ask")
        self.question: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
            label=t(interaction, "questions.ask.question_label"),
            placeholder=t(interaction, "questions.ask.question_placeholder"),
            style=discord.TextStyle.paragraph,
            max_length=QUESTION_MAX,
            custom_id="question",
        )
        self.topic: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
            label=t(interaction, "questions.ask.topic_label"),
            placeholder=t(interaction, "questions.ask.topic_placeholder"),
            required=False,
            max_length=QUESTION_TOPIC_MAX,
            custom_id="topic",
        )
        self.add_item(self.question)
        self.add_item(self.topic)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        community = await _community(interaction)
        ensure_writable(interaction, community)
        submission = (
            await plc_bot(interaction)
            .services.get(QuestionService)
            .ask(community.guild_id, interaction.user.id, self.question.value, self.topic.value)
        )
        await _submitted(interaction, community, submission)


class TopicModal(PlcModal):
    """``/topic propose``: title, details, and whether to sign it."""

    def __init__(self, interaction: discord.Interaction) -> None:
        super().__init__(
            title=t(interaction, "questions.topic.modal_title"), custom_id="plcq:topic"
        )
        self.title_input: discord.ui.TextInput[TopicModal] = discord.ui.TextInput(
            label=t(interaction, "questions.topic.title_label"),
            placeholder=t(interaction, "questions.topic.title_placeholder"),
            max_length=TOPIC_TITLE_MAX,
            custom_id="title",
        )
        self.details: discord.ui.TextInput[TopicModal] = discord.ui.TextInput(
            label=t(interaction, "questions.topic.details_label"),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=TOPIC_DETAILS_MAX,
            custom_id="details",
        )
        self.anonymity: discord.ui.Select[TopicModal] = discord.ui.Select(
            custom_id="anonymous",
            options=[
                discord.SelectOption(
                    label=t(interaction, "questions.topic.anonymous_yes"), value="yes", default=True
                ),
                discord.SelectOption(
                    label=t(interaction, "questions.topic.anonymous_no"), value="no"
                ),
            ],
            min_values=1,
            max_values=1,
        )
        self.add_item(self.title_input)
        self.add_item(self.details)
        self.add_item(
            discord.ui.Label(
                text=t(interaction, "questions.topic.anonymous_label"), component=self.anonymity
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        community = await _community(interaction)
        ensure_writable(interaction, community)
        # Anonymous unless the member explicitly chose to show their name.
        anonymous = self.anonymity.values != ["no"]
        submission = (
            await plc_bot(interaction)
            .services.get(QuestionService)
            .propose_topic(
                community.guild_id,
                interaction.user.id,
                self.title_input.value,
                self.details.value,
                anonymous=anonymous,
            )
        )
        await _submitted(interaction, community, submission)


class ReportModal(PlcModal):
    """*Report*: the reason goes to the moderators; the reporter is not named (A8)."""

    def __init__(self, interaction: discord.Interaction, ref: str) -> None:
        super().__init__(
            title=t(interaction, "questions.report.modal_title"), custom_id=f"plcq:report:{ref}"
        )
        self.ref = ref
        self.reason: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
            label=t(interaction, "questions.report.reason_label"),
            placeholder=t(interaction, "questions.report.reason_placeholder"),
            style=discord.TextStyle.paragraph,
            max_length=REASON_MAX,
            custom_id="reason",
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.guild_id is not None
        bot = plc_bot(interaction)
        service = bot.services.get(QuestionService)
        plan = await service.prepare_report(
            interaction.guild_id, self.ref, interaction.user.id, self.reason.value
        )
        item = plan.item
        params = {
            "what": what(bot.catalog, plan.language, item),
            "link": message_link(interaction.guild_id, item.channel_id, item.message_id),
        }
        if plan.mention_role_id is not None:
            header = bot.catalog.t(
                plan.language,
                "questions.report.post_for_facilitators",
                role=f"<@&{plan.mention_role_id}>",
                **params,
            )
            mentions = discord.AllowedMentions(
                everyone=False, users=False, roles=[discord.Object(plan.mention_role_id)]
            )
        else:
            header = bot.catalog.t(plan.language, "questions.report.post", **params)
            mentions = NO_MENTIONS
        try:
            sent = await post(
                bot,
                interaction.guild_id,
                plan.channel_id,
                nonce=nonce_for("question_report", self.ref, plan.nonce_seed),
                content=f"{header}\n>>> {inert_markdown(plan.reason)}",
                allowed_mentions=mentions,
            )
        except RetryLater:
            sent = None
        if sent is None:
            raise UserError("questions.errors.report_undeliverable")
        await service.record_report(interaction.guild_id, self.ref, interaction.user.id)
        await reply(interaction, t(interaction, "questions.report.sent"))
