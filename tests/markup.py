"""A markup that writes references as plain tags (``[member 3]``): text rendered with it
shows whether any platform syntax (``<@3>``, ``<#5>``, ``<t:…>``) came from elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from bot.chat import ChoiceInput, Form, render
from bot.chat.refs import MessageLink, MomentStyle
from bot.chat.text import Content
from bot.i18n import Language, load_catalog


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


def rendered_plainly(
    contents: Iterable[Content], language: str, *, members_words: str | None = None
) -> list[str]:
    """Each content rendered with :class:`PlainMarkup`, checked to hold no platform syntax
    (but in ``members_words``, shown as typed) and no placeholder left unfilled."""
    catalog = load_catalog()
    shown = [render(content, language, catalog, PLAIN) for content in contents]
    for text in shown:
        assert_no_platform_syntax(text.replace(members_words, "") if members_words else text)
        assert "{" not in text, text
    return shown


def form_contents(form: Form) -> Iterator[Content]:
    """Every text a form shows: its title, and each input's label, placeholder or choices."""
    yield form.title
    for box in form.inputs:
        yield box.label
        if isinstance(box, ChoiceInput):
            yield from (option.label for option in box.options)
        elif box.placeholder is not None:
            yield box.placeholder
