"""Limits and results of anonymous questions and topics (no rule lives here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from bot.db.questions import QuestionItem
from bot.errors import UserError
from bot.frozen import Frozen
from bot.services.questions.cards import QuestionPost, ReviewPost
from bot.text import clean_text

POST_KIND = "question_post"
RETENTION_KIND = "questions_retention"
"""Retired: the daily per-community purge is now a rule of the one retention path."""
RETENTION_RULE = "anonymous-question handles over 14 days, rate rows, reports"
"""Its name in ``RetentionService`` (and in the purge's log line)."""
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)
HANDLE_KEPT = timedelta(days=14)
REPORTS_KEPT = timedelta(days=14)
QUESTION_MAX = 1500
QUESTION_TOPIC_MAX = 100
TOPIC_TITLE_MAX = 100
TOPIC_DETAILS_MAX = 1000
REASON_MAX = 500
TOP_MAX = 25
REF_BYTES = 8

Field = Literal["question", "topic", "title", "details", "reason"]
Clicked = Literal["review", "elsewhere"]
"""Where a moderator clicked: the item's review message (answered by showing it anew),
or elsewhere (a private panel, an old public post), and then the bot updates it."""


def post_key(ref: str, stage: Literal["first", "approved"]) -> str:
    """The ``question_post`` timer of an item: at submission, then once approved."""
    return f"question:{ref}" if stage == "first" else f"question:{ref}:approved"


def redraws_of(ref: str) -> str:
    """The start of the outbox keys that redraw an item's messages after a moderation."""
    return f"question:{ref}:"


class Submission(Frozen):
    """What the author is told (privately): when it goes out, and where."""

    item: QuestionItem
    due_at: datetime
    delayed: bool
    moderated: bool
    questions_channel_id: int
    delay_max_minutes: int


class Outcome(Frozen):
    """What a click on an item changed, and how the message clicked on looks now."""

    item: QuestionItem
    shown: QuestionPost | ReviewPost
    counted: bool = False
    """An upvote: the member's vote is now counted (False: taken back)."""
    newly_blocked: bool = False
    """A block: this author was not blocked before."""
    unblocked: bool = False
    """An unblock: the block taken from this item was lifted."""


class RetentionResult(Frozen):
    handles_erased: int
    rate_rows_deleted: int
    reports_deleted: int

    @property
    def total(self) -> int:
        return self.handles_erased + self.rate_rows_deleted + self.reports_deleted


def clean(
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
