"""What the Teams playground prints: the bot's cards as the acting member's Teams shows them.

Each card is written as its text blocks (``<at>Name</at>`` mentions as @Name, dates in
the reader's zone and language, the markdown left as typed), and whatever the member
can act on gets a number: buttons (``:click N``), download links and pictures
(``:open N``) and a form's inputs (``:submit``). A card a click changed for the acting
member alone (a form shown in place) is printed again, "only you see this".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.emulator.teams import TeamsEmulator, TeamsMessage, TeamsUser
from bot.emulator.teams.cards import inputs_of, walk
from bot.emulator.teams.dates import render_card_dates
from bot.emulator.teams.sample import SampleTeam
from bot.i18n import Language, language_for_locale
from bot.playground.common import fill_hint

_ESCAPED = re.compile(r"\\([\\\[\]*_`~#>+.-])")
_AT = re.compile(r"<at>(.*?)</at>")
JSON = dict[str, Any]


@dataclass
class Form:
    """A card with inputs the acting member can fill (``:submit``)."""

    message_id: str
    inputs: list[JSON]


@dataclass
class TeamsTranscript:
    emu: TeamsEmulator
    sample: SampleTeam
    out: TextIO
    reader: TeamsUser | None = None
    seen: dict[tuple[str, str], str] = field(default_factory=dict)
    """(message id, whose view) → the card as last printed."""
    messages: dict[int, str] = field(default_factory=dict)
    buttons: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Number → (message id, the button's title)."""
    links: dict[int, str] = field(default_factory=dict)
    form: Form | None = None

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    @property
    def language(self) -> Language:
        """The reader's Teams language."""
        return language_for_locale((self.reader or self.sample.alice).locale)

    def readable(self, text: str) -> str:
        """The text as the reader's Teams shows it."""
        reader = self.reader or self.sample.alice
        text = render_card_dates(text, reader.timezone, reader.locale).replace("\u202f", " ")
        return _ESCAPED.sub(r"\1", _AT.sub(r"@\1", text))

    def mark_all_seen(self) -> None:
        for message in self.emu.state.messages.values():
            self.seen[(message.id, "")] = _key(message.card)
            for user, card in message.user_views.items():
                self.seen[(message.id, user)] = _key(card)

    def print_news(self) -> None:
        """What the bot posted or changed since last time, oldest first."""
        reader = self.reader.id if self.reader is not None else ""
        for message in sorted(self.emu.state.messages.values(), key=lambda m: int(m.id)):
            if not message.by_bot or message.deleted:
                continue
            own = message.user_views.get(reader)
            for whose, card in (("", message.card), (reader, own)):
                if card is None or self.seen.get((message.id, whose)) == _key(card):
                    continue
                if whose and _key(card) == _key(message.card):
                    self.seen[(message.id, whose)] = _key(card)
                    continue  # what everyone sees, already printed
                changed = (message.id, whose) in self.seen
                self.seen[(message.id, whose)] = _key(card)
                self.print_card(message, card, edited=changed, yours=bool(whose))

    def place(self, message: TeamsMessage) -> str:
        found = self.emu.state.find_channel(message.conversation_id.partition(";")[0])
        if found is None:
            chat = self.emu.state.chats.get(message.conversation_id)
            names = {self.sample.user(short).id: short for short in self.sample.names()}
            members = ", ".join(names.get(m, m) for m in (chat.members if chat else []))
            return f"1:1 chat with {members}"
        where = f"#{found[1].name}"
        if message.root_id is not None:
            where += f" › reply to message {self._number(message.root_id)}"
        return where

    def print_card(
        self, message: TeamsMessage, card: JSON, *, edited: bool = False, yours: bool = False
    ) -> None:
        where = f"{self.place(message)} · message {self._number(message.id)}"
        notes = (" (edited)" if edited else "") + (" · only you see this" if yours else "")
        self.say(f"  [{where}]{notes}")
        for node in walk(card.get("body", [])):
            if node.get("type") == "TextBlock":
                for line in self.readable(str(node.get("text", ""))).splitlines():
                    self.say(f"    {line}")
            elif node.get("type") == "Image" and node.get("style") != "person":
                # A picture the card shows (a chart): saved here with :open.
                number = len(self.links) + 1
                self.links[number] = str(node.get("url"))
                self.say(f"    🖼️ {node.get('altText') or 'picture'} · :open {number}")
        self._print_actions(message, card)

    def _print_actions(self, message: TeamsMessage, card: JSON) -> None:
        shown = []
        for node in walk(card):
            if node.get("type") == "Action.Execute":
                number = len(self.buttons) + 1
                self.buttons[number] = (message.id, str(node.get("title")))
                shown.append(f"[{number}: {node.get('title')}]")
            elif node.get("type") == "Action.OpenUrl":
                number = len(self.links) + 1
                self.links[number] = str(node.get("url"))
                shown.append(f"[{node.get('title')} · :open {number}]")
        if shown:
            self.say("    " + " ".join(shown))
        inputs = list(inputs_of(card).values())
        if inputs:
            self.form = Form(message.id, inputs)
            self._print_form(inputs)

    def _print_form(self, inputs: list[JSON]) -> None:
        for number, item in enumerate(inputs, start=1):
            optional = "" if item.get("isRequired") else " (optional)"
            now = f" (now: {item['value']})" if item.get("value") not in (None, "") else ""
            choices = ", ".join(f"{c['value']} = {c['title']}" for c in item.get("choices", []))
            choose = f" — choose {choices}" if choices and len(choices) < 300 else ""
            if choices and not choose:
                choose = f" — choose one of {len(item['choices'])} (by name)"
            self.say(f"    {number}. {item.get('label', item['id'])}{optional}{now}{choose}")
        self.say(fill_hint([str(item["id"]) for item in inputs], self.language))

    def _number(self, message_id: str) -> int:
        for number, known in self.messages.items():
            if known == message_id:
                return number
        self.messages[len(self.messages) + 1] = message_id
        return len(self.messages)


def _key(card: JSON | None) -> str:
    return json.dumps(card, sort_keys=True)
