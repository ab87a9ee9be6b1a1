"""References and members' words as Teams shows them inside an Adaptive Card's text.

- A member: ``<at>Name</at>`` with its mention entity when the message means to ping
  them; else their name, shown as typed.
- A channel: its name. A role: Teams has none; the facilitators are named in words.
- An instant: the card's ``{{DATE(…)}}`` and ``{{TIME(…)}}`` functions, which each
  reader's Teams shows in their own zone and language; a relative time ("in 2 days"),
  which Teams cannot write, is shown as the absolute date and time, with the words a
  sentence needs before them (« ferme le … à … », "closes on … at …"), or not at all
  where the text already gives that instant (``{when} ({relative})``, ``à {time}
  ({relative})``).
- A member's words: markdown characters escaped and ``<at>`` broken, so nothing they
  type becomes a link, a heading or a mention.

Catalog text is written with Discord's markdown; Teams' subset has no inline code,
strike-through nor block quote, so the bot's own text is adapted (`` `/rotation join` ``
reads as **rotation join**, the command as typed to the bot; a quote's ``>>>`` goes).
What a reference or a member's words produced is left alone: it is fenced off while the
bot's text is adapted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.chat.refs import MessageLink, MomentStyle
from bot.chat.text import Content, render
from bot.i18n import Catalog, Language
from bot.i18n.message import format_time_of_day

_OPEN, _CLOSE = "\ue000", "\ue001"
_FENCED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.DOTALL)
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_CODE = re.compile(r"`([^`\n]+)`")
_BLOCK_QUOTE = re.compile(r"^>>> ?", re.MULTILINE)
_INLINE_SPECIALS = re.compile(r"([\\\[\]*_`~])")
_LINE_MARKERS = re.compile(r"^(\s*)([#>+-])", re.MULTILINE)
_LINE_NUMBERS = re.compile(r"^(\s*\d+)\.", re.MULTILINE)
_DATES: dict[MomentStyle, str] = {
    "date_time": "{{{{DATE({at}, LONG)}}}} {{{{TIME({at})}}}}",
    "short_date_time": "{{{{DATE({at}, SHORT)}}}} {{{{TIME({at})}}}}",
    "date": "{{{{DATE({at}, LONG)}}}}",
    "day": "{{{{DATE({at}, COMPACT)}}}}",
    "time": "{{{{TIME({at})}}}}",
}
_WITH_TIME: frozenset[MomentStyle] = frozenset({"date_time", "short_date_time", "relative"})
_AGAIN = "\ue002"
"""Where a relative time repeated a date and time the text already gives."""
_AGAIN_WRAPPED = re.compile(f" ?\\({_AGAIN}\\)|[,\n]? ?{_AGAIN}")
_LINK, _LABEL, _LINK_END = "\ue003", "\ue004", "\ue005"
"""Around a message link (its address, then its label), until the text says whether it
stands alone (``[the message](…)``) or is the address of a link of its own."""
_LINKED = re.compile(rf"\[([^\[\]]*)\]\({_LINK}([^{_LABEL}]*){_LABEL}[^{_LINK_END}]*{_LINK_END}\)")
_ALONE = re.compile(rf"{_LINK}([^{_LABEL}]*){_LABEL}([^{_LINK_END}]*){_LINK_END}")


@dataclass
class Lookup:
    """What the platform looked up before rendering: Teams ids and names."""

    members: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Member number → (Teams id ``29:…``, display name)."""
    channels: dict[int, str] = field(default_factory=dict)
    """Channel or thread number → its name."""
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    """(conversation number, message number) → a link that opens the message in Teams."""


def inert(text: str) -> str:
    """A member's words as typed: no markdown, no links, no ``<at>`` mention."""
    escaped = _INLINE_SPECIALS.sub(r"\\\1", text)  # emphasis, links, code
    escaped = _LINE_MARKERS.sub(r"\1\\\2", escaped)  # headings, quotes, lists
    escaped = _LINE_NUMBERS.sub(r"\1\\.", escaped)  # numbered lists
    return re.sub(r"<(/?)at>", "<\u200b\\1at>", escaped, flags=re.IGNORECASE)


def teams_instant(at: datetime) -> str:
    """An instant as the card functions want it (RFC 3339, UTC, whole seconds)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TeamsMarkup:
    """:class:`bot.chat.text.Markup` for one card; collects the mentions it wrote."""

    def __init__(
        self,
        catalog: Catalog,
        language: Language,
        lookup: Lookup,
        pinged: Collection[int] = (),
    ) -> None:
        self._catalog = catalog
        self._language = language
        self._lookup = lookup
        self._pinged = frozenset(pinged)
        self.entities: list[dict[str, Any]] = []
        self._shown: dict[datetime, MomentStyle] = {}

    @staticmethod
    def _fence(text: str) -> str:
        return f"{_OPEN}{text}{_CLOSE}"

    def member(self, user_id: int) -> str:
        known = self._lookup.members.get(user_id)
        if known is None:
            return self._fence(self._catalog.t(self._language, "teams.markup.someone"))
        teams_id, name = known
        if user_id not in self._pinged:
            return self._fence(inert(name))
        tag = f"<at>{name}</at>"
        if not any(entity["text"] == tag for entity in self.entities):
            self.entities.append(
                {"type": "mention", "text": tag, "mentioned": {"id": teams_id, "name": name}}
            )
        return self._fence(tag)

    def channel(self, channel_id: int) -> str:
        name = self._lookup.channels.get(channel_id)
        if name is None:
            return self._fence(self._catalog.t(self._language, "teams.markup.a_channel"))
        return self._fence(f"**{inert(name)}**")

    def role(self, role_id: int) -> str:
        return self._fence(self._catalog.t(self._language, "teams.markup.role"))

    def moment(self, at: datetime, style: MomentStyle, language: Language) -> str:
        if style in _WITH_TIME or style == "time":
            earlier = self._shown.setdefault(at, style)
            if earlier != style and "relative" in (earlier, style) and style != "time":
                # Written as a date and time (or a time), "in 2 days" beside that same
                # instant says it twice.
                return _AGAIN
        instant = teams_instant(at)
        if style == "relative":
            # "closes in 2 days" written with a date: « ferme le 9 déc. à 17 h ».
            return self._fence(
                self._catalog.t(
                    language,
                    "teams.markup.on_date",
                    date=f"{{{{DATE({instant}, SHORT)}}}}",
                    time=f"{{{{TIME({instant})}}}}",
                )
            )
        return self._fence(_DATES[style].format(at=instant))

    def message(self, link: MessageLink) -> str:
        """A link to the message: ``[the message](…)`` standing alone, or the address of
        the text's own link (``[Question #1](…)``); words without a link when Teams gave
        no address for it (:func:`message_links`)."""
        url = self._lookup.links.get((link.channel_id, link.message_id)) or ""
        label = self._catalog.t(self._language, "teams.markup.message")
        return self._fence(f"{_LINK}{url}{_LABEL}{label}{_LINK_END}")

    def code(self, text: str) -> str:
        return self._fence(f"**{inert(text.removeprefix('/'))}**")

    def user_text(self, text: str) -> str:
        return self._fence(inert(text))

    def text(self, content: Content) -> str:
        """``content`` in the card's language, as Teams' markdown."""
        self._shown = {}
        text = teams_markdown(render(content, self._language, self._catalog, self))
        return message_links(_AGAIN_WRAPPED.sub("", text))


def message_links(text: str) -> str:
    """Each message link :meth:`TeamsMarkup.message` wrote, as Teams' markdown: the
    address of the link around it (``[Question #1](url)``, Discord's markdown, which takes
    a bare address there), else a link of its own (``[the message](url)``); without an
    address, the words alone (``Question #1``, ``the message``)."""

    def linked(match: re.Match[str]) -> str:
        words, url = match.group(1), match.group(2)
        return f"[{words}]({url})" if url else words

    def alone(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return f"[{label}]({url})" if url else label

    return _ALONE.sub(alone, _LINKED.sub(linked, text))


def teams_markdown(text: str) -> str:
    """The bot's own text in Teams' markdown subset; fenced parts are kept as they are."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(1))
        return f"{_OPEN}{len(kept) - 1}{_CLOSE}"

    shielded = _FENCED.sub(keep, text)
    shielded = _CODE.sub(lambda m: f"**{m.group(1).lstrip('/')}**", shielded)
    shielded = shielded.replace("~~", "")
    shielded = _BLOCK_QUOTE.sub("", shielded)  # no quotes in a card: the lines stay as they are
    restore: Callable[[re.Match[str]], str] = lambda m: kept[int(m.group(1))]  # noqa: E731
    return _PLACEHOLDER.sub(restore, shielded)


class PlainMarkup:
    """References in plain text, for the few places Teams shows no markdown (a message
    answering a click): names and dates written out, nothing to format; a date in the
    reader's own zone (their Teams', as the cards show it), in words."""

    def __init__(self, catalog: Catalog, language: Language, zone: ZoneInfo | None = None) -> None:
        self._catalog = catalog
        self._language = language
        self._zone = zone

    def member(self, user_id: int) -> str:
        return self._catalog.t(self._language, "teams.markup.someone")

    def channel(self, channel_id: int) -> str:
        return self._catalog.t(self._language, "teams.markup.a_channel")

    def role(self, role_id: int) -> str:
        return self._catalog.t(self._language, "teams.markup.role")

    def moment(self, at: datetime, style: MomentStyle, language: Language) -> str:
        """« lundi 7 décembre 2026 17 h 52 », "Monday, December 7, 2026 17:52" (with
        " UTC" after it when Teams did not say the reader's zone); a relative time with
        the words its sentence needs, « le … à … », "on … at …"."""
        local = at.astimezone(self._zone or UTC)
        day = format_date(local, "full", locale=language)
        hour = format_time_of_day(local.time(), language) + ("" if self._zone else " UTC")
        if style == "relative":  # « réessayez le lundi 7 décembre 2026 à 19 h 01 »
            return self._catalog.t(language, "teams.markup.on_date", date=day, time=hour)
        return {"date": day, "day": day, "time": hour}.get(style, f"{day} {hour}")

    def message(self, link: MessageLink) -> str:
        return self._catalog.t(self._language, "teams.markup.message")

    def code(self, text: str) -> str:
        return text.removeprefix("/")

    def user_text(self, text: str) -> str:
        return text


def plain_text(
    catalog: Catalog, language: Language, content: Content, zone: ZoneInfo | None = None
) -> str:
    """``content`` as plain text: the bot's markdown dropped, references written out
    (dates in ``zone``, the reader's)."""
    text = render(content, language, catalog, PlainMarkup(catalog, language, zone))
    return _CODE.sub(lambda m: m.group(1).lstrip("/"), text).replace("**", "").replace("~~", "")
