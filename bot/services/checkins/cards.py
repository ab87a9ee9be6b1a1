"""The messages check-ins send, in domain terms (:class:`bot.chat.Card`).

The service decides what each message says and where it goes; ``cogs/checkins/render.py``
decides how Discord shows it. ``language`` is the community's for public posts.
"""

from __future__ import annotations

from datetime import datetime

from bot.chat import Card
from bot.db.checkins import Answer, Checkin
from bot.services.checkins.models import AnswerAuthor, Digest, PulseSummary, ReportedNumber


class CheckinPrompt(Card):
    """The week's prompt in the check-in channel: questions, close time, Answer and pulse."""

    checkin: Checkin
    questions: list[str]
    late: bool = False


class ClosedCheckinPrompt(Card):
    """The prompt once closed: no buttons, the count, the pulse average if allowed."""

    checkin: Checkin
    questions: list[str]
    answer_count: int
    pulse: PulseSummary | None


class AnswerPost(Card):
    """A member's answer in the week's thread, under their name."""

    answer: Answer
    questions: list[str]
    numbers: list[ReportedNumber]
    author: AnswerAuthor | None


class CheckinNudge(Card):
    """The one DM reminder to a member who has not answered yet."""

    checkin: Checkin


class NudgeFallback(Card):
    """The reminder in the thread for members whose DMs are closed (mentioned)."""

    closes_at: datetime
    user_ids: list[int]


class CheckinDigest(Card):
    """The facilitators' digest at close."""

    digest: Digest
    late: bool = False
