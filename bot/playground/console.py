"""The playground's console: slash commands, clicks and forms typed as a sample member."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.clock import ControlledClock
from bot.emulator import Channel, Emulator, InteractionResult, Modal, ResponseType
from bot.emulator.markup import viewer_language
from bot.emulator.sample import SampleGuild
from bot.i18n import language_for_locale
from bot.services.community import CommunityService, MemberService
from cogs.client import PlcBot

from .common import (
    Action,
    ConsoleLoop,
    advance_to,
    duration,
    field_name,
    fill_hint,
    form_values,
    free_path,
    numbered,
)
from .transcript import Transcript

HELP = """\
Type a slash command as the current member, options as name:value, e.g.
  /plc status
  /me timezone name:Europe/Paris
  /meeting schedule title:"Team meeting" when:"Dec 3 3:30pm" repeat:weekly
Channels are #name, members @name, roles @&name (e.g. checkin_channel:#check-ins).
A member whose Discord is in French may type the French names (/cap etat).
  :as NAME          act as another sample member ({members})
  :lang fr|en       the acting member's Discord language (replies follow it)
  :click N          press button N of the transcript
  :select N VALUE   choose VALUE in select menu N
  :submit A | B     fill the open form, fields in order (empty keeps it blank),
                    or by name: :submit title:Reading due:2027-06-30
  :apps NAME on N   run the message command NAME (Apps › NAME) on message N
  :open N           show file N of the transcript (an image is saved here)
  :advance 2h       move the clock (m, h, d, w) and run what became due
  :read #channel    show the last messages of a channel or thread (or :read dm)
  :who              members, channels, threads and roles of the sample server
  :help  :quit"""

_APPS = re.compile(r"^(?P<name>.+?)\s+on\s+(?:message\s+)?(?P<number>\S+)$", re.IGNORECASE)
SETTLE_SECONDS = 0.3
LOCALES = {"fr": "fr", "en": "en-US"}  # the Discord locale of each language


@dataclass
class Console(ConsoleLoop):
    emu: Emulator
    guild: SampleGuild
    clock: ControlledClock
    bot: PlcBot
    out: TextIO
    member: str = "alice"
    modal: Modal | None = None
    transcript: Transcript = field(init=False)
    refusals = (LookupError, ValueError, PermissionError)

    def __post_init__(self) -> None:
        self.transcript = Transcript(self.emu, self.guild, self.clock, self.out)

    def say(self, text: str = "") -> None:
        self.transcript.say(text)

    async def _see_as_member(self) -> None:
        """Timestamps as Discord shows them to the acting member: in their zone (own, else
        the community's) and their Discord language."""
        guild_id, user_id = self.guild.id, self._user_id()
        zone = "UTC"
        member = await self.bot.services.get(MemberService).get(guild_id, user_id)
        community = await self.bot.services.get(CommunityService).get(guild_id)
        if member is not None and member.timezone:
            zone = member.timezone
        elif community is not None:
            zone = community.timezone
        self.transcript.zone = zone
        self.transcript.language = viewer_language(self.emu.state.users[user_id].locale)

    # -- input ------------------------------------------------------------------------

    async def _before(self) -> None:
        await self._see_as_member()

    async def _typed(self, line: str) -> None:
        if line.startswith("/"):
            await self._slash(line[1:])
        else:
            self.say("  (commands start with / and console actions with :; try :help)")

    def _actions(self) -> dict[str, Action]:
        return {
            "help": lambda _: self.say(HELP.format(members=", ".join(self.guild.users))),
            "as": self._act_as,
            "lang": self._switch_language,
            "click": self._click,
            "select": self._select,
            "submit": self._submit,
            "apps": self._apps,
            "open": self._open,
            "advance": self._advance,
            "read": self._read,
            "who": lambda _: self._who(),
        }

    async def _click(self, text: str) -> None:
        message_id, custom_id = numbered(self.transcript.buttons, text, "button")
        message = self.emu.state.messages.get(message_id)
        if message is not None and not message.deleted and not message.find_component(custom_id):
            # The bot edited the message since (an approved question, a closed check-in).
            channel = self.emu.state.channel(message.channel_id)
            where = f"#{channel.name}" if channel.guild_id else "dm"
            raise LookupError(
                f"button {text.strip()} is no longer on its message (the bot changed it since); "
                f":read {where} shows the buttons it has now"
            )
        await self._show(await self.emu.click(self._user_id(), message_id, custom_id))

    async def _select(self, text: str) -> None:
        number, _, value = text.partition(" ")
        message_id, custom_id = numbered(self.transcript.selects, number, "menu")
        result = await self.emu.click(
            self._user_id(), message_id, custom_id, values=[v.strip() for v in value.split(",")]
        )
        await self._show(result)

    def _act_as(self, name: str) -> None:
        if name not in self.guild.users:
            raise LookupError(f"no member {name!r}; members: {', '.join(self.guild.users)}")
        self.member = name
        self.say(f"  now acting as {name}")

    def _switch_language(self, language: str) -> None:
        if language not in LOCALES:
            raise LookupError("give :lang fr or :lang en")
        self.emu.state.users[self._user_id()].locale = LOCALES[language]
        self.transcript.language = language
        self.say(
            f"  {self.member} now uses Discord in {'French' if language == 'fr' else 'English'}"
        )

    async def _slash(self, text: str) -> None:
        words = shlex.split(text)
        path = [w for w in words if ":" not in w]
        options = dict(self._option(w) for w in words if ":" in w)
        result = await self.emu.slash(
            self.guild.id, self._user_id(), " ".join(path), options=options
        )
        await self._show(result)

    def _option(self, word: str) -> tuple[str, Any]:
        name, _, value = word.partition(":")
        if value.startswith("#") and value[1:] in self.guild.channels:
            return name, self.guild.channels[value[1:]]
        if value.startswith("@&") and value[2:] in self.guild.roles:
            return name, self.guild.roles[value[2:]]
        if value.startswith("@") and value[1:] in self.guild.users:
            return name, self.guild.users[value[1:]]
        if value.lower() in ("true", "false"):
            return name, value.lower() == "true"
        return name, value

    async def _submit(self, text: str) -> None:
        if self.modal is None:
            raise LookupError("no form is open")
        language = language_for_locale(self.emu.state.users[self._user_id()].locale)
        fields = self.modal.fields
        names = [(field_name(f.custom_id, language), f.custom_id, f.label or "") for f in fields]
        values = form_values(text, names)
        filled: dict[str, Any] = {}
        for form_field, value in zip(self.modal.fields, values, strict=False):
            if not value:
                continue
            if form_field.options:  # a menu: chosen by its value or by the label shown
                filled[form_field.custom_id] = _option_value(form_field.options, value)
            else:
                filled[form_field.custom_id] = value
        try:
            result = await self.emu.submit_modal(self._user_id(), self.modal, filled)
        except ValueError as refused:  # Discord does not send it: the form stays open
            raise LookupError(f"{refused}; the form is still open: :submit again") from None
        self.modal = None
        await self._show(result)

    async def _apps(self, text: str) -> None:
        """Apps › NAME on a message, as a right-click on it in Discord."""
        given = _APPS.match(text)
        if given is None:
            locale = self.emu.state.users[self._user_id()].locale
            names = [
                (c.payload.get("name_localizations") or {}).get(locale) or c.name
                for scope in (self.guild.id, None)
                for c in self.emu.state.commands_for(scope)
                if c.type == 3
            ]
            self.say(f"  message commands (Apps ›): {', '.join(sorted(names)) or 'none'}")
            if text:
                raise LookupError("give :apps NAME on N, N being a message number")
            self.say("  run one with :apps NAME on N, N being a message number")
            return
        message_id = numbered(self.transcript.messages, given["number"], "message")
        result = await self.emu.message_command(
            self.guild.id, self._user_id(), given["name"], message_id
        )
        await self._show(result)

    def _open(self, text: str) -> None:
        attachment_id = numbered(self.transcript.files, text, "file")
        attachment = self.emu.state.attachment(attachment_id)
        if attachment is None:
            raise LookupError(f"file {text} is gone")
        if not attachment.content_type.startswith("image/"):
            try:
                content = attachment.data.decode("utf-8")
            except UnicodeDecodeError:
                content = None
            if content is not None and "\x00" not in content:
                self.say(f"  {attachment.filename}:")
                for line in content.splitlines():
                    print(f"    │ {line}", file=self.out, flush=True)
                return
        saved = free_path(Path.cwd(), attachment.filename)
        saved.write_bytes(attachment.data)
        self.say(f"  {attachment.filename} saved to {saved}")

    async def _advance(self, text: str) -> None:
        target = self.clock.now() + duration(text)
        await advance_to(self.clock, self.bot.core.scheduler, target, self.transcript.print_news)
        self.say(f"  clock: {self.transcript.full_date(target)}")
        await self.settle()

    def _read(self, target: str) -> None:
        if target == "dm":
            messages = self.emu.dms_to(self._user_id())
        else:
            messages = self.emu.messages_in(self._channel(target).id)
        for message in messages[-10:]:
            self.transcript.print_message(message, edited=False)

    def _channel(self, target: str) -> Channel:
        """A channel or thread of the sample server by name (``#check-ins``, ``#Check-in
        2026-W48``); threads the bot made live on in the saved world, so they are looked up
        there, not in the list of sample channels."""
        name = target.lstrip("#").strip()
        if name in self.guild.channels:
            return self.emu.state.channel(self.guild.channels[name])
        wanted = name.casefold()
        found = [c for c in self._readable() if (c.name or "").casefold() == wanted]
        # A session's thread is "PLC meeting — <meeting>": its protocol is enough to name it.
        found = found or [
            c
            for c in self._readable()
            if c.is_thread and (c.name or "").casefold().startswith(wanted)
        ]
        if found:
            return found[-1]
        raise LookupError(
            f"no channel or thread {target!r}; channels: "
            + ", ".join(f"#{c}" for c in self.guild.channels)
            + "".join(f", #{c.name}" for c in self._readable() if c.is_thread)
        )

    def _readable(self) -> list[Channel]:
        return [
            c
            for c in self.emu.state.channels.values()
            if c.guild_id == self.guild.id and not c.deleted
        ]

    def _who(self) -> None:
        threads = [f"#{c.name}" for c in self._readable() if c.is_thread]
        self.say(f"  members: {', '.join(self.guild.users)}")
        self.say(f"  channels: {', '.join('#' + c for c in self.guild.channels)}")
        if threads:
            self.say(f"  threads: {', '.join(threads)}")
        self.say(f"  roles: {', '.join('@&' + r for r in self.guild.roles)}")

    # -- output -----------------------------------------------------------------------

    def _user_id(self) -> int:
        return self.guild.users[self.member]

    async def _show(self, result: InteractionResult) -> None:
        if result.response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE:
            # "The bot is thinking…": the answer comes when the work is done.
            with contextlib.suppress(TimeoutError):
                await result.final(timeout=10)
        if result.modal is not None:
            self.modal = result.modal
            self.say(f"  [form] {result.modal.title}")
            for number, form_field in enumerate(result.modal.fields, start=1):
                value = f" (now: {form_field.value})" if form_field.value else ""
                optional = "" if form_field.required else " (optional)"
                choices = ", ".join(
                    f"{o['value']} = {o['label']}" + (" (chosen)" if o.get("default") else "")
                    for o in form_field.options
                )
                choose = f" — choose {choices}" if choices else ""
                self.say(f"    {number}. {form_field.label}{optional}{value}{choose}")
            language = language_for_locale(self.emu.state.users[self._user_id()].locale)
            self.say(fill_hint([f.custom_id for f in result.modal.fields], language))
        await self.settle()

    async def settle(self) -> None:
        """Print what the bot posted or edited, once it has been quiet for a moment."""
        for _ in range(int(3 / SETTLE_SECONDS)):
            before = self._changes()
            await asyncio.sleep(SETTLE_SECONDS)
            if self._changes() == before:
                break
        self.transcript.print_news()

    def _changes(self) -> tuple[int, int]:
        messages = self.emu.state.messages.values()
        return len(messages), sum(1 for m in messages if m.edited_timestamp)


def _option_value(options: list[dict[str, Any]], typed: str) -> str:
    for option in options:
        if typed.casefold() in (str(option["value"]).casefold(), str(option["label"]).casefold()):
            return str(option["value"])
    return typed  # the emulator says which values the menu takes
