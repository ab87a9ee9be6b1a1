"""What a member is told privately after a session command or click."""

from __future__ import annotations

from bot.chat import ChannelRef, MemberRef, Text, Trusted, lines
from bot.chat.text import Content
from bot.dates import read_as
from bot.db.facilitation.sessions import SessionRow
from bot.i18n import Language
from bot.services.facilitation.actions.service import RecordedAction
from bot.services.facilitation.sessions.service import SessionStarted
from bot.services.facilitation.sessions.state import protocol_of
from bot.services.facilitation.sessions.summary import SessionSummary


def started(result: SessionStarted, language: Language) -> Text:
    """Where the session runs; the protocol named in the member's language."""
    session = result.session
    name = protocol_of(session.protocol).name_in(language)
    return Text(
        key="facilitation.replies.started",
        params={
            "protocol": Trusted(text=name),
            "channel": ChannelRef(channel_id=session.thread_id or session.channel_id),
            "count": result.reviewed_actions,
        },
    )


def moved(session: SessionRow, language: Language) -> Text:
    protocol = protocol_of(session.protocol)
    step = protocol.steps[session.step_index]
    return Text(
        key="facilitation.replies.moved",
        params={
            "number": session.step_index + 1,
            "count": len(protocol.steps),
            "title": Trusted(text=step.title.text(language)),
        },
    )


def action_recorded(item: RecordedAction) -> Content:
    """Saying back a typed due date with its weekday and the zone it was read in."""
    recorded = Text(
        key="facilitation.replies.action",
        params={"number": item.id, "user": MemberRef(user_id=item.owner_id)},
    )
    if item.due_on is None or item.due_zone is None:
        return recorded
    return lines(recorded, read_as(item.due_on, item.due_zone))


def ended(summary: SessionSummary) -> Text:
    return Text(key="facilitation.replies.ended", params={"covered": len(summary.covered)})


def extended(session: SessionRow) -> Text:
    return Text(key="facilitation.replies.extended", params={"extra": session.extra_minutes})
