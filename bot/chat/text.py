"""Text as the core writes it: catalog messages with typed values, rendered by a platform.

:class:`Text` is a catalog key with its values; a value is another piece of content, a
number, or a typed reference (:mod:`bot.chat.refs`). A plain ``str`` is what a member
typed: every platform shows it inert (no markdown, no links, no mentions).
:class:`Trusted` is text the bot itself composed, shown as is. :class:`Join` puts pieces
together. Nothing is turned into characters until a platform renders it with its
:class:`Markup` (:func:`render`), in the reader's language. A calendar day or a time of
day (:class:`bot.chat.refs.CalendarDay`, :class:`bot.chat.refs.TimeOfDay`) is no
instant: every platform writes it the same way, the reader's language's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import Discriminator, Field, Tag, ValidationInfo, field_validator

from bot.chat.refs import (
    CalendarDay,
    ChannelRef,
    Code,
    MemberRef,
    MessageLink,
    Moment,
    MomentStyle,
    Ref,
    RoleRef,
    TimeOfDay,
)
from bot.frozen import Frozen
from bot.i18n import Catalog, Language, format_calendar_day, format_time_of_day


class Trusted(Frozen):
    """Text the bot composed itself (not a member's words): shown without escaping."""

    kind: Literal["trusted"] = "trusted"
    text: str


class Text(Frozen):
    """The catalog message ``key`` with its values, in the reader's language.

    :class:`bot.i18n.Phrase` is the same idea one layer down, for text rendered without a
    platform (logs, the command line): its values cannot be members' words or references,
    which only a platform's :class:`Markup` can write, so it does not replace this class.
    """

    kind: Literal["text"] = "text"
    key: str
    params: dict[str, Param] = Field(default_factory=dict)
    language: Language | None = None
    """Shown in this language whatever the reader's: a button named as the post that holds
    it shows it (the community's language) in a reply in the member's own."""

    @classmethod
    def of(cls, key: str, /, **params: Param) -> Text:
        return cls(key=key, params=params)


class Join(Frozen):
    """Pieces one after the other; empty pieces are dropped, and with them ``prefix`` and
    ``suffix`` when nothing is left."""

    kind: Literal["join"] = "join"
    parts: tuple[Content, ...]
    sep: str = "\n"
    prefix: str = ""
    suffix: str = ""


class Rows(Frozen):
    """Lines of one catalog message ``key``, a row of values each, ``names`` naming each
    row's values in order (a list of coming dates: one line per date).

    A list could be a :class:`Join` of a :class:`Text` per line; this builds no model per
    line (the rows are validated once, with the list), and a platform writes the lines
    with the message found once per language and a member's words repeated down the rows
    (a meeting's title on every date) escaped once.
    """

    kind: Literal["rows"] = "rows"
    key: str
    names: tuple[str, ...]
    rows: tuple[tuple[Param, ...], ...]
    sep: str = "\n"

    # Checked when built only (an "after" model check runs again each time the panel
    # holding the rows is built around them).
    @field_validator("rows")
    @classmethod
    def _rows_fit_names(
        cls, rows: tuple[tuple[Param, ...], ...], info: ValidationInfo
    ) -> tuple[tuple[Param, ...], ...]:
        names = info.data.get("names", ())
        if not all(map(len(names).__eq__, map(len, rows))):
            raise ValueError(f"each row needs one value for each of {names}")
        return rows


def _kind(value: Any) -> str:
    """Which of the kinds below ``value`` is (a built value or its JSON form), so that
    pydantic checks that kind alone: trying each in turn cost ~20 µs for a number."""
    # A reply's values are nearly all of an exact known type: one look-up, where the
    # checks below took ~5 calls a value (a 20-date panel asks ~70 times).
    known = _KINDS.get(type(value))
    if known is not None:
        return known
    if value is None:
        return "none"
    if isinstance(value, str):
        return "str"
    if isinstance(value, int):  # bool included: shown as 0 or 1, as before
        return "int"
    if isinstance(value, float):
        return "float"
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) else type(value).__name__


_Contents = (
    Annotated[str, Tag("str")]
    | Annotated[Trusted, Tag("trusted")]
    | Annotated[Text, Tag("text")]
    | Annotated[Join, Tag("join")]
    | Annotated[Rows, Tag("rows")]
    | Annotated[MemberRef, Tag("member")]
    | Annotated[ChannelRef, Tag("channel")]
    | Annotated[RoleRef, Tag("role")]
    | Annotated[Moment, Tag("moment")]
    | Annotated[CalendarDay, Tag("calendar_day")]
    | Annotated[TimeOfDay, Tag("time_of_day")]
    | Annotated[MessageLink, Tag("message")]
    | Annotated[Code, Tag("code")]
)
Content = Annotated[_Contents, Discriminator(_kind)]
"""Anything a message can show: a member's words, the bot's text, a reference."""
Param = Annotated[
    _Contents
    | Annotated[int, Tag("int")]
    | Annotated[float, Tag("float")]
    | Annotated[None, Tag("none")],
    Discriminator(_kind),
]
"""A value of a catalog message: numbers stay numbers (plurals and decimals are the
catalog's business); None shows as nothing."""

Text.model_rebuild()
Join.model_rebuild()
Rows.model_rebuild()

_KINDS: dict[type, str] = {
    str: "str",
    int: "int",
    bool: "int",
    float: "float",
    type(None): "none",
    Trusted: "trusted",
    Text: "text",
    Join: "join",
    Rows: "rows",
    MemberRef: "member",
    ChannelRef: "channel",
    RoleRef: "role",
    Moment: "moment",
    CalendarDay: "calendar_day",
    TimeOfDay: "time_of_day",
    MessageLink: "message",
    Code: "code",
}


def text(key: str, /, **params: Param) -> Text:
    """``Text.of``, shorter where messages are built."""
    return Text(key=key, params=params)


def lines(*parts: Content | None, sep: str = "\n") -> Join:
    return Join(parts=tuple(part for part in parts if part is not None), sep=sep)


class Markup(Protocol):
    """How a platform writes references and a member's words inside its text."""

    def member(self, user_id: int) -> str: ...

    def channel(self, channel_id: int) -> str: ...

    def role(self, role_id: int) -> str: ...

    def moment(self, at: datetime, style: MomentStyle, language: Language) -> str: ...

    def message(self, link: MessageLink) -> str: ...

    def code(self, text: str) -> str: ...

    def user_text(self, text: str) -> str:
        """A member's words, shown as typed (no formatting, no links)."""
        ...


def render(content: Content, language: Language, catalog: Catalog, markup: Markup) -> str:
    """``content`` as the platform's text, in ``language``."""
    # By exact type first: a reply walks ~45 pieces, and the chain of isinstance checks
    # below was a third of the walk; subclasses (a str enum) still take the chain.
    kind = type(content)
    if kind is Text:
        return _text(content, language, catalog, markup)  # type: ignore[arg-type]
    if kind is Join:
        return _join(content, language, catalog, markup)  # type: ignore[arg-type]
    if kind is Rows:
        return _rows(content, language, catalog, markup)  # type: ignore[arg-type]
    if kind is str:
        return markup.user_text(content)  # type: ignore[arg-type]
    if isinstance(content, _REFERENCES):
        return _reference(content, language, markup)
    if isinstance(content, str):
        return markup.user_text(content)
    if isinstance(content, Trusted):
        return content.text
    if isinstance(content, Text):
        return _text(content, language, catalog, markup)
    if isinstance(content, Join):
        return _join(content, language, catalog, markup)
    if isinstance(content, Rows):
        return _rows(content, language, catalog, markup)
    return _reference(content, language, markup)


def _text(content: Text, language: Language, catalog: Catalog, markup: Markup) -> str:
    if content.language is not None:
        language = content.language
    if not content.params:
        return catalog.t(language, content.key)
    values = {
        name: _value(value, language, catalog, markup) for name, value in content.params.items()
    }
    return catalog.t(language, content.key, **values)


def _join(content: Join, language: Language, catalog: Catalog, markup: Markup) -> str:
    shown = [
        rendered for part in content.parts if (rendered := render(part, language, catalog, markup))
    ]
    return f"{content.prefix}{content.sep.join(shown)}{content.suffix}" if shown else ""


def _rows(content: Rows, language: Language, catalog: Catalog, markup: Markup) -> str:
    words: dict[str, str] = {}  # a member's words repeated down the rows, escaped once

    def value(value: Param) -> Any:
        if type(value) is not str:
            return _value(value, language, catalog, markup)
        shown = words.get(value)
        if shown is None:
            shown = words[value] = markup.user_text(value)
        return shown

    written = catalog.rows(
        language, content.key, content.names, ([value(v) for v in row] for row in content.rows)
    )
    return content.sep.join(written)


def _value(value: Param, language: Language, catalog: Catalog, markup: Markup) -> Any:
    kind = type(value)
    if kind is int or kind is float:
        return value
    if kind is str:
        return markup.user_text(value)  # type: ignore[arg-type]
    if value is None:
        return ""
    if kind in _REFERENCES:  # the other values are mostly references: no checks for them
        return _reference(value, language, markup)  # type: ignore[arg-type]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    return render(value, language, catalog, markup)


_REFERENCES = (MemberRef, ChannelRef, RoleRef, Moment, CalendarDay, TimeOfDay, MessageLink, Code)


def _reference(ref: Ref, language: Language, markup: Markup) -> str:
    if isinstance(ref, MemberRef):
        return markup.member(ref.user_id)
    if isinstance(ref, ChannelRef):
        return markup.channel(ref.channel_id)
    if isinstance(ref, RoleRef):
        return markup.role(ref.role_id)
    if isinstance(ref, Moment):
        return markup.moment(ref.at, ref.style, language)
    # A day or a time of day is not an instant: no reader's zone shifts it, so every
    # platform writes it the same way, in the reader's language.
    if isinstance(ref, CalendarDay):
        return format_calendar_day(ref.day, language, year=ref.year)
    if isinstance(ref, TimeOfDay):
        return format_time_of_day(ref.at, language)
    if isinstance(ref, MessageLink):
        return markup.message(ref)
    assert isinstance(ref, Code)
    return markup.code(ref.text)


def references(content: Content | Param) -> Iterator[Ref]:
    """Every reference inside ``content`` (a platform that must look names up first)."""
    if isinstance(content, Text):
        for value in content.params.values():
            yield from references(value)
    elif isinstance(content, Join):
        for part in content.parts:
            yield from references(part)
    elif isinstance(content, Rows):
        for row in content.rows:
            for value in row:
                yield from references(value)
    elif isinstance(content, _REFERENCES):
        yield content
