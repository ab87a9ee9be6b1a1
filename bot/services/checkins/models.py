"""What the check-in service returns: frozen models (plain dataclasses for what is only
shown), no platform type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from bot.db.checkins import Answer, Checkin, CheckinSchedule
from bot.db.communities import Community
from bot.db.goals import Goal
from bot.frozen import Frozen
from bot.services.checkins.goal_models import GoalProgress

PULSE_MIN_ANSWERS = 3
"""Below this many votes the pulse average is never shown (no one singled out)."""


class ScheduleResult(Frozen):
    schedule: CheckinSchedule
    next_open_at: datetime
    timezone: str
    gap_days: list[date]


class OpenedCheckin(Frozen):
    """A week's check-in the ``checkin_open`` timer has to show."""

    checkin: Checkin
    community: Community


class ReportedNumber(Frozen):
    """A number an answer reports, and the goal it went to."""

    goal: Goal
    value: float


class AnswerForm(Frozen):
    """What the answer form shows: the questions, the member's open goals (a number for
    each), and the answer to pre-fill."""

    checkin: Checkin
    questions: list[str]
    goals: list[Goal]
    """Newest first."""
    existing: Answer | None
    numbers: dict[int, float] = Field(default_factory=dict)
    """What the existing answer reported, by goal id."""


class AnswerAuthor(Frozen):
    """How the chat platform shows the member who answers, as it told when they answered:
    kept only in the answer's planned post until it is sent, never in the answer."""

    name: str
    icon_url: str | None = None


class SavedAnswer(Frozen):
    answer: Answer
    checkin: Checkin
    questions: list[str]
    """In the community's language: the answer is posted publicly in the thread."""
    language: str
    numbers: list[ReportedNumber]
    """Every goal number of the answer: the replies say which goal each went to."""
    created: bool
    posted_in: int | None = None
    """The thread (or channel) the answer is shown in; None if it is not shown (yet)."""
    post_pending: bool = False
    """The platform did not take the post yet: it is retried until it does."""


class PulseSummary(Frozen):
    """Only the average is ever shown, and only from PULSE_MIN_ANSWERS answers."""

    count: int
    average: float | None


class HelpRequest(Frozen):
    user_id: int
    text: str


class Digest(Frozen):
    checkin: Checkin
    language: str
    answered: list[int]
    expected: list[int]
    """Members expected to answer: everyone known (see ``community_members``) not away,
    plus anyone who answered."""
    away: list[int]
    help_requests: list[HelpRequest]
    goals: list[GoalProgress]
    unreachable: list[int]
    pulse: PulseSummary | None

    @property
    def response_rate(self) -> float:
        return len(self.answered) / len(self.expected) if self.expected else 0.0


class ClosedCheckin(Frozen):
    digest: Digest
    community: Community
    answer_count: int


class NudgePlan(Frozen):
    checkin: Checkin
    community: Community
    recipients: list[int]
    """Known members who have not answered and may be reminded (``reminder_audience``)."""
    known_closed: list[int]
    """Recipients whose DMs were already refused: mentioned in the thread instead."""


WeekStatus = Literal["answered", "away", "missed", "open"]


# A member's weeks are only shown: plain slotted dataclasses, a fraction of the cost of a
# validated model (in pydantic 2, ``model_construct`` is slower still).
@dataclass(frozen=True, slots=True)
class WeekEntry:
    checkin_id: int
    week: str
    opened_at: datetime
    status: WeekStatus
    numbers: tuple[float, ...] = ()
    """What the answer reported: a number with no goal, or one per goal."""


@dataclass(frozen=True, slots=True)
class CheckinHistory:
    streak: int
    best_streak: int
    answered: int
    weeks: Sequence[WeekEntry]
    """Newest first, at most HISTORY_WEEKS."""
    this_year: int | None = None
    """The community's year now: a week of another year is named with its year (None:
    only a week that runs into the next one)."""


class CsvExport(Frozen):
    text: str
    rows: int


class OpenedNow(Frozen):
    """``/checkin now``: the week's check-in, and the default schedule it started, if any."""

    checkin: Checkin
    schedule: CheckinSchedule | None
    """Set when there was no schedule yet: the weekly check-in now follows this one."""
    replaced: datetime | None = None
    """When this week's scheduled opening was to come, which this one replaced."""
    next_open_at: datetime | None = None
    """The next scheduled opening, when one this week was replaced."""
