"""What the playground prints: the bot's messages as Discord's client would show them.

Mentions become names, Discord's timestamps read in the viewer's zone and language
against the emulated clock, and whatever the member can act on gets a number:
buttons (``:click N``), menus (``:select N``), messages (``:apps … on N``) and files
(``:open N``). A number stays with its message or file for the whole run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from bot.clock import ControlledClock
from bot.emulator import Emulator, Message
from bot.emulator.markup import render_mentions, render_timestamp, render_timestamps
from bot.emulator.sample import SampleGuild

_ESCAPED = re.compile(r"\\([\\\[\]()<>*_`~|#>-])")
_BUTTON, _SELECTS = 2, (3, 5, 6, 7, 8)


@dataclass
class Transcript:
    emu: Emulator
    guild: SampleGuild
    clock: ControlledClock
    out: TextIO
    #: The viewer's time zone and language, for timestamps (set for each line).
    zone: str = "UTC"
    language: str = "en"
    seen: dict[int, str | None] = field(default_factory=dict)
    buttons: dict[int, tuple[int, str]] = field(default_factory=dict)
    selects: dict[int, tuple[int, str]] = field(default_factory=dict)
    messages: dict[int, int] = field(default_factory=dict)
    files: dict[int, int] = field(default_factory=dict)
    """Numbers given to messages (to their ids) and to files (to attachment ids)."""

    def say(self, text: str = "") -> None:
        print(self.humanize(text), file=self.out, flush=True)

    def humanize(self, text: str) -> str:
        """Show mentions and timestamps as Discord's client would render them now."""
        state = self.emu.state
        channels = {c.id: c.name for c in state.channels.values() if c.name is not None}
        names = {v: k for k, v in self.guild.users.items()}
        roles = {v: k for k, v in self.guild.roles.items()}
        text = render_mentions(text, channels, names, roles)
        text = _ESCAPED.sub(r"\1", text)  # Discord shows "\-" as "-"
        return render_timestamps(text, self.zone, self.clock.now(), self.language)

    def full_date(self, instant: datetime) -> str:
        """A date and time in full, as the viewer's client writes it (Discord's ``F`` style)."""
        now = self.clock.now()
        return render_timestamp(int(instant.timestamp()), "F", self.zone, now, self.language)

    def mark_all_seen(self) -> None:
        """What is already there is not news: print only what comes after."""
        self.seen.update({m.id: _stamp(m) for m in self.emu.state.messages.values()})

    def print_news(self) -> None:
        """Print what the bot posted or edited since last time, oldest first."""
        for message in sorted(self.emu.state.messages.values(), key=lambda m: m.id):
            if message.loading or message.deleted:
                continue
            if message.author_id != self.emu.bot_user_id:
                continue
            if self.seen.get(message.id) == _stamp(message):
                continue
            edited = message.id in self.seen
            self.seen[message.id] = _stamp(message)
            self.print_message(message, edited=edited)

    def print_message(self, message: Message, *, edited: bool) -> None:
        where = self.place(message)
        if message.ephemeral:
            where += " · only the user sees this"
        else:
            where += f" · message {self._number(self.messages, message.id)}"
        self.say(f"  [{where}]{' (edited)' if edited else ''}")
        for line in (message.content or "").splitlines():
            self.say(f"    {line}")
        for embed in message.embeds:
            self._print_embed(embed)
        for attachment in message.attachments:
            number = self._number(self.files, attachment.id)
            size = len(attachment.data)
            self.say(f"    📎 {attachment.filename} ({size} bytes) · :open {number}")
        self._print_components(message)

    def _print_embed(self, embed: dict[str, object]) -> None:
        author = embed.get("author")
        if isinstance(author, dict) and author.get("name"):
            # Discord shows the author above the title, with a picture.
            self.say(f"    ┃ 👤 {author['name']}")
        if embed.get("title"):
            self.say(f"    ┃ {embed['title']}")
        for line in str(embed.get("description") or "").splitlines():
            self.say(f"    ┃ {line}")
        fields = embed.get("fields")
        for embed_field in fields if isinstance(fields, list) else []:
            first, *rest = str(embed_field["value"]).splitlines() or [""]
            name = str(embed_field["name"])
            if not name.strip("\u200b "):
                # Discord shows a field named with a zero-width space as its value alone.
                self.say(f"    ┃ {first}")
            else:
                self.say(f"    ┃ {name}: {first}")
            for line in rest:
                self.say(f"    ┃   {line}")
        footer = embed.get("footer")
        if isinstance(footer, dict):
            self.say(f"    ┃ — {footer.get('text', '')}")

    def _print_components(self, message: Message) -> None:
        for component in message.iter_components():
            custom_id = component.get("custom_id")
            if custom_id is None:
                continue
            if component.get("type") == _BUTTON:
                number = len(self.buttons) + 1
                self.buttons[number] = (message.id, custom_id)
                label = component.get("label") or component.get("emoji", {}).get("name", "")
                state = " (disabled)" if component.get("disabled") else ""
                self.say(f"    [{number}: {label}]{state}")
            elif component.get("type") in _SELECTS:
                number = len(self.selects) + 1
                self.selects[number] = (message.id, custom_id)
                options = ", ".join(o.get("value", "") for o in component.get("options") or [])
                self.say(f"    <menu {number}: {component.get('placeholder', '')} {options}>")

    def place(self, message: Message) -> str:
        channel = self.emu.state.channels.get(message.channel_id)
        if channel is None:
            return "?"
        if channel.guild_id is None:
            names = {v: k for k, v in self.guild.users.items()}
            recipients = getattr(channel, "recipient_ids", []) or []
            return "DM to " + ", ".join(names.get(r, str(r)) for r in recipients)
        return f"#{channel.name}"

    @staticmethod
    def _number(table: dict[int, int], target: int) -> int:
        """The number ``target`` already has, else the next one."""
        for number, known in table.items():
            if known == target:
                return number
        table[len(table) + 1] = target
        return len(table)


def _stamp(message: Message) -> str | None:
    return message.edited_timestamp or message.timestamp
