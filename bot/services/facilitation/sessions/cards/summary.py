"""The summary posted in the thread when a session ends."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.chat import Card, Join, MemberRef, Message, Moment, Panel, PanelField, Text, Trusted
from bot.chat.text import Content
from bot.services.facilitation.actions.cards import due_note
from bot.services.facilitation.sessions.cards.common import TONE, member_or_dash
from bot.services.facilitation.sessions.summary import SessionSummary, SummaryEntry, SummaryStep


def _say(key: str, /, **params: Content | int | None) -> Text:
    return Text(key=f"facilitation.summary.{key}", params=dict(params))


Values = Mapping[str, Content | int | None]


def _each(key: str, params: Iterable[Values]) -> Join:
    """One line ``key`` per item, given each item's values."""
    return Join(parts=tuple(_say(key, **values) for values in params))


def _steps(key: str, steps: tuple[SummaryStep, ...]) -> Join:
    return _each(key, ({"number": s.number, "title": Trusted(text=s.title)} for s in steps))


def _entries(entries: tuple[SummaryEntry, ...]) -> Join:
    """Notes or decisions, each signed (an erased member's are signed "a former member")."""
    former = Text(key="facilitation.log.former_member")
    return _each(
        "entry",
        (
            {
                "text": entry.text,
                "user": MemberRef(user_id=entry.author_id) if entry.author_id else former,
            }
            for entry in entries
        ),
    )


class SessionEnded(Card):
    """The summary, posted in the thread when the session ends."""

    summary: SessionSummary

    def layout(self) -> Message:
        s = self.summary
        said = _say("ended_early") if s.ended_early else _say("ended")
        window = _say(
            "window",
            start=Moment(at=s.started_at, style="date_time"),
            end=Moment(at=s.ended_at, style="time"),
            count=len(s.participants),
        )
        panel = Panel(
            title=_say("title", protocol=Trusted(text=s.protocol_name)),
            description=window,
            fields=self._fields(),
            footer=_say("footer"),
            tone=TONE,
        )
        return Message(content=said, panels=(panel,))

    def _fields(self) -> tuple[PanelField, ...]:
        """Covered steps always; each other part only when the session has some."""
        s = self.summary
        actions = (
            {
                "number": action.action_id,
                "text": action.text,
                "user": member_or_dash(action.owner_id),
                "due": due_note(action.due_on),
            }
            for action in s.actions
        )
        turns: list[Values] = [
            {"user": MemberRef(user_id=turn.user_id), "spoke": turn.spoke, "passed": turn.passed}
            for turn in s.turns
        ]
        parts: tuple[tuple[str, Content | None], ...] = (
            ("covered", _steps("step_covered", s.covered) if s.covered else _say("none")),
            ("not_reached", _steps("step_not_reached", s.not_reached) if s.not_reached else None),
            ("decisions", _entries(s.decisions) if s.decisions else None),
            ("actions", _each("action", actions) if s.actions else None),
            ("notes", _entries(s.notes) if s.notes else None),
            ("turns", _each("turn_line", turns) if s.turns else None),
        )
        return tuple(
            PanelField(name=_say(name), value=value) for name, value in parts if value is not None
        )
