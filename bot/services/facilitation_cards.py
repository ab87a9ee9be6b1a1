"""What each facilitation message shows, in domain terms (:class:`bot.chat.Card`).

Services decide the content and the target; the chat adapter renders each card type
with the renderer the Discord side registered for it. Protocol texts arrive already
in the card's language; fixed words come from the ``facilitation`` catalog.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from bot.chat import Card
from bot.frozen import Frozen
from bot.services.session_summary import SessionSummary

NoticeReason = Literal[
    "unused", "empty", "all_away", "all_declined", "vacated", "unanswered", "accepted"
]
TimePhase = Literal["nearly", "over"]
ReviewOutcome = Literal["done", "carried"]


# -- the opening of a session -------------------------------------------------------------


class StepOutline(Frozen):
    number: int
    title: str
    minutes: int
    mode: Literal["discussion", "round"]


class SessionOpened(Card):
    """Posted where the session was started; the session's thread hangs from it."""

    session_id: int
    protocol_name: str
    facilitator_id: int | None
    meeting_title: str | None


class SessionOverview(Card):
    session_id: int
    protocol_name: str
    overview: str
    steps: tuple[StepOutline, ...]
    client_id: int | None
    total_minutes: int


class ReviewItem(Frozen):
    action_id: int
    text: str
    owner_id: int
    due_on: date | None
    carried_count: int


class ActionReview(Card):
    """Open actions from earlier sessions, each with Done / Carried over buttons."""

    session_id: int
    items: tuple[ReviewItem, ...]
    part: int = 1
    parts: int = 1


class AgendaItem(Frozen):
    item_id: int
    number: int | None
    kind: str
    text: str
    upvotes: int


class QuestionsAgenda(Card):
    """The top open questions and topics, each with a Discussed button."""

    session_id: int
    items: tuple[AgendaItem, ...]


class OpeningControl(Card):
    """The facilitator's panel before the first step: Join, Next, Add action, End."""

    session_id: int
    first_step_title: str
    reviewed_actions: int
    agenda_items: int


# -- steps and turns ----------------------------------------------------------------------


class StepStarted(Card):
    session_id: int
    step_index: int
    step_count: int
    title: str
    prompt: str
    minutes: int
    mode: Literal["discussion", "round"]
    ends_at: datetime
    question: str | None = None
    client_id: int | None = None
    """Set when the step is the client's (codéveloppement); they are mentioned."""
    round_size: int = 0
    is_last: bool = False


class TurnPrompt(Card):
    """One message per turn, mentioning only the speaker, with Pass and Done."""

    session_id: int
    step_index: int
    turn_index: int
    turn_count: int
    user_id: int
    step_title: str
    question: str | None = None


class RoundComplete(Card):
    session_id: int
    step_index: int
    step_title: str
    is_last: bool
    empty: bool = False


class TimeNotice(Card):
    session_id: int
    step_index: int
    step_title: str
    phase: TimePhase
    ends_at: datetime
    late: bool = False


class StepExtended(Card):
    session_id: int
    step_index: int
    step_title: str
    extra_minutes: int
    ends_at: datetime


class EntryPosted(Card):
    session_id: int
    kind: Literal["note", "decision"]
    text: str
    author_id: int | None


class ActionPosted(Card):
    session_id: int
    action_id: int
    text: str
    owner_id: int
    due_on: date | None


class ReviewAnswered(Card):
    session_id: int
    action_id: int
    text: str
    owner_id: int
    outcome: ReviewOutcome
    by_user_id: int


class QuestionDiscussed(Card):
    session_id: int
    number: int | None
    text: str


class SessionEnded(Card):
    """The summary, posted in the thread when the session ends."""

    summary: SessionSummary


# -- actions ------------------------------------------------------------------------------


class ActionReminder(Card):
    """An action's due date has come (DM, or a mention where the session ran)."""

    guild_id: int
    action_id: int
    text: str
    owner_id: int
    due_on: date
    in_channel: bool = False
