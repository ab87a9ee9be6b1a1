"""The real bot on Microsoft Teams, started as ``plc-bot run`` starts it, against the emulator.

A :class:`TeamsHarness` owns one Teams emulator (a tenant with one team, its owner and
members, four channels), one SQLite file and a :class:`~bot.clock.ControlledClock`.
:meth:`start` runs the application through :func:`bot.running.running_app` with the Teams
adapter (:class:`teams.adapter.TeamsAdapter`, the real Agents SDK on a real port) and,
with ``discord=True``, the Discord client against the Discord emulator in the same
process, on the same core. Tests act as members (:meth:`command`, :meth:`click`,
:meth:`submit`), move the clock (:meth:`advance`) and read what the bot posted. At
teardown every card the bot sent must have passed the Adaptive Card 1.5 schema and the
size budget (``emu.card_problems == []``). Requests wait in virtual time: the pacer's
clock moves when it sleeps (:class:`VirtualPace`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from microsoft_agents.hosting.core import ConnectionManager

from bot.app import App, started_at_once
from bot.chat.platforms import Platforms
from bot.clock import ControlledClock
from bot.config import Settings
from bot.db import meetings as meetings_db
from bot.db.communities import CommunitySettings
from bot.db.url import DatabaseUrl
from bot.emulator.teams import (
    InboundResult,
    TeamsEmulator,
    TeamsMessage,
    TeamsUser,
)
from bot.emulator.teams.cards import walk
from bot.emulator.teams.sample import SampleTeam, build_sample_team
from bot.interactions import UI
from bot.running import running_app
from bot.services.community import CommunityService
from bot.services.facilitation.rotation.service import RotationService
from teams.adapter import TeamsAdapter
from teams.forms import COMMAND, FORM
from teams.pacing import PaceClock
from tests.e2e.harness import BotHarness, wait_until_ready
from tests.teams_emulator.minibot import EmulatorTokenProvider


class VirtualPace:
    """The pacer's clock for tests: a wait moves it forward instead of taking time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def clock(self) -> PaceClock:
        return PaceClock(now=lambda: self.now, sleep=self.sleep)


@dataclass(frozen=True)
class Named:
    """A member given as an option's value (``member=Named("bob")``): @mentioned."""

    user: str


World = SampleTeam
"""The tenant: Alice owns the team; Bob, Chloe (who reads French) and David are members."""


def build_world(emu: TeamsEmulator) -> World:
    return build_sample_team(emu.state)


def card_text(message: TeamsMessage | None, user: TeamsUser | None = None) -> str:
    """Every text of a message's card (as ``user`` sees it), one per line."""
    if message is None:
        return ""
    card = message.card_for(user.id) if user is not None else message.card
    return text_of(card)


def text_of(card: Any) -> str:
    parts = [str(node["text"]) for node in walk(card or {}) if node.get("type") == "TextBlock"]
    return "\n".join(parts)


@dataclass
class TeamsHarness(BotHarness[App]):
    emu: TeamsEmulator
    world: World
    anonymous: bool = True
    discord: Any = None
    """A Discord :class:`tests.e2e.harness.Harness` to run in the same process, or None."""
    declare: Callable[[UI], None] | None = None
    """Commands and routes a test adds to the features' (declared like a feature's)."""
    pace: VirtualPace = field(default_factory=VirtualPace)
    adapter: TeamsAdapter | None = None

    @property
    def app(self) -> App:
        return self.running

    def settings(self) -> Settings:
        state = self.emu.state
        teams: dict[str, Any] = {
            "app_id": state.app_id,
            "tenant_id": state.tenant_id,
            "host": "127.0.0.1",
            "port": 0,
            "local_anonymous": self.anonymous,
        }
        if not self.anonymous:
            teams["client_secret"] = self.emu.client_secret
        sections: dict[str, Any] = {**self.bot_sections(), "teams": teams}
        if self.discord is not None:
            sections["discord"] = self.discord.settings().discord.model_dump()
        return Settings(**sections)

    def _connections(self, settings: Settings) -> ConnectionManager | None:
        if self.anonymous:
            return None
        values = {
            "CLIENTID": settings.teams.app_id,
            "TENANTID": settings.teams.tenant_id,
            "CLIENTSECRET": self.emu.client_secret,
            "AUTHORITY": f"{self.emu.http_url}/{self.emu.state.tenant_id}",
        }
        config = {"CONNECTIONS": {"SERVICE_CONNECTION": {"SETTINGS": values}}}
        return ConnectionManager(EmulatorTokenProvider, **config)

    async def start(self) -> App:
        settings = self.settings()
        stack = AsyncExitStack()
        self._stack = stack
        adapter = TeamsAdapter(
            settings, connections=self._connections(settings), pace_clock=self.pace.clock()
        )
        platforms = Platforms(teams=adapter.platform)
        discord_platform = None
        if self.discord is not None:
            from cogs.platform import DiscordPlatform

            discord_platform = DiscordPlatform(self.app_catalog())
            platforms = Platforms(discord=discord_platform, teams=adapter.platform)
        app = await stack.enter_async_context(running_app(settings, self.clock, platforms))
        if self.declare is not None:
            self.declare(app.ui)
        await stack.enter_async_context(adapter.running(app))
        self.adapter, self._running = adapter, app
        assert adapter.host is not None
        self.emu.bot_endpoint = adapter.host.url
        if discord_platform is not None:
            await self._start_discord(stack, app, discord_platform, settings)
        else:
            await stack.enter_async_context(started_at_once(app))
        return app

    @staticmethod
    def app_catalog() -> Any:
        from bot.i18n import load_catalog

        return load_catalog()

    async def _start_discord(
        self, stack: AsyncExitStack, app: App, platform: Any, settings: Settings
    ) -> None:
        from cogs.client import discord_client

        bot = await stack.enter_async_context(
            discord_client(app, platform, settings, guild_ready_timeout=0.05, settle_heap=False)
        )
        self.discord._running = bot
        await wait_until_ready(bot, who="the Discord side")

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._running, self.adapter = None, None, None
        if self.discord is not None:
            self.discord._running = None

    # -- ids ---------------------------------------------------------------------------------

    async def number(self, kind: str, teams_id: str) -> int:
        assert self.adapter is not None and self.adapter.host is not None
        runtime = self.adapter.host.runtime
        assert runtime is not None
        return await runtime.ids.number(kind, teams_id)  # type: ignore[arg-type]

    async def team_number(self) -> int:
        return await self.number("team", self.world.team.id)

    async def user_number(self, name: str) -> int:
        return await self.number("user", self.world.user(name).id)

    async def channel_number(self, name: str) -> int:
        return await self.number("conversation", self.world.channel(name).id)

    # -- acting as members -------------------------------------------------------------------

    async def command(
        self, user: str, text: str, *, channel: str | None = None, naming: tuple[str, ...] = ()
    ) -> InboundResult:
        """``text`` to the bot: in ``channel`` (mentioning it, and the members ``naming``
        where ``@Their Name`` stands), else in the 1:1 chat."""
        member = self.world.user(user)
        if channel is None:
            result = await self.emu.send_personal(member, text)
        else:
            named = tuple(self.world.user(name) for name in naming)
            where = self.world.channel(channel)
            result = await self.emu.mention(member, where, text, naming=named)
        assert result.status == 202, result.body
        return result

    async def run(
        self, user: str, command: str, *, channel: str | None = "Check-ins", **options: Any
    ) -> str:
        """Type ``command`` with ``options`` (``name:"value"``; a :class:`Named` member is
        @mentioned) as ``user``, like ``Harness.slash``; the text of the answer they got."""
        before = len(self.private(user))
        pieces, naming = [command], []
        for name, value in options.items():
            if isinstance(value, Named):
                naming.append(value.user)
                pieces.append(f"{name}:@{self.world.user(value.user).name}")
            else:
                pieces.append(f'{name}:"{value}"')
        await self.command(user, " ".join(pieces), channel=channel, naming=tuple(naming))
        answers = self.private(user)[before:]
        return "\n".join(card_text(message) for message in answers)

    def private(self, user: str) -> list[TeamsMessage]:
        """What the bot posted in the member's 1:1 chat, oldest first."""
        return self.emu.bot_messages_to(self.world.user(user))

    def last_private(self, user: str) -> TeamsMessage:
        found = self.private(user)
        assert found, f"the bot wrote nothing to {user}"
        return found[-1]

    def posts_in(self, channel: str) -> list[TeamsMessage]:
        """What the bot posted in a channel (every reply chain)."""
        return [m for m in self.emu.messages_in(self.world.channel(channel).id) if m.by_bot]

    async def click(
        self, user: str, message: TeamsMessage, title: str, **inputs: Any
    ) -> InboundResult:
        """Press the button titled ``title`` (or the first whose title holds it: ``Going``
        for ``Going (2)``, ``Answer`` for ``📝 Answer``) as ``user`` sees the card, with
        ``inputs`` filled."""
        member = self.world.user(user)
        titles = [
            str(node.get("title"))
            for node in walk(message.card_for(member.id) or {})
            if node.get("type") == "Action.Execute"
        ]
        if title not in titles:
            title = next((t for t in titles if title in t), title)
        return await self.emu.execute(member, message, title, inputs=inputs or None)

    async def submit(self, user: str, message: TeamsMessage, **inputs: Any) -> InboundResult:
        """Fill the form ``user`` sees in ``message`` and press its submit button (whatever
        its language)."""
        member = self.world.user(user)
        verbs = {
            str(node.get("verb"))
            for node in walk(message.card_for(member.id) or {})
            if node.get("type") == "Action.Execute"
        }
        [verb] = verbs & {FORM, COMMAND}
        return await self.emu.execute(member, message, verb, inputs=inputs or None)

    async def install(self, by: str = "alice") -> None:
        """The owner (or ``by``) adds the app to the team (Teams tells the bot)."""
        for result in await self.emu.install_in_team(self.world.team, self.world.user(by)):
            assert result.status in (200, 202), result.body

    async def setup_community(self, *, language: str = "en") -> None:
        """The community set up as ``/plc setup`` would (through the core's service)."""
        await self.install()
        community = self.app.services.get(CommunityService)
        settings = CommunitySettings(
            timezone="America/Toronto",
            language=language,  # type: ignore[arg-type]
            checkin_channel_id=await self.channel_number("Check-ins"),
            questions_channel_id=await self.channel_number("Questions"),
            announcements_channel_id=await self.channel_number("Announcements"),
            moderation_channel_id=await self.channel_number("Moderation"),
        )
        await community.setup(await self.team_number(), await self.user_number("alice"), settings)

    async def announce_date(self, title: str, starts_at: datetime) -> int:
        """A meeting date as the meetings feature creates one, handed to the rotation in
        the same transaction (which plans the offer); the offer is sent at once."""
        core = self.app.core
        rotation = self.app.services.get(RotationService)
        guild = await self.team_number()
        now = core.clock.now()
        local = starts_at.astimezone(ZoneInfo("America/Toronto"))
        meeting = meetings_db.NewMeeting(
            guild_id=guild,
            title=title,
            duration_minutes=60,
            repeat="none",
            first_date=local.date(),
            local_time=local.time(),
            timezone="America/Toronto",
            channel_id=None,
            link=None,
            agenda="",
            created_by=await self.user_number("alice"),
        )
        async with core.db.transaction() as conn:
            meeting_id = await meetings_db.insert_meeting(conn, meeting, now)
            occurrence = await meetings_db.insert_occurrence(
                conn, guild, meeting_id, local.date(), starts_at, now
            )
            await rotation.occurrence_created(conn, guild, meeting_id, occurrence, starts_at)
        await self.advance(timedelta(0))
        return occurrence

    def problems(self) -> Iterator[str]:
        for message_id, problem in self.emu.card_problems:
            yield f"message {message_id}: {problem}"


@asynccontextmanager
async def running_teams(
    folder: Path,
    clock: ControlledClock,
    *,
    anonymous: bool = True,
    discord: Any = None,
    database: DatabaseUrl | None = None,
) -> AsyncIterator[TeamsHarness]:
    """A harness on a fresh emulator; at the end every card the bot sent must be valid."""
    emulator = TeamsEmulator(anonymous=anonymous)
    await emulator.start()
    emulator.state.messages.clear()
    world = build_world(emulator)
    harness = TeamsHarness(
        emulator,
        world,
        clock=clock,
        tmp_path=folder,
        database=database,
        anonymous=anonymous,
        discord=discord,
    )
    try:
        if anonymous:
            yield harness
        else:
            with emulator.auth.serve_jwks_for_sdk():
                yield harness
        assert list(harness.problems()) == [], "cards Teams would show broken"
        assert emulator.unhandled == [], "calls to routes the emulator does not know"
    finally:
        await harness.stop()
        await emulator.stop()
