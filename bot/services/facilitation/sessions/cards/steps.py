"""How a running session looks: each step (with the facilitator's controls), each turn
(mentioning only the speaker, with Done and Pass), the end of a round and the time posts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.chat import (
    Button,
    Card,
    MemberRef,
    Message,
    Moment,
    Panel,
    PanelField,
    Text,
    Trusted,
    lines,
)
from bot.chat.text import Content, Param
from bot.frozen import Frozen
from bot.services.facilitation.sessions import routes
from bot.services.facilitation.sessions.cards.common import TONE, button_label, controls

TimePhase = Literal["nearly", "over"]
TurnEnd = Literal["spoke", "passed", "moved_on", "ended"]
"""How a turn ended: Done, Pass, or *Next* or the session's end while it was under way."""


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
    retired: bool = False
    """The group moved on to the next step: the step as it was, without its controls."""
    early: bool = False
    """Retired before its time was over."""

    def layout(self) -> Message:
        said: list[Content] = []
        if self.client_id is not None:
            client = MemberRef(user_id=self.client_id)
            said.append(Text(key="facilitation.step.client_turn", params={"user": client}))
        if self.is_last and not self.retired:
            said.append(Text(key="facilitation.step.last"))
        rows = (
            () if self.retired else (controls(self.session_id, self.step_index, last=self.is_last),)
        )
        return Message(content=lines(*said) if said else None, panels=(self._panel(),), rows=rows)

    def _panel(self) -> Panel:
        mode = (
            Text(key="facilitation.step.round", params={"count": self.round_size})
            if self.mode == "round"
            else Text(key="facilitation.modes.discussion")
        )
        # A step the group left says so, not when it "ends (in 10 minutes)".
        time = (
            Text(
                key="facilitation.step.time_early" if self.early else "facilitation.step.time_over",
                params={"minutes": self.minutes},
            )
            if self.retired
            else Text(
                key="facilitation.step.time_value",
                params={
                    "minutes": self.minutes,
                    "time": Moment(at=self.ends_at, style="time"),
                    "relative": Moment(at=self.ends_at, style="relative"),
                },
            )
        )
        fields = [
            PanelField(name=Text(key="facilitation.step.mode"), value=mode, inline=True),
            PanelField(name=Text(key="facilitation.step.time"), value=time, inline=True),
        ]
        if self.question:
            fields.append(
                PanelField(
                    name=Text(key="facilitation.step.question"), value=Trusted(text=self.question)
                )
            )
        title = Text(
            key="facilitation.step.title",
            params={
                "number": self.step_index + 1,
                "count": self.step_count,
                "title": Trusted(text=self.title),
            },
        )
        return Panel(
            title=title, description=Trusted(text=self.prompt), fields=tuple(fields), tone=TONE
        )


class StepFields(Frozen):
    """What every message about one step of a live session names: the session, the step
    and its title (not a card itself)."""

    session_id: int
    step_index: int
    step_title: str


class TurnPrompt(Card, StepFields):
    """One message per turn, mentioning only the speaker, with Pass and Done; once the
    turn is over (``over``), the same message says how it ended, without buttons."""

    turn_index: int
    turn_count: int
    user_id: int
    question: str | None = None
    over: TurnEnd | None = None

    def layout(self) -> Message:
        turn: dict[str, Param] = {
            "user": MemberRef(user_id=self.user_id),
            "number": self.turn_index + 1,
            "count": self.turn_count,
            "step": Trusted(text=self.step_title),
        }
        if self.over is not None:
            return Message(content=Text(key=f"facilitation.turn.{self.over}", params=turn))
        prompt = Text(key="facilitation.turn.prompt", params=turn)
        asked = (
            Text(key="facilitation.turn.question", params={"question": Trusted(text=self.question)})
            if self.question
            else None
        )
        ids = {"session": self.session_id, "step": self.step_index, "turn": self.turn_index}
        buttons = (
            Button(
                action=routes.DONE.build(**ids),
                label=button_label("done"),
                style="success",
                emoji="✅",
            ),
            Button(action=routes.SKIP_TURN.build(**ids), label=button_label("pass"), emoji="⏩"),
        )
        return Message(content=lines(prompt, asked), rows=(buttons,))


class RoundComplete(Card, StepFields):
    is_last: bool
    empty: bool = False

    def layout(self) -> Message:
        if self.empty:
            key = "facilitation.round.empty"
        else:
            key = "facilitation.round.last" if self.is_last else "facilitation.round.complete"
        return Message(content=Text(key=key, params={"step": Trusted(text=self.step_title)}))


class RoundJoined(Card, StepFields):
    """A latecomer joined the round under way: they speak last, and the turns from here on
    are counted out of the round's new size (the ones before were out of one less)."""

    user_id: int
    turn_count: int

    def layout(self) -> Message:
        params: dict[str, Param] = {
            "user": MemberRef(user_id=self.user_id),
            "number": self.turn_count,
            "count": self.turn_count,
            "step": Trusted(text=self.step_title),
        }
        return Message(content=Text(key="facilitation.round.joined", params=params))


class TimeNotice(Card, StepFields):
    """ "Nearly up" (naming the clock time the step ends at, which still reads right once
    it has passed) or "over"."""

    phase: TimePhase
    ends_at: datetime
    late: bool = False

    def layout(self) -> Message:
        notice = Text(
            key=f"facilitation.time.{self.phase}",
            params={
                "step": Trusted(text=self.step_title),
                "time": Moment(at=self.ends_at, style="time"),
            },
        )
        late = Text(key="delivery.late") if self.late else None
        return Message(content=lines(notice, late))


class StepExtended(Card, StepFields):
    extra_minutes: int
    ends_at: datetime

    def layout(self) -> Message:
        return Message(
            content=Text(
                key="facilitation.time.extended",
                params={
                    "step": Trusted(text=self.step_title),
                    "extra": self.extra_minutes,
                    "time": Moment(at=self.ends_at, style="time"),
                    "relative": Moment(at=self.ends_at, style="relative"),
                },
            )
        )
