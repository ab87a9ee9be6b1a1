"""``/ask``, ``/topic propose``, ``/questions top|moderate|unblock``, *Apps › Moderate*, and every
button and form of questions and topics.

Nothing here logs or echoes who submitted: the actor goes to the service, which keeps
only keyed hashes of it, and every answer to an author is private.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Literal

from bot.actor import Actor
from bot.chat import Posted, text
from bot.db.questions import Kind
from bot.errors import UserError
from bot.interactions import UI, Interaction
from bot.interactions.commands import Option
from bot.interactions.interface import (
    CommandGroup,
    Interface,
    click,
    command,
    form,
    message_command,
)
from bot.interactions.routes import ClickHandler, CustomId, Params
from bot.services.questions import ids
from bot.services.questions.forms import ask_form, report_form, topic_form
from bot.services.questions.models import Outcome
from bot.services.questions.replies import ModerationResult, moderation_panel, receipt, result
from bot.services.questions.service import QuestionService

TOP_LIMIT = 10
Answer = Literal["panel", "privately"]
Acting = Callable[[Actor, str], Awaitable[Outcome]]
"""A service call on the item a button names (by its ref)."""


def _shown_in_place(act: Acting) -> ClickHandler:
    async def handler(ctx: Interaction, params: Params) -> None:
        outcome = await act(ctx.actor(), params["ref"])
        await ctx.update(outcome.shown)

    return handler


# The item a facilitator's command is about, by its "#N".
NUMBER = Option(
    "number",
    "The number in its title: 3 for “Anonymous question #3”",
    kind="integer",
    required=True,
    min_value=1,
)
KIND = Option(
    "kind",
    "A question or a topic (default: a question)",
    choices=(("question", "Question"), ("topic", "Topic")),
)

TOPIC = CommandGroup("topic", "Topics for coming meetings")
QUESTIONS = CommandGroup("questions", "Anonymous questions and proposed topics")


class QuestionsInterface(Interface):
    def __init__(self, questions: QuestionService) -> None:
        self.questions = questions

    def declare(self, ui: UI) -> None:
        super().declare(ui)
        moderation = self.questions.moderation
        # Buttons that act on the item they name and show what it became in place.
        in_place: tuple[tuple[CustomId, Acting], ...] = (
            (ids.UPVOTE, self.questions.participation.toggle_upvote),
            (ids.REJECT, moderation.reject),
            (ids.REJECT_AND_BLOCK, partial(moderation.reject, block_author=True)),
            (ids.REVIEW_REMOVE, partial(moderation.remove, clicked="review")),
            (ids.REVIEW_BLOCK, partial(moderation.block_author, clicked="review")),
            (ids.REVIEW_UNBLOCK, partial(moderation.unblock_author, clicked="review")),
        )
        for action, act in in_place:
            ui.routes.click(action, _shown_in_place(act))
        # The moderation buttons off the review message: one handler per (result, answer).
        moderating: tuple[tuple[CustomId, ModerationResult, Answer], ...] = (
            (ids.PANEL_DONE, "answered", "panel"),
            (ids.PANEL_REMOVE, "removed", "panel"),
            (ids.PANEL_BLOCK, "blocked", "panel"),
            (ids.PANEL_UNBLOCK, "unblocked", "panel"),
            (ids.POST_DONE, "answered", "privately"),
            (ids.POST_REMOVE, "removed", "privately"),
            (ids.POST_BLOCK, "blocked", "privately"),
        )
        for action, done, answer in moderating:
            ui.routes.click(action, self._moderating(done, answer))
        # Any other action id of the feature: last, since routes are tried in order.
        ui.routes.click(ids.EXPIRED, self.expired)

    # -- commands -------------------------------------------------------------------------

    @command(
        "ask",
        "Ask the community a question anonymously",
        fills=("question", "topic"),
        anonymous=True,
        form=ask_form,
    )
    async def ask(self, ctx: Interaction) -> None:
        # Deliberately no logging here: who opens /ask must never reach a log.
        await self.questions.submissions.check_open(ctx.actor(), "question")
        await ctx.open_form(ask_form())

    @TOPIC.command(
        "propose",
        "Propose a topic for a coming meeting",
        fills=("title", "details", "anonymous"),
        anonymous=True,
        form=topic_form,
    )
    async def propose(self, ctx: Interaction) -> None:
        await self.questions.submissions.check_open(ctx.actor(), "topic")
        await ctx.open_form(topic_form())

    @QUESTIONS.command(
        "top",
        "The most upvoted open questions and topics",
        Option(
            "public",
            "Post the list in the channel for everyone (default: only you see it)",
            kind="boolean",
        ),
    )
    async def top(self, ctx: Interaction, public: bool = False) -> None:
        """The list, to the member alone; ``public``, posted for everyone where the command
        was typed, which must be a channel (not a private chat)."""
        if public and ctx.channel_id is None:
            raise UserError("questions.errors.public_needs_channel")
        top = await self.questions.records.top(ctx.actor(), public=public, limit=TOP_LIMIT)
        await ctx.reply(top, private=not public)

    @QUESTIONS.command(
        "moderate",
        "Moderate a question or topic by its number (facilitators)",
        NUMBER,
        KIND,
        access="facilitator",
    )
    async def moderate(self, ctx: Interaction, number: int, kind: Kind = "question") -> None:
        item = await self.questions.moderation.item_numbered(ctx.actor(), number, kind)
        await ctx.reply(moderation_panel(item))

    @QUESTIONS.command(
        "unblock",
        "Let the author of a question or topic you blocked post anonymously again (facilitators)",
        NUMBER,
        KIND,
        access="facilitator",
    )
    async def unblock(self, ctx: Interaction, number: int, kind: Kind = "question") -> None:
        item = await self.questions.moderation.item_numbered(ctx.actor(), number, kind)
        outcome = await self.questions.moderation.unblock_author(ctx.actor(), item.ref)
        await ctx.reply(moderation_panel(outcome.item, result(outcome, "unblocked")))

    # Hidden from members by the platform; the facilitator check still runs.
    @message_command("Moderate", access="facilitator", hidden_unless="manage_messages")
    async def moderate_post(self, ctx: Interaction, posted: Posted) -> None:
        item = await self.questions.moderation.item_posted_as(ctx.actor(), posted.message_id)
        await ctx.reply(moderation_panel(item))

    # -- the public post --------------------------------------------------------------------

    @click(ids.REPORT)
    async def open_report(self, ctx: Interaction, params: Params) -> None:
        await self.questions.records.get(ctx.actor().guild_id, params["ref"])
        await ctx.open_form(report_form(params["ref"]))

    @click(ids.REPORTED)
    async def moderate_reported(self, ctx: Interaction, params: Params) -> None:
        item = await self.questions.moderation.item_reported(ctx.actor(), params["ref"])
        await ctx.reply(moderation_panel(item))

    # -- the review message -----------------------------------------------------------------

    @click(ids.APPROVE)
    async def approve(self, ctx: Interaction, params: Params) -> None:
        outcome = await self.questions.moderation.approve(ctx.actor(), params["ref"])
        await ctx.update(outcome.shown)
        # The click is answered; now the post, rather than at the scheduler's next wake-up.
        await self.questions.posting.post_approved(params["ref"])

    # -- the private panel, and the buttons older public posts still carry -----------------

    def _moderating(self, done: ModerationResult, answer: Answer) -> ClickHandler:
        """A moderation button off the review message: the panel shows what it did, or
        (an older public post's button) the moderator is told privately."""

        async def handler(ctx: Interaction, params: Params) -> None:
            outcome = await self._moderate(ctx, params["ref"], done)
            said = result(outcome, done)
            if answer == "panel":
                await ctx.update(moderation_panel(outcome.item, said))
            else:
                await ctx.reply(said)

        return handler

    async def _moderate(self, ctx: Interaction, ref: str, done: ModerationResult) -> Outcome:
        moderation = self.questions.moderation
        if done == "answered":
            return await moderation.mark_answered(ctx.actor(), ref)
        if done == "removed":
            return await moderation.remove(ctx.actor(), ref)
        if done == "unblocked":
            return await moderation.unblock_author(ctx.actor(), ref)
        return await moderation.block_author(ctx.actor(), ref)

    async def expired(self, ctx: Interaction, params: Params) -> None:
        raise UserError("errors.expired")

    # -- forms ----------------------------------------------------------------------------

    @form(ids.ASK_FORM)
    async def submit_question(self, ctx: Interaction, params: Params, values: Params) -> None:
        await ctx.defer()
        submission = await self.questions.submissions.ask(
            ctx.actor(), values.get("question"), values.get("topic")
        )
        await ctx.reply(receipt(submission))

    @form(ids.TOPIC_FORM)
    async def submit_topic(self, ctx: Interaction, params: Params, values: Params) -> None:
        await ctx.defer()
        submission = await self.questions.submissions.propose_topic(
            ctx.actor(),
            values.get("title"),
            values.get("details"),
            # Anonymous unless the member explicitly chose to show their name.
            anonymous=values.get("anonymous") != "no",
        )
        await ctx.reply(receipt(submission))

    @form(ids.REPORT_FORM)
    async def send_report(self, ctx: Interaction, params: Params, values: Params) -> None:
        await ctx.defer()
        await self.questions.participation.report(ctx.actor(), params["ref"], values.get("reason"))
        await ctx.reply(text("questions.report.sent"))
