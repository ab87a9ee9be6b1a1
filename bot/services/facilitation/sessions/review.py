"""The review of earlier actions as it reads now: each item with its answer in this
session (done, carried over, or not yet), so a post of it shows buttons only for the
actions still to answer (after the click that answered one, and at the session's end)."""

from __future__ import annotations

from typing import Literal

from bot.db.connection import Connection
from bot.db.facilitation import actions as actions_db
from bot.db.facilitation.actions import ActionItem
from bot.services.facilitation.sessions.cards import ActionReview

Outcome = Literal["done", "carried"]


def outcome_in(action: ActionItem | None, session_id: int) -> Outcome | None:
    """How ``action`` stands for the review of session ``session_id``: done (here or
    elsewhere), carried over by this session, or not answered yet."""
    if action is None:
        return None
    if action.status == "done":
        return "done"
    if action.status == "carried" and action.reviewed_in == session_id:
        return "carried"
    return None


async def as_answered(conn: Connection, review: ActionReview, session_id: int) -> ActionReview:
    """``review`` with each of its actions' answers as they stand now."""
    outcomes = {
        item.action_id: outcome_in(await actions_db.get(conn, item.action_id), session_id)
        for item in review.items
    }
    return review.answered(outcomes)
