"""Every message a live session posts, each with its layout: the opening
(:mod:`.opening`), the steps and turns (:mod:`.steps`), what is written during it
(:mod:`.entries`) and the summary (:mod:`.summary`)."""

from bot.services.facilitation.sessions.cards.entries import (
    ActionPosted,
    EntryPosted,
    QuestionDiscussed,
    ReviewAnswered,
    ReviewOutcome,
)
from bot.services.facilitation.sessions.cards.opening import (
    ActionReview,
    AgendaItem,
    OpeningBegun,
    OpeningControl,
    QuestionsAgenda,
    ReviewItem,
    SessionOpened,
    SessionOverview,
    StepOutline,
)
from bot.services.facilitation.sessions.cards.steps import (
    RoundComplete,
    RoundJoined,
    StepExtended,
    StepStarted,
    TimeNotice,
    TimePhase,
    TurnEnd,
    TurnPrompt,
)
from bot.services.facilitation.sessions.cards.summary import SessionEnded

__all__ = [
    "ActionPosted",
    "ActionReview",
    "AgendaItem",
    "EntryPosted",
    "OpeningBegun",
    "OpeningControl",
    "QuestionDiscussed",
    "QuestionsAgenda",
    "ReviewAnswered",
    "ReviewItem",
    "ReviewOutcome",
    "RoundComplete",
    "RoundJoined",
    "SessionEnded",
    "SessionOpened",
    "SessionOverview",
    "StepExtended",
    "StepOutline",
    "StepStarted",
    "TimeNotice",
    "TimePhase",
    "TurnEnd",
    "TurnPrompt",
]
