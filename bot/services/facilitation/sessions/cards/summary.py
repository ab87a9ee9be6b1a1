"""The summary posted in the thread when a session ends."""

from __future__ import annotations

from bot.chat import Card, Join, MemberRef, Message, Moment, Panel, PanelField, Text, Trusted
from bot.chat.text import Content
from bot.services.facilitation.actions.cards import due_note
from bot.services.facilitation.sessions.cards.common import TONE, member_or_dash
from bot.services.facilitation.sessions.summary import SessionSummary, SummaryEntry, SummaryStep


def _say(key: str, /, **params: Content | int | None) -> Text:
    return Text(key=f"facilitation.summary.{key}", params=dict(params))


def _steps(key: str, steps: tuple[SummaryStep, ...]) -> Join:
    return Join(parts=tuple(_say(key, number=s.number, title=Trusted(text=s.title)) for s in steps))


def _entries(entries: tuple[SummaryEntry, ...]) -> Join:
    """Notes or decisions, each signed (an erased member's are signed "a former member")."""
    return Join(
        parts=tuple(
            _say(
                "entry",
                text=entry.text,
                user=MemberRef(user_id=entry.author_id)
                if entry.author_id
                else Text(key="facilitation.log.former_member"),
            )
            for entry in entries
        )
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
        s = self.summary
        covered = _steps("step_covered", s.covered) if s.covered else _say("none")
        fields = [PanelField(name=_say("covered"), value=covered)]
        if s.not_reached:
            fields.append(
                PanelField(
                    name=_say("not_reached"), value=_steps("step_not_reached", s.not_reached)
                )
            )
        if s.decisions:
            fields.append(PanelField(name=_say("decisions"), value=_entries(s.decisions)))
        if s.actions:
            actions = Join(
                parts=tuple(
                    _say(
                        "action",
                        number=action.action_id,
                        text=action.text,
                        user=member_or_dash(action.owner_id),
                        due=due_note(action.due_on),
                    )
                    for action in s.actions
                )
            )
            fields.append(PanelField(name=_say("actions"), value=actions))
        if s.notes:
            fields.append(PanelField(name=_say("notes"), value=_entries(s.notes)))
        if s.turns:
            turns = Join(
                parts=tuple(
                    _say(
                        "turn_line",
                        user=MemberRef(user_id=turn.user_id),
                        spoke=turn.spoke,
                        passed=turn.passed,
                    )
                    for turn in s.turns
                )
            )
            fields.append(PanelField(name=_say("turns"), value=turns))
        return tuple(fields)
