"""``/ask``, ``/topic propose``, ``/questions top`` and their restart-proof forms.

Nothing here logs or echoes who submitted: the actor goes to the service, which keeps
only keyed hashes of it; every answer to the author is ephemeral (RELIABILITY A1, G4).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.services.questions import (
    QUESTION_MAX,
    QUESTION_TOPIC_MAX,
    REASON_MAX,
    TOPIC_DETAILS_MAX,
    TOPIC_TITLE_MAX,
    CanPost,
    QuestionService,
)
from cogs.questions.render import submission_reply, top_embed
from cogs.toolkit import Choice, Field, Form, actor, command_group, plc_bot, reply, t, user_language

TOP_LIMIT = 10
ASK_FORM = "plcq:ask"
TOPIC_FORM = "plcq:topic"
SUBMIT_ROUTE = r"plcq:(?P<form>ask|topic)"
REPORT_FORM = "plcq:report:{ref}"
REPORT_ROUTE = r"plcq:report:(?P<ref>[0-9a-f]{16})"
# What the bot needs in a channel to post a question there.
_POST_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


def service(interaction: discord.Interaction) -> QuestionService:
    return plc_bot(interaction).services.get(QuestionService)


class Questions(commands.Cog):
    def __init__(self, questions: QuestionService) -> None:
        self.questions = questions

    @app_commands.command(name=_("ask"), description=_("Ask the community a question anonymously"))
    @app_commands.guild_only()
    async def ask(self, interaction: discord.Interaction) -> None:
        # Deliberately no logging here: the invoker of /ask must never reach a log (G4).
        await self.questions.check_open(actor(interaction), "question")
        await ask_form(interaction).open(interaction)

    topic = command_group("topic", "Topics for coming meetings")

    @topic.command(name=_("propose"), description=_("Propose a topic for a coming meeting"))
    async def propose(self, interaction: discord.Interaction) -> None:
        await self.questions.check_open(actor(interaction), "topic")
        await topic_form(interaction).open(interaction)

    questions_group = command_group("questions", "Anonymous questions and proposed topics")

    @questions_group.command(
        name=_("top"), description=_("The most upvoted open questions and topics")
    )
    @app_commands.describe(
        public=_("Post the list in the channel for everyone (default: only you see it)")
    )
    async def top(self, interaction: discord.Interaction, public: bool = False) -> None:
        top = await self.questions.top(actor(interaction), public=public, limit=TOP_LIMIT)
        embed = top_embed(plc_bot(interaction).catalog, top)
        await reply(interaction, embed=embed, ephemeral=not public)


# -- forms -----------------------------------------------------------------------------------


def _text(
    interaction: discord.Interaction,
    field_id: str,
    label_key: str,
    placeholder_key: str | None = None,
    **options: Any,
) -> Field:
    """A text input, labelled in the member's language."""
    placeholder = t(interaction, placeholder_key) if placeholder_key else None
    return Field(id=field_id, label=t(interaction, label_key), placeholder=placeholder, **options)


def ask_form(interaction: discord.Interaction) -> Form:
    """``/ask``: the question and an optional topic."""
    return Form(
        custom_id=ASK_FORM,
        title=t(interaction, "questions.ask.modal_title"),
        fields=[
            _text(
                interaction,
                "question",
                "questions.ask.question_label",
                "questions.ask.question_placeholder",
                style="paragraph",
                max_length=QUESTION_MAX,
            ),
            _text(
                interaction,
                "topic",
                "questions.ask.topic_label",
                "questions.ask.topic_placeholder",
                required=False,
                max_length=QUESTION_TOPIC_MAX,
            ),
        ],
    )


def topic_form(interaction: discord.Interaction) -> Form:
    """``/topic propose``: title, details, and whether to sign it."""
    return Form(
        custom_id=TOPIC_FORM,
        title=t(interaction, "questions.topic.modal_title"),
        fields=[
            _text(
                interaction,
                "title",
                "questions.topic.title_label",
                "questions.topic.title_placeholder",
                max_length=TOPIC_TITLE_MAX,
            ),
            _text(
                interaction,
                "details",
                "questions.topic.details_label",
                style="paragraph",
                required=False,
                max_length=TOPIC_DETAILS_MAX,
            ),
            Choice(
                id="anonymous",
                label=t(interaction, "questions.topic.anonymous_label"),
                options=[
                    ("yes", t(interaction, "questions.topic.anonymous_yes")),
                    ("no", t(interaction, "questions.topic.anonymous_no")),
                ],
                default="yes",
            ),
        ],
    )


def report_form(interaction: discord.Interaction, ref: str) -> Form:
    """*Report*: the reason goes to the moderators; the reporter is not named (A8)."""
    return Form(
        custom_id=REPORT_FORM.format(ref=ref),
        title=t(interaction, "questions.report.modal_title"),
        fields=[
            _text(
                interaction,
                "reason",
                "questions.report.reason_label",
                "questions.report.reason_placeholder",
                style="paragraph",
                max_length=REASON_MAX,
            )
        ],
    )


def bot_can_post(interaction: discord.Interaction) -> CanPost | None:
    """What Discord's cache says about the bot's rights in a channel (None: nothing cached)."""
    guild = interaction.guild
    if guild is None or guild.me is None:
        return None  # a refusal at posting time is handled
    me = guild.me

    def can_post(channel_id: int) -> bool:
        channel = guild.get_channel(channel_id)
        if channel is None:
            return False
        allowed = channel.permissions_for(me)
        return all(getattr(allowed, name) for name in _POST_PERMISSIONS)

    return can_post


async def on_submit(
    interaction: discord.Interaction, params: dict[str, str], values: dict[str, str]
) -> None:
    """The ``/ask`` and ``/topic propose`` forms; the author alone sees the answer."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    questions, member = service(interaction), actor(interaction)
    can_post = bot_can_post(interaction)
    if params["form"] == "ask":
        submission = await questions.ask(
            member, values.get("question"), values.get("topic"), can_post=can_post
        )
    else:
        submission = await questions.propose_topic(
            member,
            values.get("title"),
            values.get("details"),
            # Anonymous unless the member explicitly chose to show their name.
            anonymous=values.get("anonymous") != "no",
            can_post=can_post,
        )
    catalog = plc_bot(interaction).catalog
    await reply(interaction, submission_reply(catalog, user_language(interaction), submission))


async def on_report(
    interaction: discord.Interaction, params: dict[str, str], values: dict[str, str]
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await service(interaction).report(actor(interaction), params["ref"], values.get("reason"))
    await reply(interaction, t(interaction, "questions.report.sent"))
