"""One scenario, two chat platforms: members act through a :class:`Driver`.

A scenario says what members do in the product's own words ("alice runs ``meeting
schedule``", "bob presses **Going** on the announcement", "chloe fills the form") and
what they see; :class:`DiscordDriver` does it with slash commands, buttons and modals
against the Discord emulator, :class:`TeamsDriver` with text commands, Adaptive Card
actions and card forms against the Teams emulator. Both run the real bot, started as
``plc-bot run`` starts it, on a real SQLite file and a controlled clock.

The two worlds have the same members and channels (the Discord sample server's
``alice``, ``bob``, ``chloe``, ``david``; ``check-ins``, ``questions``,
``announcements``, ``moderation``, ``general``), and the same languages: alice, bob and
david read English, chloe French; the community posts in English. Alice sets the
community up and facilitates (Discord: the facilitator role; Teams: she owns the team).
What differs is said by the driver: how a member is named in a post (:meth:`named`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import aiohttp

from bot.app import App
from bot.emulator import InteractionResult, ResponseType
from bot.emulator import Message as DiscordMessage
from bot.emulator.teams import InboundResult, TeamsMessage
from bot.emulator.teams.cards import inputs_of, walk
from tests.e2e.harness import Harness, until
from tests.e2e.privacy import (
    member_traces,
    public_messages,
    recorded_but_what_names_the_asker_to_the_bot,
)
from tests.teams.harness import TeamsHarness, card_text, text_of

UPDATES = (ResponseType.UPDATE_MESSAGE, ResponseType.DEFERRED_UPDATE_MESSAGE)
CHANNELS = ("check-ins", "questions", "announcements", "moderation", "general")
LOCALES = {"alice": "en-US", "bob": "en-US", "chloe": "fr", "david": "en-US"}


@dataclass(frozen=True)
class Member:
    """A member given as an option's value (``owner=Member("chloe")``)."""

    name: str


@dataclass(frozen=True)
class Channel:
    """A channel given as an option's value (``questions_channel=Channel("questions")``)."""

    name: str


@dataclass
class Post:
    """A message the bot posted, as it is now (after the bot's edits)."""

    handle: Any
    read: Callable[[], str]
    labels: Callable[[], list[str]]

    @property
    def text(self) -> str:
        return self.read()


@dataclass
class Reply:
    """What a member got back for what they did: the private answer's text, a form to
    fill if one opened, the files offered (name → content)."""

    text: str
    form: Any = None
    files: dict[str, bytes] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    """The messages the answer came in (their buttons can be pressed)."""

    @property
    def post(self) -> Post:
        assert self.posts, f"no message in the answer: {self.text}"
        return self.posts[-1]


class Driver(Protocol):
    platform: str

    @property
    def app(self) -> App: ...

    async def setup(self) -> Reply: ...

    async def community(self) -> int:
        """The community's id in the core (the guild, or the team's number)."""
        ...

    async def member_id(self, member: str) -> int:
        """The member's id in the core (Discord's, or the number Teams' id was given)."""
        ...

    def display(self, member: str) -> str:
        """The member's name as the platform shows it (a check-in answer's author)."""
        ...

    def named(self, member: str) -> str:
        """How a post names ``member`` (a mention or a name)."""
        ...

    async def run(self, member: str, command: str, *, where: str = ..., **options: Any) -> Reply:
        """``member`` runs ``command`` (English words) in channel ``where`` (``dm``: where a
        member acts privately: any channel on Discord, the 1:1 chat on Teams)."""
        ...

    async def press(self, member: str, post: Post, label: str, *, answered: bool = False) -> Reply:
        """``member`` presses the button of ``post`` whose label holds ``label``
        (``answered``: a private answer follows; Discord sends it after the update)."""
        ...

    async def fill(self, member: str, form: Any, **values: str) -> Reply:
        """``member`` fills the form (inputs by id) and submits it."""
        ...

    def posts(self, channel: str) -> list[Post]:
        """The bot's posts in a channel (its threads left out), oldest first."""
        ...

    def thread(self, post: Post) -> list[Post]:
        """The bot's posts in the thread (Discord) or reply chain (Teams) of ``post``."""
        ...

    def private(self, member: str) -> list[Post]:
        """What the bot sent to ``member`` alone: DMs (Discord), the 1:1 chat (Teams)."""
        ...

    async def advance(self, delta: timedelta) -> None: ...

    async def wait_for(self, condition: Callable[[], bool]) -> None: ...

    # -- what a privacy scan reads --------------------------------------------------------

    @property
    def db_path(self) -> Path: ...

    def traces(self, member: str) -> dict[str, bytes]:
        """What would name ``member``: their ids, names (as text, as stored)."""
        ...

    def sent(self, member: str) -> bytes:
        """Everything the bot sent to the platform and the platform answered, less what
        is addressed to ``member`` alone (answers only they see) and the platform telling
        the bot who is in the community or who acted."""
        ...

    def public(self) -> bytes:
        """Every message of the community's channels as members see them."""
        ...


SETUP: dict[str, Any] = {
    "timezone": "America/Toronto",
    "language": "en",
    "checkin_channel": Channel("check-ins"),
    "questions_channel": Channel("questions"),
    "announcements_channel": Channel("announcements"),
    "moderation_channel": Channel("moderation"),
}
"""``plc setup``'s options on both platforms."""


# -- Discord --------------------------------------------------------------------------------


def _shown(button: dict[str, Any]) -> str:
    """A button as Discord's client shows it: its emoji, then its label."""
    parts = ((button.get("emoji") or {}).get("name"), button.get("label"))
    return " ".join(str(part) for part in parts if part)


class DiscordDriver:
    platform = "discord"

    def __init__(self, harness: Harness) -> None:
        self.h = harness
        for member, locale in LOCALES.items():
            harness.emu.state.users[harness.user(member)].locale = locale

    @property
    def app(self) -> App:
        return self.h.bot.app

    def named(self, member: str) -> str:
        return f"<@{self.h.user(member)}>"

    async def community(self) -> int:
        return self.h.guild.id

    async def member_id(self, member: str) -> int:
        return self.h.user(member)

    def display(self, member: str) -> str:
        return str(self.h.emu.state.users[self.h.user(member)].global_name)

    async def setup(self) -> Reply:
        role = self.h.guild.roles["facilitator"]
        return await self.run("admin", "plc setup", **SETUP, facilitator_role=role)

    def _value(self, value: Any) -> Any:
        if isinstance(value, Member):
            return self.h.user(value.name)
        if isinstance(value, Channel):
            return self.h.channel(value.name)
        return value

    async def run(
        self, member: str, command: str, *, where: str = "general", **options: Any
    ) -> Reply:
        values = {name: self._value(value) for name, value in options.items()}
        channel = self.h.channel("general" if where == "dm" else where)
        result = await self.h.emu.slash(
            self.h.guild.id, self.h.user(member), command, channel_id=channel, options=values
        )
        return await self._reply(result)

    async def _reply(self, result: InteractionResult, *, followups: int = 0) -> Reply:
        """The private answer: the ephemeral response (a public message the click updated
        is not an answer) and the follow-ups (``followups``: how many to wait for)."""
        if result.modal is not None:
            return Reply(text=result.modal.title, form=result)
        await result.final()
        if followups and result.response_type in UPDATES:  # the answer follows the update
            await result.wait_followups(followups)
        first = result.message
        shown = [first] if first is not None and first.ephemeral else []
        messages = [*shown, *result.followups]
        files = {a.filename: a.data for m in messages for a in m.attachments}
        text = "\n".join(m.all_text() for m in messages)
        return Reply(text=text, files=files, posts=[self._post(m) for m in messages])

    def _post(self, message: DiscordMessage) -> Post:
        state = self.h.emu.state

        def current() -> DiscordMessage:
            return state.messages[message.id]

        def labels() -> list[str]:
            return [_shown(c) for c in current().iter_components() if c.get("type") == 2]

        return Post(message, lambda: current().all_text(), labels)

    async def press(self, member: str, post: Post, label: str, *, answered: bool = False) -> Reply:
        message: DiscordMessage = self.h.emu.state.messages[post.handle.id]
        found = [
            c["custom_id"]
            for c in message.iter_components()
            if c.get("type") == 2 and label in _shown(c) and "custom_id" in c
        ]
        assert found, f"no button {label!r}: {post.labels()}"
        result = await self.h.emu.click(self.h.user(member), message, found[0])
        return await self._reply(result, followups=1 if answered else 0)

    async def fill(self, member: str, form: Any, **values: str) -> Reply:
        result = await self.h.emu.submit_modal(self.h.user(member), form, values)
        return await self._reply(result)

    def _bot(self, channel_id: int) -> list[Post]:
        return [
            self._post(m)
            for m in self.h.emu.messages_in(channel_id)
            if m.author_id == self.h.emu.bot_user_id
        ]

    def posts(self, channel: str) -> list[Post]:
        return self._bot(self.h.channel(channel))

    def thread(self, post: Post) -> list[Post]:
        thread_id = self.h.emu.state.messages[post.handle.id].thread_id
        return [] if thread_id is None else self._bot(thread_id)

    def private(self, member: str) -> list[Post]:
        return [self._post(m) for m in self.h.emu.dms_to(self.h.user(member))]

    async def advance(self, delta: timedelta) -> None:
        await self.h.advance(delta)

    async def wait_for(self, condition: Callable[[], bool]) -> None:
        await self.h.emu.wait_for(condition)

    @property
    def db_path(self) -> Path:
        return self.h.db_path

    def traces(self, member: str) -> dict[str, bytes]:
        return member_traces(self.h, member)

    def sent(self, member: str) -> bytes:
        return self.h.emu.dump_bytes(from_bot_only=True) + (
            recorded_but_what_names_the_asker_to_the_bot(self.h)
        )

    def public(self) -> bytes:
        return public_messages(self.h)


# -- Teams ----------------------------------------------------------------------------------


def _answered(result: InboundResult, clicked: TeamsMessage) -> str:
    """What a card action answered the member alone: a message shown in the card, or the
    card itself when the clicked message is in their 1:1 chat (a channel's card that a
    click updated is not an answer)."""
    assert result.status == 200, result.body
    body = result.body if isinstance(result.body, dict) else {}
    if body.get("type") == "application/vnd.microsoft.activity.message":
        return str(body.get("value"))
    if result.card is not None and not clicked.in_channel:
        return text_of(result.card)
    return ""


POINTER = "📬"
"""How Teams' pointer to a private answer begins: said where a command was typed when its
answer went to the 1:1 chat; not a feature's post (tests/teams/test_commands.py)."""

TEAMS_CHANNELS = {
    "check-ins": "Check-ins",
    "questions": "Questions",
    "announcements": "Announcements",
    "moderation": "Moderation",
    "general": "General",
}


class TeamsDriver:
    platform = "teams"

    def __init__(self, harness: TeamsHarness) -> None:
        self.h = harness
        for member, locale in LOCALES.items():
            harness.world.user(member).locale = "fr-CA" if locale == "fr" else locale

    @property
    def app(self) -> App:
        return self.h.app

    def named(self, member: str) -> str:
        return self.h.world.user(member).name

    async def community(self) -> int:
        return await self.h.team_number()

    async def member_id(self, member: str) -> int:
        return await self.h.user_number(member)

    def display(self, member: str) -> str:
        return self.h.world.user(member).name

    async def setup(self) -> Reply:
        """The team's owner sets it up (Teams has no facilitator role)."""
        await self.h.install()
        return await self.run("alice", "plc setup", **SETUP)

    def _typed(self, name: str, value: Any, naming: list[str]) -> str:
        if isinstance(value, Member):
            naming.append(value.name)
            return f"{name}:@{self.h.world.user(value.name).name}"
        if isinstance(value, Channel):
            return f'{name}:"{TEAMS_CHANNELS[value.name]}"'
        return f'{name}:"{value}"'

    async def run(
        self, member: str, command: str, *, where: str = "general", **options: Any
    ) -> Reply:
        naming: list[str] = []
        typed = [command, *(self._typed(k, v, naming) for k, v in options.items())]
        before = len(self.h.private(member))
        channel = None if where == "dm" else TEAMS_CHANNELS[where]
        await self.h.command(member, " ".join(typed), channel=channel, naming=tuple(naming))
        return await self._reply(member, before)

    async def _reply(self, member: str, before: int, said: str = "") -> Reply:
        answers = self.h.private(member)[before:]
        forms = [m for m in answers if m.card is not None and inputs_of(m.card)]
        texts = [said, *(card_text(m) for m in answers)]
        files = await self._files(answers)
        form = forms[-1] if forms else None
        text = "\n".join(t for t in texts if t)
        return Reply(text=text, form=form, files=files, posts=[self._post(m) for m in answers])

    async def _files(self, messages: list[TeamsMessage]) -> dict[str, bytes]:
        """What the download buttons offer (Teams bots share files from their server)."""
        links = [
            (str(node["title"]), str(node["url"]))
            for m in messages
            for node in walk(m.card or {})
            if node.get("type") == "Action.OpenUrl" and "/files/" in str(node.get("url"))
        ]
        found: dict[str, bytes] = {}
        async with aiohttp.ClientSession() as session:
            for title, url in links:
                async with session.get(url) as response:
                    found[title.rsplit(" ", 1)[-1]] = await response.read()
        return found

    def _post(self, message: TeamsMessage) -> Post:
        def labels() -> list[str]:
            return [
                str(node.get("title"))
                for node in walk(message.card or {})
                if node.get("type") == "Action.Execute"
            ]

        return Post(message, lambda: card_text(message), labels)

    async def press(self, member: str, post: Post, label: str, *, answered: bool = False) -> Reply:
        message: TeamsMessage = post.handle
        before = len(self.h.private(member))
        result = await self.h.click(member, message, label)
        if result.card is not None and inputs_of(result.card):
            return Reply(text=card_text(message, self.h.world.user(member)), form=message)
        return await self._reply(member, before, _answered(result, message))

    async def fill(self, member: str, form: Any, **values: str) -> Reply:
        before = len(self.h.private(member))
        result = await self.h.submit(member, form, **values)
        return await self._reply(member, before, _answered(result, form))

    def posts(self, channel: str) -> list[Post]:
        name = TEAMS_CHANNELS[channel]
        channel_id = self.h.world.channel(name).id
        return [
            self._post(m)
            for m in self.h.emu.messages_in(channel_id)
            if m.by_bot
            and (m.root_id is None or not self._in_thread(m))
            and not card_text(m).startswith(POINTER)
        ]

    def _in_thread(self, message: TeamsMessage) -> bool:
        """A reply in the chain under one of the bot's own posts (a thread it started)."""
        root = self.h.emu.state.messages.get(message.root_id or "")
        return root is not None and root.by_bot

    def thread(self, post: Post) -> list[Post]:
        message: TeamsMessage = post.handle
        root = message.root_id or message.id
        return [
            self._post(m)
            for m in self.h.emu.messages_in(message.conversation_id)
            if m.by_bot and m.root_id == root and m.id != message.id
        ]

    def private(self, member: str) -> list[Post]:
        return [self._post(m) for m in self.h.private(member)]

    async def advance(self, delta: timedelta) -> None:
        await self.h.advance(delta)

    async def wait_for(self, condition: Callable[[], bool]) -> None:
        await until(condition)

    @property
    def db_path(self) -> Path:
        return self.h.db_path

    def traces(self, member: str) -> dict[str, bytes]:
        user = self.h.world.user(member)
        return {
            "Teams id": user.id.encode(),
            "Entra object id": user.aad_object_id.encode(),
            "1:1 chat id": self.h.emu.state.personal_chat(user).id.encode(),
            "display name": user.name.encode(),
            "display name, JSON-escaped": json.dumps(user.name)[1:-1].encode(),
            "e-mail": user.email.encode(),
        }

    def sent(self, member: str) -> bytes:
        chat = self.h.emu.state.personal_chat(self.h.world.user(member)).id
        found = []
        for request in self.h.emu.recorder.requests:
            if chat in request.path:
                continue  # the answers only they see, in their 1:1 chat
            roster = "members" in request.path.lower()  # Teams saying who is in the team
            shown = {"method": request.method, "path": request.path, "json": request.json}
            if not roster:
                shown["response"] = request.response
            found.append(json.dumps(shown, ensure_ascii=False).encode())
        return b"\n".join(found)

    def public(self) -> bytes:
        return b"\n".join(
            json.dumps(message.to_activity(), ensure_ascii=False).encode()
            for channel in self.h.world.team.channels.values()
            for message in self.h.emu.messages_in(channel.id)
        )
