"""What goals are made of: numbers as members type them, and what the goal service returns."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.chat import Join, Text
from bot.db.goals import Goal, ListedGoal
from bot.errors import UserError
from bot.frozen import Frozen
from bot.i18n import Language

TITLE_MAX = 100
MEASURE_MAX = 100
NUMBER_MAX_CHARS = 20
MAX_OPEN_GOALS = 10
GoalScopeChoice = Literal["mine", "community"]

# Spaces people put in numbers: "1 000", "1 000" (no-break), "1 000" (narrow no-break).
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(text: str | None, *, field: str | Text) -> float | None:
    """A number as people type it: ``3.5``, ``3,5`` (French), ``1 000``, ``-2``; blank is None.

    Raises ``goals.errors.not_a_number`` naming the field (its id, or its text when it
    depends on data) and what was typed.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    compact = _NUMBER_SPACES.sub("", raw).removesuffix("%")
    if len(raw) > NUMBER_MAX_CHARS or not _NUMBER.match(compact):
        raise UserError("goals.errors.not_a_number", field=field, text=raw[:NUMBER_MAX_CHARS])
    value = float(compact.replace(",", "."))
    if not math.isfinite(value):
        raise UserError("goals.errors.not_a_number", field=field, text=raw[:NUMBER_MAX_CHARS])
    return value


def format_number(value: float) -> str:
    """``12`` rather than ``12.0``; at most two decimals; a point whatever the language,
    for files (the CSV export). Text for members passes the number to the catalog."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def goal_numbers(ids: Sequence[int]) -> Join:
    """Goals by their numbers, as ``/goal list`` shows them: "#11, #12", « nº 11, nº 12 »
    (a member types the number as a command's ``goal``)."""
    return Join(parts=tuple(Text.of("goals.list.number", number=i) for i in ids), sep=", ")


def reached_fraction(baseline: float, target: float, latest: float | None) -> float | None:
    """How far from ``baseline`` to ``target`` ``latest`` is (1.0 = reached; None before
    the first report)."""
    if latest is None:
        return None
    return (latest - baseline) / (target - baseline)


class GoalProgress(Frozen):
    """A goal with the latest value reported for it (None before the first report)."""

    goal: Goal
    latest: float | None

    @property
    def fraction(self) -> float | None:
        """How far from baseline to target the latest value is (1.0 = reached)."""
        return reached_fraction(self.goal.baseline, self.goal.target, self.latest)


class NewGoal(Goal):
    """A goal just set, with the zone its typed due date was read in (the reply names it)."""

    due_zone: str
    same_title: tuple[int, ...] = ()
    """The numbers of the other open goals of the same owner (the member, or the
    community) with this title, accents and case aside: kept, but the member is warned."""


@dataclass(frozen=True, slots=True)
class ListedProgress:
    """A goal as ``/goal list`` shows it, with its latest value: only shown, so a plain
    dataclass (a validated model costs several times more to build)."""

    goal: ListedGoal
    latest: float | None

    @property
    def fraction(self) -> float | None:
        """How far from baseline to target the latest value is (1.0 = reached)."""
        return reached_fraction(self.goal.baseline, self.goal.target, self.latest)


@dataclass(frozen=True, slots=True)
class GoalOverview:
    mine: Sequence[ListedProgress]
    community: Sequence[ListedProgress]


class ProgressPoint(Frozen):
    week: str
    day: date
    value: float


class ProgressSeries(Frozen):
    """Exactly what the chart draws: the stored values of one goal, in week order."""

    goal: Goal
    start: date
    """The day the goal was set (where the baseline is drawn)."""
    points: list[ProgressPoint]


class GoalReport(Frozen):
    """What ``/goal progress`` shows: whose goal, its series, in the community's language."""

    member_id: int
    series: ProgressSeries
    language: Language


class GoalChart(Frozen):
    """``/goal progress``'s picture: the report and the PNG drawn from it."""

    report: GoalReport
    png: bytes

    @property
    def filename(self) -> str:
        return f"goal-{self.report.series.goal.id}-progress.png"
