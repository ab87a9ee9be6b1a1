"""A markup that writes references as plain tags (``[member 3]``): text rendered with it
shows whether any platform syntax (``<@3>``, ``<#5>``, ``<t:…>``) came from elsewhere."""

from __future__ import annotations

from datetime import datetime

from bot.chat.refs import MessageLink, MomentStyle
from bot.i18n import Language


class PlainMarkup:
    def member(self, user_id: int) -> str:
        return f"[member {user_id}]"

    def channel(self, channel_id: int) -> str:
        return f"[channel {channel_id}]"

    def role(self, role_id: int) -> str:
        return f"[role {role_id}]"

    def moment(self, at: datetime, style: MomentStyle, language: Language) -> str:
        return f"[{style} {at.isoformat()}]"

    def message(self, link: MessageLink) -> str:
        return f"[message {link.message_id}]"

    def code(self, text: str) -> str:
        return f"[code {text}]"

    def user_text(self, text: str) -> str:
        return text


PLAIN = PlainMarkup()

PLATFORM_SYNTAX = ("<@", "<#", "<t:")


def assert_no_platform_syntax(*texts: str) -> None:
    """Text rendered with :class:`PlainMarkup` holds no mention or timestamp syntax."""
    for text in texts:
        assert not any(syntax in text for syntax in PLATFORM_SYNTAX), text
