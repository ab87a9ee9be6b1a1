"""The stored summary of a session (what ``/session end`` posts and the practice log keeps)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from bot.db.facilitation.actions import ActionItem
from bot.db.facilitation.session_notes import Entry
from bot.db.facilitation.sessions import SessionRow, Turn
from bot.frozen import Frozen


class SummaryStep(Frozen):
    number: int
    title: str
    mode: Literal["discussion", "round"]


class SummaryEntry(Frozen):
    text: str
    author_id: int | None
    step_number: int | None


class SummaryAction(Frozen):
    action_id: int
    text: str
    owner_id: int | None
    due_on: date | None


class SummaryTurns(Frozen):
    user_id: int
    spoke: int
    passed: int


class SessionSummary(Frozen):
    """Everything about one session worth keeping, in the session's language."""

    session_id: int
    language: str
    protocol_id: str
    protocol_name: str
    meeting_title: str | None
    started_at: datetime
    ended_at: datetime
    facilitator_id: int | None
    client_id: int | None
    participants: tuple[int, ...]
    covered: tuple[SummaryStep, ...]
    not_reached: tuple[SummaryStep, ...]
    notes: tuple[SummaryEntry, ...]
    decisions: tuple[SummaryEntry, ...]
    actions: tuple[SummaryAction, ...]
    turns: tuple[SummaryTurns, ...]

    @property
    def ended_early(self) -> bool:
        return bool(self.not_reached)


def _localized(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return str(value)


def build_summary(
    session: SessionRow,
    participants: list[int],
    entries: list[Entry],
    actions: list[ActionItem],
    turns: list[Turn],
    ended_at: datetime,
) -> SessionSummary:
    """The summary of ``session`` as it stands (its current step counts as covered)."""
    language = session.language
    steps = [
        SummaryStep(
            number=index + 1,
            title=_localized(step["title"], language),
            mode=step["mode"],
        )
        for index, step in enumerate(session.protocol["steps"])
    ]
    reached = session.step_index + 1  # -1 (the opening) reached no step
    counts: dict[int, list[int]] = {user_id: [0, 0] for user_id in participants}
    for turn in turns:
        counts.setdefault(turn.user_id, [0, 0])[0 if turn.outcome == "spoke" else 1] += 1

    def entry(e: Entry) -> SummaryEntry:
        return SummaryEntry(
            text=e.text,
            author_id=e.author_id,
            step_number=e.step_index + 1 if e.step_index >= 0 else None,
        )

    return SessionSummary(
        session_id=session.id,
        language=language,
        protocol_id=session.protocol_id,
        protocol_name=_localized(session.protocol["name"], language),
        meeting_title=session.meeting_title,
        started_at=session.started_at,
        ended_at=ended_at,
        facilitator_id=session.facilitator_id,
        client_id=session.client_id,
        participants=tuple(participants),
        covered=tuple(steps[:reached]),
        not_reached=tuple(steps[reached:]),
        notes=tuple(entry(e) for e in entries if e.kind == "note"),
        decisions=tuple(entry(e) for e in entries if e.kind == "decision"),
        actions=tuple(
            SummaryAction(action_id=a.id, text=a.text, owner_id=a.owner_id, due_on=a.due_on)
            for a in actions
        ),
        turns=tuple(
            SummaryTurns(user_id=user_id, spoke=spoke, passed=passed)
            for user_id, (spoke, passed) in counts.items()
        ),
    )


def scrub_member(summary: SessionSummary, user_id: int) -> SessionSummary:
    """The summary without any trace of one member (``/me delete``).

    Their notes stay, unsigned (they belong to the group's record); their own
    actions and turns go.
    """

    def unsign(entries: tuple[SummaryEntry, ...]) -> tuple[SummaryEntry, ...]:
        return tuple(
            e.model_copy(update={"author_id": None}) if e.author_id == user_id else e
            for e in entries
        )

    return summary.model_copy(
        update={
            "facilitator_id": None if summary.facilitator_id == user_id else summary.facilitator_id,
            "client_id": None if summary.client_id == user_id else summary.client_id,
            "participants": tuple(p for p in summary.participants if p != user_id),
            "notes": unsign(summary.notes),
            "decisions": unsign(summary.decisions),
            "actions": tuple(a for a in summary.actions if a.owner_id != user_id),
            "turns": tuple(t for t in summary.turns if t.user_id != user_id),
        }
    )
