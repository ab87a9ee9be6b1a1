"""What is written during a session, as posted in its thread: notes, decisions, actions,
answers to the review of earlier actions, questions discussed."""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.chat import Card, MemberRef, Message, Text, Trusted
from bot.frozen import Frozen
from bot.services.facilitation.actions.cards import action_line
from bot.services.facilitation.sessions.cards.common import member_or_dash

ReviewOutcome = Literal["done", "carried"]


class EntryPosted(Card):
    session_id: int
    kind: Literal["note", "decision"]
    text: str
    author_id: int | None

    def layout(self) -> Message:
        return Message(
            content=Text(
                key=f"facilitation.entry.{self.kind}",
                params={"text": self.text, "user": member_or_dash(self.author_id)},
            )
        )


class ActionFields(Frozen):
    """What every message about one action recorded in a session names (not a card
    itself)."""

    session_id: int
    action_id: int
    text: str
    owner_id: int


class ActionPosted(Card, ActionFields):
    due_on: date | None

    def layout(self) -> Message:
        return Message(content=action_line("facilitation.entry.action", self.action_id, self))


class ReviewAnswered(Card, ActionFields):
    outcome: ReviewOutcome
    by_user_id: int

    def layout(self) -> Message:
        return Message(
            content=Text(
                key=f"facilitation.review.answered_{self.outcome}",
                params={
                    "number": self.action_id,
                    "text": self.text,
                    "user": MemberRef(user_id=self.owner_id),
                    "by": MemberRef(user_id=self.by_user_id),
                },
            )
        )


class QuestionDiscussed(Card):
    session_id: int
    number: int | None
    text: str

    def layout(self) -> Message:
        number = self.number if self.number is not None else Trusted(text="?")
        return Message(
            content=Text(
                key="facilitation.agenda.discussed", params={"number": number, "text": self.text}
            )
        )
