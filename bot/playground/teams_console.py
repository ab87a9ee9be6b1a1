"""The Teams playground's console: commands typed to the bot, clicks and forms, as a member.

A line is a command typed to the bot where the acting member is: a channel of the team
(mentioning the bot, as Teams members do) or their 1:1 chat with it (``:in``); a line
may name its channel first (``#Check-ins checkin schedule day:Monday time:09:30``).
Members are ``@name`` (``member:@bob``), channels by name (``channel:Questions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from bot.app import App
from bot.clock import ControlledClock
from bot.emulator.teams import InboundResult, TeamsEmulator, TeamsMessage, TeamsUser
from bot.emulator.teams.cards import CardError, walk
from bot.emulator.teams.sample import SampleTeam
from bot.playground.common import (
    Action,
    ConsoleLoop,
    advance_to,
    duration,
    field_name,
    form_values,
    free_path,
    numbered,
)
from bot.playground.teams_transcript import TeamsTranscript
from teams.markup import teams_instant

HELP = """\
Type a command to the bot, options as name:value, e.g.
  plc status
  me timezone name:Europe/Paris
  meeting schedule title:"Team meeting" when:"Dec 3 3:30pm" repeat:weekly
A line goes where you are (:in); start it with #Channel to type it there once.
Members are @name (member:@bob), channels their name (channel:Questions); help lists
every command, and a member whose Teams is in French may type the French names.
  :as NAME          act as another member of the team ({members})
  :in #Channel      type in a channel of the team (mentioning the bot); :in chat, in
                    your 1:1 chat with the bot
  :lang fr|en       the acting member's Teams language (replies follow it)
  :click N          press button N of the transcript
  :submit A | B     fill the open form, fields in order (empty keeps it blank),
                    or by name: :submit title:Reading due:2027-06-30
  :open N           show the file behind download link N (a picture: saved here)
  :advance 2h       move the clock (m, h, d, w) and run what became due
  :read #Channel    show the last messages of a channel (or :read chat)
  :who              members and channels of the team
  :help  :quit"""
LOCALES = {"fr": "fr-CA", "en": "en-US"}
JSON = dict[str, Any]
_MEMBER = re.compile(r"(?<=:)@(\w+)")


@dataclass
class TeamsConsole(ConsoleLoop):
    emu: TeamsEmulator
    sample: SampleTeam
    clock: ControlledClock
    app: App
    out: TextIO
    member: str = "alice"
    where: str = "General"
    """A channel's name, or ``chat`` (the 1:1 chat with the bot)."""
    transcript: TeamsTranscript = field(init=False)

    def __post_init__(self) -> None:
        self.transcript = TeamsTranscript(self.emu, self.sample, self.out, self._user())

    def say(self, text: str = "") -> None:
        self.transcript.say(text)

    def _user(self) -> TeamsUser:
        return self.sample.user(self.member)

    async def _before(self) -> None:
        self.transcript.reader = self._user()

    def _actions(self) -> dict[str, Action]:
        return {
            "help": lambda _: self.say(HELP.format(members=", ".join(self.sample.names()))),
            "as": self._act_as,
            "in": self._go,
            "lang": self._switch_language,
            "read": self._read,
            "who": lambda _: self._who(),
            "click": self._click,
            "submit": self._submit,
            "open": self._open,
            "advance": self._advance,
        }

    async def _action(self, verb: str, rest: str) -> None:
        await super()._action(verb, rest)
        self.print_news()

    async def _advance(self, text: str) -> None:
        target = self.clock.now() + duration(text)
        await advance_to(self.clock, self.app.core.scheduler, target, self.print_news)
        self.say(f"  clock: {self.transcript.readable(_full(target))}")

    def print_news(self) -> None:
        self.transcript.print_news()

    # -- where and who --------------------------------------------------------------------

    def _act_as(self, name: str) -> None:
        if name not in self.sample.names():
            raise LookupError(f"no member {name!r}; members: {', '.join(self.sample.names())}")
        self.member = name
        self.transcript.reader = self._user()
        self.say(f"  now acting as {name} ({self._user().name})")

    def _go(self, place: str) -> None:
        name = place.lstrip("#").strip()
        self.where = "chat" if name.casefold() == "chat" else self._channel(name)
        self.say(f"  {self.member} now types in {self._here()}")

    def _here(self) -> str:
        return "their 1:1 chat with the bot" if self.where == "chat" else f"#{self.where}"

    def _channel(self, name: str) -> str:
        for channel in self.sample.team.channels.values():
            if channel.name.casefold() == name.casefold():
                return channel.name
        names = ", ".join(f"#{c.name}" for c in self.sample.team.channels.values())
        raise LookupError(f"no channel {name!r}; channels: {names}")

    def _switch_language(self, language: str) -> None:
        if language not in LOCALES:
            raise LookupError("give :lang fr or :lang en")
        self._user().locale = LOCALES[language]
        self.say(f"  {self.member} now uses Teams in {'French' if language == 'fr' else 'English'}")

    def _who(self) -> None:
        for short in self.sample.names():
            user = self.sample.user(short)
            owner = " (owns the team)" if user.id in self.sample.team.owners else ""
            self.say(f"  @{short}: {user.name}, Teams in {user.locale}{owner}")
        channels = ", ".join(f"#{c.name}" for c in self.sample.team.channels.values())
        self.say(f"  team “{self.sample.team.name}”: {channels}")

    def _read(self, place: str) -> None:
        name = place.lstrip("#").strip()
        if name.casefold() == "chat":
            messages = self.emu.bot_messages_to(self._user())
        else:
            channel = self.sample.channel(self._channel(name))
            messages = [m for m in self.emu.messages_in(channel.id) if m.by_bot]
        for message in messages[-10:]:
            card = message.card_for(self._user().id)
            if card is not None:
                self.transcript.print_card(message, card)

    # -- acting ---------------------------------------------------------------------------

    async def _typed(self, line: str) -> None:
        where = self.where
        if line.startswith("#"):
            name, _, line = line[1:].partition(" ")
            where = self._channel(name)
        text = line.removeprefix("/")
        naming = [self.sample.user(n) for n in _MEMBER.findall(text) if n in self.sample.names()]
        for user in naming:
            short = next(n for n in self.sample.names() if self.sample.user(n) is user)
            text = text.replace(f"@{short}", f"@{user.name}")
        if where == "chat":
            result = await self.emu.send_personal(self._user(), text)
        else:
            channel = self.sample.channel(where)
            result = await self.emu.mention(self._user(), channel, text, naming=tuple(naming))
        self._answered(result)
        self.print_news()

    async def _click(self, text: str) -> None:
        message_id, title = numbered(self.transcript.buttons, text, "button")
        message = self.emu.state.messages[message_id]
        self._visible(message, f"button {text.strip()}")
        try:
            result = await self.emu.execute(self._user(), message, title)
        except CardError:
            # The bot changed the card since (a form sent, a check-in closed).
            place = self.transcript.place(message)
            where = f"#{place.removeprefix('#').split(' › ')[0]}" if place[0] == "#" else "chat"
            raise LookupError(
                f"button {text.strip()} is no longer on its card (the bot changed it since); "
                f":read {where} shows the buttons it has now"
            ) from None
        self._answered(result, on=message)

    def _visible(self, message: TeamsMessage, what: str) -> None:
        """Refuse to act on a message in another member's 1:1 chat, which Teams never
        shows them (the bot would take that chat for theirs)."""
        chat = self.emu.state.chats.get(message.conversation_id)
        if chat is None or self._user().id in chat.members:
            return
        owner = next((n for n in self.sample.names() if self.sample.user(n).id in chat.members), "")
        raise LookupError(
            f"{what} is in {owner}'s 1:1 chat with the bot, which only {owner} sees; "
            f":as {owner} to act there"
        )

    async def _submit(self, text: str) -> None:
        form = self.transcript.form
        if form is None:
            raise LookupError("no form is open")
        message = self.emu.state.messages[form.message_id]
        self._visible(message, "the open form")
        language = self.transcript.language
        names = [
            (field_name(str(item["id"]), language), str(item["id"]), str(item.get("label", "")))
            for item in form.inputs
        ]
        values = form_values(text, names)
        filled = {}
        for item, value in zip(form.inputs, values, strict=False):
            if value:
                filled[item["id"]] = _choice(item, value)
        submit = _submit_verb(message.card_for(self._user().id) or {})
        self.transcript.form = None
        try:
            result = await self.emu.execute(self._user(), message, submit, inputs=filled)
        except CardError as refused:  # Teams does not send it: the card keeps what was typed
            self.transcript.form = form
            raise LookupError(f"{refused}; the form is still open: :submit again") from None
        self._answered(result, on=message)
        if self.transcript.form is None and _submit_in(message.card_for(self._user().id)):
            # Refused: the card keeps its inputs (Teams keeps what was typed in them), so
            # the member corrects a field and submits again.
            self.transcript.form = form
            self.say("  the form is still open: correct it and :submit again")

    async def _open(self, text: str) -> None:
        url = numbered(self.transcript.links, text, "download link")
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            if response.status != 200:
                raise LookupError("the file is gone (the bot keeps shared files a day)")
            data = await response.read()
            name = response.content_disposition.filename if response.content_disposition else None
        name = name or "file"
        if not response.content_type.startswith("image/") and b"\x00" not in data:
            self.say(f"  {name}:")
            for line in data.decode("utf-8", errors="replace").splitlines():
                self.say(f"    │ {line}")
            return
        saved = free_path(Path.cwd(), name)
        saved.write_bytes(data)
        self.say(f"  {name} saved to {saved}")

    def _answered(self, result: InboundResult, on: TeamsMessage | None = None) -> None:
        """What Teams showed the member that is not a card: a refusal of the bot's endpoint,
        or a message answering a click (shown on the card clicked, ``on``)."""
        body = result.body if isinstance(result.body, dict) else {}
        if result.status >= 400:
            self.say(f"  ! the bot answered {result.status}")
        elif body.get("type") == "application/vnd.microsoft.activity.message":
            where = self._here() if on is None else self.transcript.place(on)
            self.say(f"  [{where} · only you see this]")
            self.say(f"    {self.transcript.readable(str(body.get('value')))}")


SUBMIT_VERBS = ("plc.form", "plc.command")
"""The verbs of a form's submit button (a feature's form, a command's)."""


def _submit_verb(card: JSON) -> str:
    verb = _submit_in(card)
    if verb is None:
        raise LookupError("this form has no submit button any more")
    return verb


def _submit_in(card: JSON | None) -> str | None:
    """The verb of the card's submit button, if it still has one."""
    for node in walk(card or {}):
        if node.get("type") == "Action.Execute" and node.get("verb") in SUBMIT_VERBS:
            return str(node["verb"])
    return None


def _choice(item: JSON, typed: str) -> str:
    """A choice by its value or by the name shown; anything else as typed."""
    for choice in item.get("choices") or []:
        if typed.casefold() in (str(choice["value"]).casefold(), str(choice["title"]).casefold()):
            return str(choice["value"])
    return typed


def _full(instant: datetime) -> str:
    """The clock's time as a card would show it (``{{DATE}}`` and ``{{TIME}}``)."""
    at = teams_instant(instant)
    return f"{{{{DATE({at}, LONG)}}}} {{{{TIME({at})}}}}"
