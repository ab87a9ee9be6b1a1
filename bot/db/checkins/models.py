"""The rows of weekly check-ins as frozen models, and how they are read."""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal, TypeVar

from bot.db.codec import from_row, json_from_db
from bot.db.connection import Row
from bot.frozen import Frozen

CheckinStatus = Literal["open", "closed"]
T = TypeVar("T")


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
    goal_id: int | None
    progress: float | None
    texts: tuple[str, ...]
    help_text: str
    post_message_id: int | None
    created_at: datetime
    updated_at: datetime


class PulseTally(Frozen):
    count: int
    total: int


def _questions(value: str | None) -> tuple[str, ...] | None:
    return tuple(json_from_db(value)) if value is not None else None


def schedule_row(row: Row) -> CheckinSchedule:
    return from_row(CheckinSchedule, row, questions=_questions(row["questions"]))


def checkin_row(row: Row) -> Checkin:
    return from_row(Checkin, row, questions=_questions(row["questions"]))


def answer_row(row: Row) -> Answer:
    return from_row(Answer, row, texts=tuple(json_from_db(row["texts"])))
