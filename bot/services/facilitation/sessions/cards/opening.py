"""What a session posts when it opens: the opening post, the overview, the review of
earlier actions (Done / Carried over each), the top questions and the facilitator's
controls. Protocol texts arrive in the card's language and are shown as written (they
are the community's protocol files, not a member's words)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.chat import Button, Card, Join, MemberRef, Message, Panel, PanelField, Text, Trusted
from bot.chat.layout import Row
from bot.chat.text import Content
from bot.frozen import Frozen
from bot.services.facilitation.actions.cards import action_line
from bot.services.facilitation.sessions import routes
from bot.services.facilitation.sessions.cards.common import (
    TONE,
    button_label,
    controls,
    join_button,
    member_or_dash,
)


class StepOutline(Frozen):
    number: int
    title: str
    minutes: int
    mode: Literal["discussion", "round"]


class SessionOpened(Card):
    """Posted where the session was started; the session's thread hangs from it. Once it
    ``ended``, it says so, without Join."""

    session_id: int
    protocol_name: str
    facilitator_id: int | None
    meeting_title: str | None
    ended: bool = False

    def layout(self) -> Message:
        key = "facilitation.open." + ("was_started" if self.ended else "started")
        if self.meeting_title:
            key += "_for"
        started = Text(
            key=key,
            params={
                "protocol": Trusted(text=self.protocol_name),
                "meeting": self.meeting_title,
                "user": member_or_dash(self.facilitator_id),
            },
        )
        if self.ended:
            return Message(content=started)
        return Message(content=started, rows=((join_button(self.session_id),),))


class SessionOverview(Card):
    session_id: int
    protocol_name: str
    overview: str
    steps: tuple[StepOutline, ...]
    client_id: int | None
    total_minutes: int
    for_meeting: bool = True
    """The session is for a meeting date: those who answered Going are in already."""

    def layout(self) -> Message:
        steps = Join(
            parts=tuple(
                Text(
                    key="facilitation.open.step_line",
                    params={
                        "number": step.number,
                        "title": Trusted(text=step.title),
                        "minutes": step.minutes,
                        "mode": Text(key=f"facilitation.modes.{step.mode}"),
                    },
                )
                for step in self.steps
            )
        )
        fields = [
            PanelField(
                name=Text(key="facilitation.open.steps", params={"minutes": self.total_minutes}),
                value=steps,
            )
        ]
        if self.client_id is not None:
            fields.append(
                PanelField(
                    name=Text(key="facilitation.open.client"),
                    value=MemberRef(user_id=self.client_id),
                )
            )
        panel = Panel(
            title=Trusted(text=f"🧭 {self.protocol_name}"),
            description=Trusted(text=self.overview),
            fields=tuple(fields),
            footer=Text(
                key="facilitation.open.footer"
                if self.for_meeting
                else "facilitation.open.footer_no_meeting"
            ),
            tone=TONE,
        )
        return Message(panels=(panel,))


class ReviewItem(Frozen):
    action_id: int
    text: str
    owner_id: int
    due_on: date | None
    carried_count: int
    outcome: Literal["done", "carried"] | None = None
    """How it was answered in this session (None: not yet); an answered item keeps no
    buttons."""


class ActionReview(Card):
    """Open actions from earlier sessions, each with Done / Carried over buttons (none
    once the session ended, ``retired``: what was not answered stays open)."""

    session_id: int
    items: tuple[ReviewItem, ...]
    part: int = 1
    parts: int = 1
    retired: bool = False

    def layout(self) -> Message:
        title: Content = Text(key="facilitation.review.title")
        if self.parts > 1:
            title = Join(parts=(title, Trusted(text=f"({self.part}/{self.parts})")), sep=" ")
        shown = Join(
            parts=tuple(
                action_line(
                    "facilitation.review.line",
                    item.action_id,
                    item,
                    carried=Text(
                        key="facilitation.review.carried", params={"count": item.carried_count}
                    )
                    if item.carried_count
                    else None,
                    outcome=Text(key=f"facilitation.review.outcome_{item.outcome}")
                    if item.outcome
                    else None,
                )
                for item in self.items
            )
        )
        footer = Text(
            key="facilitation.review.closed" if self.retired else "facilitation.review.footer"
        )
        panel = Panel(title=title, description=shown, footer=footer, tone=TONE)
        if self.retired:
            return Message(panels=(panel,))
        rows = tuple(self._answers(item) for item in self.items if item.outcome is None)
        return Message(panels=(panel,), rows=rows)

    @property
    def action_ids(self) -> tuple[int, ...]:
        return tuple(item.action_id for item in self.items)

    def answered(self, outcomes: dict[int, Literal["done", "carried"] | None]) -> ActionReview:
        """The same review with each item's answer in ``outcomes`` (by action id)."""
        items = tuple(
            item.model_copy(update={"outcome": outcomes.get(item.action_id, item.outcome)})
            for item in self.items
        )
        return self.model_copy(update={"items": items})

    def _answers(self, item: ReviewItem) -> Row:
        """One action per row: Done | Carried over."""
        ids = {"session": self.session_id, "action": item.action_id}
        return (
            Button(
                action=routes.REVIEW.build(**ids, outcome="done"),
                label=button_label("review_done", number=item.action_id),
                style="success",
            ),
            Button(
                action=routes.REVIEW.build(**ids, outcome="carried"),
                label=button_label("review_carried", number=item.action_id),
            ),
        )


class AgendaItem(Frozen):
    item_id: int
    number: int | None
    kind: str
    text: str
    upvotes: int


class QuestionsAgenda(Card):
    """The top open questions and topics, each with a Discussed button (none once the
    session ended, ``retired``)."""

    session_id: int
    items: tuple[AgendaItem, ...]
    retired: bool = False

    def layout(self) -> Message:
        fields = tuple(
            PanelField(
                name=Text(
                    key="facilitation.agenda.item",
                    params={
                        "number": _number(item.number),
                        "kind": Text(key=f"facilitation.agenda.{item.kind}"),
                        "upvotes": item.upvotes,
                    },
                ),
                value=item.text,
            )
            for item in self.items
        )
        discussed = tuple(
            Button(
                action=routes.DISCUSSED.build(session=self.session_id, item=item.item_id),
                label=Text(
                    key="facilitation.buttons.discussed", params={"number": _number(item.number)}
                ),
                emoji="💬",
            )
            for item in self.items[:5]
            if not self.retired
        )
        panel = Panel(title=Text(key="facilitation.agenda.title"), fields=fields, tone=TONE)
        return Message(panels=(panel,), rows=(discussed,) if discussed else ())


def _number(number: int | None) -> int | Trusted:
    return number if number is not None else Trusted(text="?")


class OpeningBegun(Card):
    """The facilitator's panel before the first step, once *Next* began it (or the session
    ended before it, ``ended``): what happened, without its buttons."""

    session_id: int
    first_step_title: str
    ended: bool = False

    def layout(self) -> Message:
        title = Trusted(text=self.first_step_title)
        key = "facilitation.open.ended" if self.ended else "facilitation.open.begun"
        return Message(content=Text(key=key, params={"title": title}))


class OpeningControl(Card):
    """The facilitator's panel before the first step: Join, Next, Add action, End."""

    session_id: int
    first_step_title: str
    reviewed_actions: int
    agenda_items: int

    def layout(self) -> Message:
        begin = Text(
            key="facilitation.open.control",
            params={"title": Trusted(text=self.first_step_title)},
        )
        nothing_to_review = Text(key="facilitation.open.no_review")
        return Message(
            content=Join(
                parts=(begin, nothing_to_review) if self.reviewed_actions == 0 else (begin,)
            ),
            rows=(controls(self.session_id, -1, last=False),),
        )
