"""What a session posts when it opens: the opening card, the overview, the review of
open actions (each with Done / Carried over), the top questions, the panel."""

from __future__ import annotations

from bot.chat import Card
from bot.db.actions import ActionItem
from bot.db.questions import QuestionItem
from bot.db.sessions import SessionRow
from bot.protocols import Protocol
from bot.services import facilitation_cards as cards
from bot.services.session_state import about, language_of

REVIEW_PER_CARD = 5  # one row of buttons per action, five rows per message


def opening_parts(
    session: SessionRow,
    protocol: Protocol,
    review: list[ActionItem],
    agenda: list[QuestionItem],
) -> tuple[Card, str, list[Card]]:
    """The opening card, the thread's name, and the posts that follow in the thread."""
    language = language_of(session.language)
    name = protocol.name_in(language)
    opened = cards.SessionOpened(
        **about(session),
        protocol_name=name,
        facilitator_id=session.facilitator_id,
        meeting_title=session.meeting_title,
    )
    thread_name = f"{name} — {session.meeting_title}" if session.meeting_title else name
    parts: list[Card] = [
        cards.SessionOverview(
            **about(session),
            protocol_name=name,
            overview=protocol.overview.text(language),
            steps=tuple(
                cards.StepOutline(
                    number=index + 1,
                    title=step.title.text(language),
                    minutes=step.minutes,
                    mode=step.mode,
                )
                for index, step in enumerate(protocol.steps)
            ),
            client_id=session.client_id,
            total_minutes=protocol.total_minutes,
        )
    ]
    items = [
        cards.ReviewItem(
            action_id=a.id,
            text=a.text,
            owner_id=a.owner_id,
            due_on=a.due_on,
            carried_count=a.carried_count,
        )
        for a in review
    ]
    chunks = [items[i : i + REVIEW_PER_CARD] for i in range(0, len(items), REVIEW_PER_CARD)]
    for number, chunk in enumerate(chunks, start=1):
        parts.append(
            cards.ActionReview(
                **about(session),
                items=tuple(chunk),
                part=number,
                parts=len(chunks),
            )
        )
    if agenda:
        parts.append(
            cards.QuestionsAgenda(
                **about(session),
                items=tuple(
                    cards.AgendaItem(
                        item_id=q.id, number=q.number, kind=q.kind, text=q.text, upvotes=q.upvotes
                    )
                    for q in agenda
                ),
            )
        )
    parts.append(
        cards.OpeningControl(
            **about(session),
            first_step_title=protocol.steps[0].title.text(language),
            reviewed_actions=len(review),
            agenda_items=len(agenda),
        )
    )
    return opened, thread_name, parts
