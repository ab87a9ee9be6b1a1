"""The rules of a live session that need no database: round order, step timers, keys."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.db.facilitation.sessions import Snapshot
from bot.i18n import Language, language_for_locale
from bot.protocols import Protocol, Step

if TYPE_CHECKING:
    from bot.db.facilitation.sessions import SessionRow

POST_KIND = "session_post"
NEARLY_KIND = "session_nearly_up"
TIME_UP_KIND = "session_time_up"
EXTEND_MINUTES = 2
MAX_EXTRA_MINUTES = 60
OPENING = -1
"""``step_index`` before the first step: the review of actions and questions."""


def language_of(value: str) -> Language:
    """The language a session's posts are written in (stored as text)."""
    return language_for_locale(value)


def about(session: SessionRow) -> dict[str, Any]:
    """What every card of a session names: the session and the language it speaks."""
    return {"language": language_of(session.language), "session_id": session.id}


def about_step(session: SessionRow, step: Step) -> dict[str, Any]:
    """:func:`about`, and the step under way: its index and its title."""
    title = step.title.text(language_of(session.language))
    return {**about(session), "step_index": session.step_index, "step_title": title}


def protocol_of(snapshot: dict[str, object]) -> Protocol:
    """The protocol a session was started with (its stored snapshot); validated once per
    snapshot read from the database (a :class:`Snapshot`, shared by the rows that hold
    the same stored text), which keeps it."""
    if not isinstance(snapshot, Snapshot):
        return Protocol.model_validate(snapshot)
    if not isinstance(snapshot.validated, Protocol):
        snapshot.validated = Protocol.model_validate(snapshot)
    return snapshot.validated


def post_key(session_id: int, token: str) -> str:
    return f"session:{session_id}:post:{token}"


OPENING_POST = "open"
"""The name of the session's first post (the opening, its thread and its parts)."""


def controls_post(session: SessionRow) -> str:
    """The name of the post that holds the facilitator's controls of where ``session`` is:
    the opening's (its last part) or the step's."""
    return OPENING_POST if session.step_index < 0 else f"step{session.step_index}"


def prompt_post(session: SessionRow) -> str:
    """The name of the post of the turn under way in ``session``."""
    return f"turn{session.step_index}.{session.turn_index}"


def step_prefix(session_id: int, step_index: int) -> str:
    """Key prefix of one step's timers (the trailing colon keeps s1 apart from s10)."""
    return f"session:{session_id}:s{step_index}:"


def session_prefix(session_id: int) -> str:
    return f"session:{session_id}:"


def step_ends_at(started_at: datetime, step: Step, extra_minutes: int) -> datetime:
    return started_at + timedelta(minutes=step.minutes + extra_minutes)


def extended_minutes(extra_minutes: int, started_at: datetime, step: Step, now: datetime) -> int:
    """A step's extra minutes after "+2 min": two more than its end, or, pressed once that
    end has passed, two minutes from the click (the overtime counted in)."""
    ends = step_ends_at(started_at, step, extra_minutes)
    overtime = max(0, math.ceil((now - ends) / timedelta(minutes=1)))
    return extra_minutes + overtime + EXTEND_MINUTES


def nearly_lead(step: Step) -> timedelta | None:
    """How long before the end the "nearly up" post comes; none for one-minute steps."""
    if step.minutes < 2:
        return None
    return timedelta(minutes=1 if step.minutes <= 5 else 2)


def step_timers(
    session_id: int, step_index: int, step: Step, started_at: datetime, extra_minutes: int
) -> list[tuple[str, str, datetime]]:
    """(kind, key, due) of a step's two posts; ``extra_minutes`` is part of the key, so a
    "+2 min" plans new timers instead of reviving finished ones."""
    prefix = f"{step_prefix(session_id, step_index)}x{extra_minutes}:"
    ends = step_ends_at(started_at, step, extra_minutes)
    timers = [(TIME_UP_KIND, f"{prefix}over", ends)]
    lead = nearly_lead(step)
    if lead is not None:
        timers.insert(0, (NEARLY_KIND, f"{prefix}nearly", ends - lead))
    return timers


def speakers_for(step: Step, participants: Sequence[int], client_id: int | None) -> list[int]:
    """Who speaks in a round: everyone, everyone but the client, or the client alone."""
    if step.audience == "client":
        return [client_id] if client_id is not None else []
    if step.audience == "consultants":
        return [p for p in participants if p != client_id]
    return list(participants)


def round_order(speakers: Sequence[int], spoken: dict[int, int], rotation: int) -> list[int]:
    """Those who have spoken least go first; among equals, the first seat rotates.

    ``rotation`` is the number of sessions this community ran before, so the person
    who opens a round changes from one session to the next.
    """
    seats = sorted(set(speakers))
    if not seats:
        return []
    shift = rotation % len(seats)
    rotated = seats[shift:] + seats[:shift]
    return sorted(rotated, key=lambda user_id: spoken.get(user_id, 0))


def draw(pool_size: int, drawn: set[int], rng: random.Random | None = None) -> tuple[int, bool]:
    """A question index not drawn in this cycle; True when a new cycle had to start."""
    remaining = [i for i in range(pool_size) if i not in drawn]
    fresh = not remaining
    if fresh:
        remaining = list(range(pool_size))
    chooser = rng or random.SystemRandom()
    return chooser.choice(remaining), fresh
