"""What the questions repositories return: frozen models, never who wrote anything anonymous."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, NamedTuple

from bot.frozen import Frozen

Kind = Literal["question", "topic"]
Status = Literal["queued", "review", "approved", "posted", "rejected", "removed", "failed"]
Review = Literal["approved", "rejected"]
Tagged = Literal["upvote", "report"]


class QuestionItem(Frozen):
    """A question or a topic, as anyone may see it: never who wrote it (unless signed)."""

    id: int
    guild_id: int
    ref: str
    kind: Kind
    number: int | None
    text: str
    details: str
    proposer_id: int | None
    status: Status
    reviewed: Review | None
    review_channel_id: int | None
    review_message_id: int | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    answered_at: datetime | None
    discussed_at: datetime | None
    session_ref: str | None
    posted_at: datetime | None
    upvotes: int
    blockable: bool
    """Its author can still be blocked (an anonymous item whose handle is not erased)."""
    author_blocked: bool = False
    """Its author is blocked through it (a block taken from this very item)."""

    @property
    def anonymous(self) -> bool:
        return self.proposer_id is None

    @property
    def is_open(self) -> bool:
        return self.status == "posted" and self.answered_at is None and self.discussed_at is None


class AuthorHandle(Frozen):
    """The keyed link of one item to its author; only the secret makes it useful."""

    nonce: bytes
    handle: bytes


class RateRow(Frozen):
    """One earlier submission, tagged for its (unknown) author."""

    nonce: bytes
    tag: bytes
    at: datetime


class ModerationCounts(Frozen):
    approved: int
    rejected: int
    removed: int
    blocked: int


class OpenCounts(NamedTuple):
    """What waits for an answer, for ``/plc status``: only shown, so a plain tuple."""

    questions: int
    topics: int
    in_review: int


class TaggedRow(Frozen):
    """A keyed tag of a member on one item (an upvote or a report)."""

    question_id: int
    ref: str
    kind: Kind
    number: int | None
    tag: bytes
