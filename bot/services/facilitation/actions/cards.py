"""How an action reads (in a session's thread, its review, ``/actions``) and its due-date
reminder, with the Done button that works in a DM too."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from bot.chat import Button, CalendarDay, Card, MemberRef, Message, Text, lines
from bot.chat.text import Param
from bot.interactions.routes import CustomId

# The guild id lets a click in a DM (where the platform sends no community) reach it.
ACTION_DONE = CustomId("plc:act:done:{guild}:{action}")
ACTIONS_PAGE = CustomId("plc:act:page:{scope}:{done}:{page}", scope="mine|all", done="0|1")
# Done under ``/actions``: the page it was on, to show that page again with the action done.
LISTED_DONE = CustomId(
    "plc:act:done:{guild}:{action}:{scope}:{done}:{page}", scope="mine|all", done="0|1"
)


def due_note(due_on: date | None) -> Text | None:
    """What follows an action with a due date ("due on …"); nothing without one."""
    if due_on is None:
        return None
    return Text(key="facilitation.review.due", params={"date": CalendarDay(day=due_on)})


class ShownAction(Protocol):
    """What a line shows of an action, whichever record carries it (a listed action, an
    item of a session's review, the post of an action just recorded)."""

    @property
    def text(self) -> str: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def due_on(self) -> date | None: ...


def action_line(key: str, number: int, action: ShownAction, **more: Param) -> Text:
    """Action ``number`` as the catalog line ``key`` shows it: number, text, owner, due
    date, and the ``more`` that line takes."""
    params: dict[str, Param] = {
        "number": number,
        "text": action.text,
        "user": MemberRef(user_id=action.owner_id),
        "due": due_note(action.due_on),
    }
    return Text(key=key, params={**params, **more})


def done_button(
    guild_id: int,
    action_id: int,
    *,
    emoji: str | None = None,
    listed: tuple[str, bool, int] | None = None,
) -> Button:
    """An action's Done; ``listed``: the ``/actions`` page it is on (scope, whether done
    actions are shown, page), which its click shows again."""
    ids = {"guild": guild_id, "action": action_id}
    action = (
        ACTION_DONE.build(**ids)
        if listed is None
        else LISTED_DONE.build(**ids, scope=listed[0], done=int(listed[1]), page=listed[2])
    )
    return Button(
        action=action,
        label=Text(key="facilitation.buttons.action_done", params={"number": action_id}),
        style="success",
        emoji=emoji,
    )


class ActionReminder(Card):
    """An action's due date has come (DM, or a mention where the session ran)."""

    guild_id: int
    action_id: int
    text: str
    owner_id: int
    due_on: date
    in_channel: bool = False
    done: bool = False
    """Marked done from its button: said so under it, the button gone."""

    def layout(self) -> Message:
        due = Text(
            key="facilitation.reminder.due",
            params={
                "number": self.action_id,
                "text": self.text,
                "date": CalendarDay(day=self.due_on),
            },
        )
        asked_here = Text(
            key="facilitation.reminder.in_channel",
            params={"user": MemberRef(user_id=self.owner_id)},
        )
        if self.done:
            marked = Text(key="facilitation.reminder.done")
            return Message(content=lines(asked_here if self.in_channel else None, due, marked))
        return Message(
            content=lines(asked_here if self.in_channel else None, due),
            rows=((done_button(self.guild_id, self.action_id, emoji="✅"),),),
        )
