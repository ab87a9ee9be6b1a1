"""The chat port and what crosses it: cards, layouts, text with typed references.

- :mod:`.port`: targets, :class:`Card`, the :class:`ChatPlatform` an adapter implements;
- :mod:`.delivery`: the :class:`Chat` services send through (the delivery policy);
- :mod:`.layout`: messages and forms for any platform;
- :mod:`.text` and :mod:`.refs`: catalog text holding typed references.
"""

from bot.chat.delivery import Chat
from bot.chat.layout import (
    Attachment,
    Button,
    ChoiceInput,
    Form,
    LinkButton,
    Message,
    Option,
    Panel,
    PanelAuthor,
    PanelField,
    TextInput,
)
from bot.chat.port import (
    Card,
    Channel,
    ChatPlatform,
    DirectMessage,
    DmRefused,
    EventCalendar,
    EventSpec,
    EventsRefused,
    EventStatus,
    ListedEvent,
    NoCalendar,
    Notice,
    PostCheck,
    Posted,
    RecipientGone,
    SendOptions,
    Target,
    TargetLost,
    target_key,
)
from bot.chat.refs import ChannelRef, Code, MemberRef, MessageLink, Moment, RoleRef
from bot.chat.text import Content, Join, Param, Rows, Text, Trusted, lines, render, text

__all__ = [
    "Attachment",
    "Button",
    "Card",
    "Channel",
    "ChannelRef",
    "Chat",
    "ChatPlatform",
    "ChoiceInput",
    "Code",
    "Content",
    "DirectMessage",
    "DmRefused",
    "EventCalendar",
    "EventSpec",
    "EventStatus",
    "EventsRefused",
    "Form",
    "Join",
    "LinkButton",
    "ListedEvent",
    "MemberRef",
    "Message",
    "MessageLink",
    "Moment",
    "NoCalendar",
    "Notice",
    "Option",
    "Panel",
    "PanelAuthor",
    "PanelField",
    "Param",
    "PostCheck",
    "Posted",
    "RecipientGone",
    "RoleRef",
    "Rows",
    "SendOptions",
    "Target",
    "TargetLost",
    "Text",
    "TextInput",
    "Trusted",
    "lines",
    "render",
    "target_key",
    "text",
]
