"""What several session messages share: the facilitator's buttons, Join, who is named."""

from __future__ import annotations

from bot.chat import Button, MemberRef, Text, Trusted
from bot.chat.layout import Row, Tone
from bot.chat.refs import Ref
from bot.services.facilitation.sessions import routes

TONE: Tone = "info"
NOBODY = Trusted(text="—")


def member_or_dash(user_id: int | None) -> Ref | Trusted:
    return MemberRef(user_id=user_id) if user_id else NOBODY


def button_label(key: str, /, **params: int) -> Text:
    return Text(key=f"facilitation.buttons.{key}", params=dict(params))


def join_button(session_id: int) -> Button:
    return Button(
        action=routes.JOIN.build(session=session_id), label=button_label("join"), emoji="🙋"
    )


def controls(session_id: int, step: int, *, last: bool) -> Row:
    """Join, Next (none on the last step), +2 min (once a step runs), Add action, End."""
    buttons = [join_button(session_id)]
    if not last:
        action = routes.NEXT.build(session=session_id, step=step)
        buttons.append(
            Button(action=action, label=button_label("next"), style="primary", emoji="⏭️")
        )
    if step >= 0:
        action = routes.MORE.build(session=session_id, step=step)
        buttons.append(Button(action=action, label=button_label("more"), emoji="⏱️"))
    action = routes.ADD_ACTION.build(session=session_id)
    buttons.append(Button(action=action, label=button_label("add_action"), emoji="📌"))
    buttons.append(
        Button(
            action=routes.END.build(session=session_id, step=step),
            label=button_label("end"),
            style="danger" if last else "secondary",
            emoji="🏁",
        )
    )
    return tuple(buttons)
