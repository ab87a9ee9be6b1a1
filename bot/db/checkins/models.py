"""The rows of weekly check-ins as frozen models."""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal

from bot.frozen import Frozen

CheckinStatus = Literal["open", "closed"]


class CheckinSchedule(Frozen):
    id: int
    guild_id: int
    weekday: int
    local_time: time
    questions: tuple[str, ...] | None
    close_after_hours: int
    pulse: bool
    active: bool
    created_at: datetime


class Checkin(Frozen):
    id: int
    guild_id: int
    schedule_id: int | None
    week: str
    questions: tuple[str, ...] | None
    """Custom questions as the facilitator typed them; None means the built-in ones."""
    pulse: bool
    channel_id: int
    message_id: int | None
    thread_id: int | None
    opened_at: datetime
    closes_at: datetime
    status: CheckinStatus
    closed_at: datetime | None


class Answer(Frozen):
    id: int
    guild_id: int
    checkin_id: int
    user_id: int
    progress: float | None
    """A number reported with no goal (the member had none); goals' numbers are
    :class:`GoalNumber` rows."""
    texts: tuple[str, ...]
    help_text: str
    post_message_id: int | None
    created_at: datetime
    updated_at: datetime


class GoalNumber(Frozen):
    """The number an answer reports for one of the member's goals."""

    answer_id: int
    goal_id: int
    value: float


class PulseTally(Frozen):
    count: int
    total: int
