"""``/plc audit``'s page: the entries newest first, each with what it changed, and the
buttons to the newer and older pages."""

from __future__ import annotations

from bot.chat import (
    ChannelRef,
    Code,
    Join,
    MemberRef,
    Message,
    Moment,
    Panel,
    RoleRef,
    Text,
    Trusted,
)
from bot.chat.text import Content, Param
from bot.db.audit import AuditEntry
from bot.i18n import LANGUAGES
from bot.interactions.routes import CustomId
from bot.paging import page_row
from bot.services.community.audit import AuditPage

# The ids earlier versions put on their pages: a page, and a page of one kind of action.
PAGE = CustomId("plc:audit:{page}", page="[0-9]{1,6}")
PAGE_OF = CustomId("plc:audit:{page}:{action}", page="[0-9]{1,6}", action="[a-z_.]{1,40}")
DETAIL_SHOWN = 8
"""Values of one entry shown at most (an entry records a handful)."""
LABELLED = frozenset(
    {
        # what /plc setup sets, named as it names them
        "timezone",
        "language",
        "checkin_channel",
        "questions_channel",
        "announcements_channel",
        "facilitator_role",
        "moderation_channel",
        # what the features record beside them
        "meeting",
        "repeat",
        "scope",
        "fields",
        "schedule",
        "weekday",
        "time",
        "close_after_hours",
        "pulse",
        "custom_questions",
        "week",
        "goal",
        "skipped",
        "next",
        "session",
        "steps_covered",
        "protocol",
        "number",
        "ref",
        "facilitator",
        "withdrawn",
    }
)
"""Detail keys said in the reader's words (``admin.audit.fields``), never as stored."""
WORDED_VALUES = {
    "repeat": frozenset({"none", "weekly", "biweekly", "monthly"}),
    "scope": frozenset({"occurrence", "series"}),
}
"""Detail values said as the commands' choices say them (``admin.audit.values``)."""
CHANGED = {
    "title": "title",
    "agenda": "agenda",
    "duration_minutes": "duration",
    "link": "link",
    "channel_id": "channel",
    "first_date": "when",
    "local_time": "when",
    "timezone": "when",
    "reminder_offsets": "reminders",
    "protocol_id": "protocol",
}
"""A meeting's stored columns an edit records, as the option that changes them
(``admin.audit.changed``): a new date and time is one change, ``when``."""
ACTIONS = frozenset(
    {
        *(f"community.{a}" for a in ("setup", "edit")),
        *(f"meeting.{a}" for a in ("schedule", "edit", "cancel", "discard")),
        *(f"checkin.{a}" for a in ("schedule", "schedule_default", "open_now")),
        *(f"rotation.{a}" for a in ("skip", "set_next", "take", "assign")),
        *(f"session.{a}" for a in ("start", "end")),
        *(
            f"{kind}.{a}"
            for kind in ("question", "topic")
            for a in ("approve", "reject", "reject_block", "remove", "block", "unblock", "answered")
        ),
    }
)
"""The actions the features record, each said in words (``admin.audit.actions``) before
its code (what ``action:`` narrows the log by)."""
MEMBER_KEYS = frozenset({"next", "skipped", "facilitator", "withdrawn"})
"""Detail keys that hold a member's id without saying so in their name."""


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"admin.audit.{key}", params=params)


def audit_page(page: AuditPage) -> Message:
    """One page of the log, with Newer / Older when the log takes more than one page."""
    title = _text("title_filtered", action=Trusted(text=page.action)) if page.action else None
    lines = tuple(_line(entry) for entry in page.entries)
    panel = Panel(
        title=title or _text("title"),
        description=Join(parts=lines) if lines else _text("empty"),
        footer=_text("footer", page=page.page, pages=page.pages, total=page.total),
        tone="muted",
    )
    action = page.action

    def to(number: int) -> str:
        return PAGE_OF.build(page=number, action=action) if action else PAGE.build(page=number)

    if page.pages <= 1:
        return Message(panels=(panel,))
    buttons = page_row(page, to, previous=_text("previous"), following=_text("next"))
    return Message(panels=(panel,), rows=(buttons,))


def _line(entry: AuditEntry) -> Text:
    return _text(
        "line",
        when=Moment(at=entry.at, style="short_date_time"),
        actor=MemberRef(user_id=entry.actor_id) if entry.actor_id else _text("nobody"),
        action=_action(entry.action),
        detail=_detail(entry.detail),
    )


def _action(code: str) -> Content:
    """The action in words, then its code; an action of a later version, its code alone."""
    if code not in ACTIONS:
        return Code(text=code)
    return _text("action", label=_text(f"actions.{code}"), code=Code(text=code))


def _detail(detail: dict[str, object]) -> Join:
    """``name: value`` pairs a reader understands: members, channels and roles named,
    languages and weekdays in words."""
    items: list[Content] = [
        _text("detail", name=_name(key), value=_value(key, value))
        for key, value in list(detail.items())[:DETAIL_SHOWN]
    ]
    if len(detail) > DETAIL_SHOWN:
        items.append(Trusted(text="…"))
    return Join(parts=tuple(items), sep=", ", prefix=" — ")


def _name(key: str) -> Content:
    name = key.removesuffix("_id")
    if name in LABELLED:
        return _text(f"fields.{name}")
    return Trusted(text=name.replace("_", " "))


def _changed(columns: list[object] | tuple[object, ...]) -> Join:
    """What an edit changed, each option once, in the words of the command's options."""
    options = dict.fromkeys(CHANGED.get(str(column), str(column)) for column in columns)
    shown: list[Content] = [
        _text(f"changed.{option}") if option in CHANGED.values() else Trusted(text=option)
        for option in options
    ]
    return Join(parts=tuple(shown), sep=", ")


def _value(key: str, value: object) -> Content:
    if value is None:
        return Text(key="admin.not_set")
    if isinstance(value, bool):
        return _text("yes" if value else "no")
    if isinstance(value, int) and (key in MEMBER_KEYS or key.endswith("user_id")):
        return MemberRef(user_id=value)
    if isinstance(value, int) and key.endswith("channel_id"):
        return ChannelRef(channel_id=value)
    if isinstance(value, int) and key.endswith("role_id"):
        return RoleRef(role_id=value)
    if key == "language" and value in LANGUAGES:
        return Text(key=f"admin.language_names.{value}")
    if key == "weekday" and isinstance(value, int) and 0 <= value <= 6:
        return Text(key=f"dates.weekdays.{value}")
    if value in WORDED_VALUES.get(key, ()):
        return _text(f"values.{key}.{value}")
    if key == "fields" and isinstance(value, list | tuple):
        return _changed(value)
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)
