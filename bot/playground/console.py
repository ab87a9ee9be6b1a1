"""The playground's console: slash commands, clicks and forms typed as a sample member."""

from __future__ import annotations

import asyncio
import re
import shlex
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TextIO

from bot.clock import ControlledClock
from bot.emulator import Emulator, InteractionResult, Message, Modal
from bot.emulator.markup import render_timestamps
from bot.emulator.sample import SampleGuild
from bot.services.community import CommunityService
from bot.services.members import MemberService
from cogs.client import PlcBot

HELP = """\
Type a slash command as the current member, options as name:value, e.g.
  /plc status
  /me timezone name:Europe/Paris
  /meeting schedule title:"Team meeting" when:"Dec 3 3:30pm" repeat:weekly
Channels are #name, members @name, roles @&name (e.g. checkin_channel:#check-ins).
  :as NAME          act as another sample member ({members})
  :lang fr|en       the acting member's Discord language (replies follow it)
  :click N          press button N of the transcript
  :select N VALUE   choose VALUE in select menu N
  :submit A | B     fill the open form, fields in order (empty keeps it blank)
  :advance 2h       move the clock (m, h, d, w) and run what became due
  :read #channel    show the last messages of a channel (or :read dm)
  :who              members, channels and roles of the sample server
  :help  :quit"""

_DURATION = re.compile(r"^(?:\d+(?:min|m|h|d|w))+$")
_DURATION_PART = re.compile(r"(\d+)(min|m|h|d|w)")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SETTLE_SECONDS = 0.3
LOCALES = {"fr": "fr", "en": "en-US"}  # the Discord locale of each language
_ESCAPED = re.compile(r"\\([\\\[\]()<>*_`~|#>-])")


@dataclass
class Console:
    emu: Emulator
    guild: SampleGuild
    clock: ControlledClock
    bot: PlcBot
    out: TextIO
    member: str = "alice"
    seen: dict[int, str | None] = field(default_factory=dict)
    buttons: dict[int, tuple[int, str]] = field(default_factory=dict)
    selects: dict[int, tuple[int, str]] = field(default_factory=dict)
    modal: Modal | None = None
    zone: str = "UTC"

    def say(self, text: str = "") -> None:
        print(self._humanize(text), file=self.out, flush=True)

    def _humanize(self, text: str) -> str:
        """Show mentions and timestamps as Discord's client would render them."""
        state = self.emu.state
        names = {v: k for k, v in self.guild.users.items()}

        def channel(match: re.Match[str]) -> str:
            found = state.channels.get(int(match.group(1)))
            return f"#{found.name}" if found is not None else match.group(0)

        def role(match: re.Match[str]) -> str:
            roles = {v: k for k, v in self.guild.roles.items()}
            return f"@{roles.get(int(match.group(1)), match.group(1))}"

        text = re.sub(r"<#(\d+)>", channel, text)
        text = re.sub(r"<@&(\d+)>", role, text)
        text = re.sub(r"<@!?(\d+)>", lambda m: f"@{names.get(int(m.group(1)), m.group(1))}", text)
        text = _ESCAPED.sub(r"\1", text)  # Discord shows "\-" as "-"
        return render_timestamps(text, self.zone, self.clock.now())

    async def _viewer_zone(self) -> str:
        """The acting member's time zone, as Discord would use theirs: own, else community's."""
        guild_id, user_id = self.guild.id, self._user_id()
        member = await self.bot.services.get(MemberService).get(guild_id, user_id)
        if member is not None and member.timezone:
            return member.timezone
        community = await self.bot.services.get(CommunityService).get(guild_id)
        return community.timezone if community is not None else "UTC"

    # -- input ------------------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """Run one line; False to quit."""
        line = line.strip()
        if not line or line.startswith("#!"):
            return True
        self.say(f"{self.member}> {line}")
        self.zone = await self._viewer_zone()
        try:
            if line.startswith("/"):
                await self._slash(line[1:])
            elif line.startswith(":"):
                return await self._meta(line[1:])
            else:
                self.say("  (commands start with / and console actions with :; try :help)")
        except (LookupError, ValueError, PermissionError) as exc:
            self.say(f"  ! {exc}")
        return True

    async def _meta(self, text: str) -> bool:
        verb, _, rest = text.partition(" ")
        rest = rest.strip()
        if verb in ("quit", "q", "exit"):
            return False
        if verb == "help":
            self.say(HELP.format(members=", ".join(self.guild.users)))
        elif verb == "as":
            if rest not in self.guild.users:
                raise LookupError(f"no member {rest!r}; members: {', '.join(self.guild.users)}")
            self.member = rest
            self.say(f"  now acting as {rest}")
        elif verb == "lang":
            if rest not in LOCALES:
                raise LookupError("give :lang fr or :lang en")
            self.emu.state.users[self._user_id()].locale = LOCALES[rest]
            self.say(
                f"  {self.member} now uses Discord in {'French' if rest == 'fr' else 'English'}"
            )
        elif verb == "click":
            message_id, custom_id = self._numbered(self.buttons, rest, "button")
            await self._show(await self.emu.click(self._user_id(), message_id, custom_id))
        elif verb == "select":
            number, _, value = rest.partition(" ")
            message_id, custom_id = self._numbered(self.selects, number, "menu")
            result = await self.emu.click(
                self._user_id(), message_id, custom_id, values=[v.strip() for v in value.split(",")]
            )
            await self._show(result)
        elif verb == "submit":
            await self._submit(rest)
        elif verb == "advance":
            await self._advance(rest)
        elif verb == "read":
            self._read(rest)
        elif verb == "who":
            self.say(f"  members: {', '.join(self.guild.users)}")
            self.say(f"  channels: {', '.join('#' + c for c in self.guild.channels)}")
            self.say(f"  roles: {', '.join('@&' + r for r in self.guild.roles)}")
        else:
            raise LookupError(f"unknown action :{verb}; try :help")
        return True

    def _numbered(self, table: dict[int, tuple[int, str]], text: str, what: str) -> tuple[int, str]:
        try:
            return table[int(text)]
        except (ValueError, KeyError):
            raise LookupError(f"no {what} number {text!r} in the transcript") from None

    async def _slash(self, text: str) -> None:
        words = shlex.split(text)
        path = [w for w in words if ":" not in w]
        options = dict(self._option(w) for w in words if ":" in w)
        result = await self.emu.slash(self.guild.id, self._user_id(), " ".join(path), **options)
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
        values = [v.strip() for v in text.split("|")] if text else []
        fields = self.modal.fields
        filled = {f.custom_id: v for f, v in zip(fields, values, strict=False) if v}
        modal, self.modal = self.modal, None
        await self._show(await self.emu.submit_modal(self._user_id(), modal, filled))

    async def _advance(self, text: str) -> None:
        compact = text.replace(" ", "")
        if not _DURATION.match(compact):
            raise ValueError("give a duration such as 30m, 2h, 1d, 1w or 1d12h")
        step = timedelta()
        for amount, unit in _DURATION_PART.findall(compact):
            step += timedelta(**{_UNITS[unit]: int(amount)})
        target = self.clock.now() + step
        scheduler = self.bot.core.scheduler
        # Step through each due time, as a bot that stayed up would, not as one that was down.
        previous = None
        while (due := await scheduler.next_due()) is not None and previous != due <= target:
            previous = due  # a timer nobody handles stays due: do not spin on it
            await self.clock.set(max(due, self.clock.now()))
            await scheduler.run_due()
        await self.clock.set(target)
        await scheduler.run_due()
        self.say(
            f"  clock: {render_timestamps(f'<t:{int(target.timestamp())}:F>', self.zone, target)}"
        )
        await self.settle()

    # -- output -----------------------------------------------------------------------

    def _user_id(self) -> int:
        return self.guild.users[self.member]

    async def _show(self, result: InteractionResult) -> None:
        if result.modal is not None:
            self.modal = result.modal
            self.say(f"  [form] {result.modal.title}")
            for number, form_field in enumerate(result.modal.fields, start=1):
                value = f" (now: {form_field.value})" if form_field.value else ""
                optional = "" if form_field.required else " (optional)"
                self.say(f"    {number}. {form_field.label}{optional}{value}")
            self.say("  fill it with :submit value 1 | value 2 | …")
        await self.settle()

    async def settle(self) -> None:
        """Print what the bot posted or edited, once it has been quiet for a moment."""
        for _ in range(int(3 / SETTLE_SECONDS)):
            before = self._changes()
            await asyncio.sleep(SETTLE_SECONDS)
            if self._changes() == before:
                break
        for message in sorted(self.emu.state.messages.values(), key=lambda m: m.id):
            if message.loading or message.deleted:
                continue
            if message.author_id != self.emu.bot_user_id:
                continue
            stamp = message.edited_timestamp or message.timestamp
            if self.seen.get(message.id) == stamp:
                continue
            edited = message.id in self.seen
            self.seen[message.id] = stamp
            self._print_message(message, edited=edited)

    def _changes(self) -> tuple[int, int]:
        messages = self.emu.state.messages.values()
        return len(messages), sum(1 for m in messages if m.edited_timestamp)

    def _place(self, message: Message) -> str:
        channel = self.emu.state.channels.get(message.channel_id)
        if channel is None:
            return "?"
        if channel.guild_id is None:
            names = {v: k for k, v in self.guild.users.items()}
            recipients = getattr(channel, "recipient_ids", []) or []
            return "DM to " + ", ".join(names.get(r, str(r)) for r in recipients)
        return f"#{channel.name}"

    def _print_message(self, message: Message, *, edited: bool) -> None:
        where = self._place(message)
        if message.ephemeral:
            where += " · only the user sees this"
        self.say(f"  [{where}]{' (edited)' if edited else ''}")
        for line in (message.content or "").splitlines():
            self.say(f"    {line}")
        for embed in message.embeds:
            if embed.get("title"):
                self.say(f"    ┃ {embed['title']}")
            for line in (embed.get("description") or "").splitlines():
                self.say(f"    ┃ {line}")
            for embed_field in embed.get("fields") or []:
                first, *rest = str(embed_field["value"]).splitlines() or [""]
                self.say(f"    ┃ {embed_field['name']}: {first}")
                for line in rest:
                    self.say(f"    ┃   {line}")
            if embed.get("footer"):
                self.say(f"    ┃ — {embed['footer'].get('text', '')}")
        for attachment in message.attachments:
            self.say(f"    📎 {attachment.filename} ({len(attachment.data)} bytes)")
        for component in message.iter_components():
            custom_id = component.get("custom_id")
            if custom_id is None:
                continue
            if component.get("type") == 2:
                number = len(self.buttons) + 1
                self.buttons[number] = (message.id, custom_id)
                label = component.get("label") or component.get("emoji", {}).get("name", "")
                state = " (disabled)" if component.get("disabled") else ""
                self.say(f"    [{number}: {label}]{state}")
            elif component.get("type") in (3, 5, 6, 7, 8):
                number = len(self.selects) + 1
                self.selects[number] = (message.id, custom_id)
                options = ", ".join(o.get("value", "") for o in component.get("options") or [])
                self.say(f"    <menu {number}: {component.get('placeholder', '')} {options}>")

    def _read(self, target: str) -> None:
        if target == "dm":
            messages = self.emu.dms_to(self._user_id())
        else:
            name = target.lstrip("#")
            if name not in self.guild.channels:
                raise LookupError(
                    f"no channel {target!r}; channels: {', '.join(self.guild.channels)}"
                )
            messages = self.emu.messages_in(self.guild.channels[name])
        for message in messages[-10:]:
            self._print_message(message, edited=False)
