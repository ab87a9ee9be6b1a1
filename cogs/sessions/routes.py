"""The ``custom_id`` of every session and action button: ids only, so they survive restarts.

Pass, Done and Next carry the step (and turn) they were shown for: a stale or a second
simultaneous click is told the session moved on, and moves nothing.
"""

from __future__ import annotations

JOIN = r"plc:ses:join:(?P<session>\d+)"
SKIP_TURN = r"plc:ses:pass:(?P<session>\d+):(?P<step>\d+):(?P<turn>\d+)"
DONE = r"plc:ses:done:(?P<session>\d+):(?P<step>\d+):(?P<turn>\d+)"
NEXT = r"plc:ses:next:(?P<session>\d+):(?P<step>-?\d+)"
MORE = r"plc:ses:more:(?P<session>\d+):(?P<step>\d+)"
END = r"plc:ses:end:(?P<session>\d+)"
ADD_ACTION = r"plc:ses:add:(?P<session>\d+)"
ACTION_FORM = r"plc:ses:form:(?P<session>\d+)"
REVIEW = r"plc:ses:rev:(?P<session>\d+):(?P<action>\d+):(?P<outcome>done|carried)"
DISCUSSED = r"plc:ses:disc:(?P<session>\d+):(?P<item>\d+)"
ACTION_DONE = r"plc:act:done:(?P<guild>\d+):(?P<action>\d+)"  # also clicked in DMs


def join(session_id: int) -> str:
    return f"plc:ses:join:{session_id}"


def pass_turn(session_id: int, step: int, turn: int) -> str:
    return f"plc:ses:pass:{session_id}:{step}:{turn}"


def done(session_id: int, step: int, turn: int) -> str:
    return f"plc:ses:done:{session_id}:{step}:{turn}"


def next_step(session_id: int, step: int) -> str:
    return f"plc:ses:next:{session_id}:{step}"


def more(session_id: int, step: int) -> str:
    return f"plc:ses:more:{session_id}:{step}"


def end(session_id: int) -> str:
    return f"plc:ses:end:{session_id}"


def add_action(session_id: int) -> str:
    return f"plc:ses:add:{session_id}"


def action_form(session_id: int) -> str:
    return f"plc:ses:form:{session_id}"


def review(session_id: int, action_id: int, outcome: str) -> str:
    return f"plc:ses:rev:{session_id}:{action_id}:{outcome}"


def discussed(session_id: int, item_id: int) -> str:
    return f"plc:ses:disc:{session_id}:{item_id}"


def action_done(guild_id: int, action_id: int) -> str:
    return f"plc:act:done:{guild_id}:{action_id}"
