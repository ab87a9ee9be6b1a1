"""What a member is answered: the top list, the receipt of a submission, the moderation
panel. Private answers speak the member's language; the top list posted for everyone
speaks the community's."""

from __future__ import annotations

from typing import Literal

from bot.chat import Button, Card, ChannelRef, Join, Message, Panel, Text, text
from bot.chat.layout import Row
from bot.chat.text import Content
from bot.db.questions import ModerationCounts, QuestionItem
from bot.services.questions import ids
from bot.services.questions.cards import (
    block_button,
    blockable,
    link,
    number,
    remove_button,
    unblock_button,
    what,
)
from bot.services.questions.models import Outcome, Submission

TOP_LINE_CHARS = 90
"""A line of the top list shows the start of the text; the post holds all of it."""


class TopList(Card):
    """``/questions top``: the most upvoted open items and the public moderation log."""

    guild_id: int
    items: list[QuestionItem]
    counts: ModerationCounts

    def layout(self) -> Message:
        lines = tuple(
            text(
                f"questions.top.line_{item.kind}",
                votes=item.upvotes,
                number=item.number,
                link=link(item),
                text=_glimpse(item.text),
            )
            for item in self.items
        )
        panel = Panel(
            title=text("questions.top.title"),
            description=Join(parts=lines) if lines else text("questions.top.empty"),
            footer=text("questions.top.footer", **self.counts.model_dump()),
            tone="info",
        )
        return Message(panels=(panel,))


def _glimpse(text: str) -> str:
    """The start of a member's text on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TOP_LINE_CHARS else flat[: TOP_LINE_CHARS - 1] + "…"


def receipt(submission: Submission) -> Text:
    """What the author alone is told: posted (with the link), in review, delayed or waiting."""
    item = submission.item
    section: Literal["ask", "topic"] = "ask" if item.kind == "question" else "topic"
    channel = ChannelRef(channel_id=submission.questions_channel_id)
    if item.status == "posted":
        return text(f"questions.{section}.posted", number=item.number, link=link(item))
    if item.status == "review":
        return text(f"questions.{section}.in_review", channel=channel)
    if submission.delayed:
        delayed = "delayed_review" if submission.moderated else "delayed"
        return text(
            f"questions.{section}.{delayed}", channel=channel, minutes=submission.delay_max_minutes
        )
    return text(f"questions.{section}.pending", channel=channel)


ModerationResult = Literal["answered", "removed", "blocked", "unblocked"]


def result(outcome: Outcome, done: ModerationResult) -> Content:
    """What a moderator's click did, in a few words; a block says how to undo it."""
    item = outcome.item
    if done == "answered":
        return text(
            "questions.mod.answered" if item.kind == "question" else "questions.mod.discussed"
        )
    if done == "blocked":
        said = "blocked" if outcome.newly_blocked else "already_blocked"
        undo = text(f"questions.mod.undo_{item.kind}", number=number(item))
        return Join(parts=(text(f"questions.mod.{said}", what=what(item)), undo), sep=" ")
    return text(f"questions.mod.{done}", what=what(item))


def moderation_panel(item: QuestionItem, said: Content | None = None) -> Message:
    """A facilitator's private panel: Answered (or Discussed), Remove, Block author (or,
    its author blocked through it, Unblock author), with what was just done (``said``) or
    what it is about."""
    return Message(
        content=said if said is not None else text("questions.mod.panel", what=what(item)),
        rows=_panel_buttons(item),
    )


def _panel_buttons(item: QuestionItem) -> tuple[Row, ...]:
    buttons = []
    if item.status == "posted":
        closed = item.answered_at is not None or item.discussed_at is not None
        done = "mark_answered" if item.kind == "question" else "mark_discussed"
        buttons += [
            Button(
                action=ids.PANEL_DONE.build(ref=item.ref),
                label=text(f"questions.post.{done}"),
                style="success",
                disabled=closed,
            ),
            remove_button(ids.PANEL_REMOVE.build(ref=item.ref)),
        ]
    if item.author_blocked:
        buttons.append(unblock_button(ids.PANEL_UNBLOCK.build(ref=item.ref)))
    elif blockable(item, already_blocked=False):
        # Offered while the link to the author exists; blocking twice says it was done.
        buttons.append(block_button(ids.PANEL_BLOCK.build(ref=item.ref)))
    return (tuple(buttons),) if buttons else ()
