"""The real bot, started through its own entry point, against the Discord emulator.

A :class:`Harness` owns one emulator (with the sample guild), one database (an SQLite
file, or a PostgreSQL database named by ``[database] url``) and a
:class:`~bot.clock.ControlledClock`; :meth:`start` runs ``cogs.client.running_bot`` —
the code path of ``plc-bot run`` — in the test's event loop, so tests can move the
clock and restart the bot on the same database.
"""

from __future__ import annotations

import asyncio
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import discord.gateway
import discord.http
import pytest

from bot.clock import ControlledClock
from bot.config import Settings
from bot.db.url import DatabaseUrl
from bot.emulator import Emulator, InteractionResult, SampleGuild, build_sample_guild
from bot.services.base import Core
from cogs.client import PlcBot, running_bot


class Running(Protocol):
    """What a harness runs: the Discord client, or the application serving Teams."""

    @property
    def core(self) -> Core: ...


R = TypeVar("R", bound=Running)


@dataclass(kw_only=True)
class BotHarness(Generic[R], ABC):
    """What a harness runs the bot on, on either platform: the test's clock, its database
    (a file in the test's folder, or ``database``: a PostgreSQL database), the privacy
    secret and DEBUG logs; the bot restarted on them, and the clock moved under it."""

    clock: ControlledClock
    tmp_path: Path
    database: DatabaseUrl | None = None
    """A PostgreSQL database to run on, or None for the SQLite file at :attr:`db_path`."""
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    _stack: AsyncExitStack | None = None
    _running: R | None = None

    @property
    def db_path(self) -> Path:
        assert self.database is None, "the bot runs on PostgreSQL: it has no database file"
        return self.tmp_path / "plc-bot.sqlite3"

    @property
    def location(self) -> DatabaseUrl:
        """Where the bot's data lives, on either engine."""
        return self.database or DatabaseUrl.sqlite(self.db_path)

    def database_toml(self) -> str:
        """The ``[database]`` section of a config file for this bot, as a user writes it."""
        return database_toml(self.location)

    def bot_sections(self) -> dict[str, dict[str, Any]]:
        """The config sections every harness sets, before its platform's own: the database
        as a user names it (``path`` for the file, ``url`` for a server)."""
        if self.database is None:
            database: dict[str, Any] = {"path": self.db_path}
        else:
            database = {"url": self.database.dsn}
        return {
            "database": database,
            "privacy": {"secret": self.secret},
            "logging": {"level": "DEBUG"},
        }

    @property
    def running(self) -> R:
        assert self._running is not None, "the bot is not running"
        return self._running

    @property
    def core(self) -> Core:
        """The running bot's core (its database, clock and scheduler)."""
        return self.running.core

    @abstractmethod
    async def start(self) -> R:
        raise NotImplementedError

    @abstractmethod
    async def stop(self) -> None:
        raise NotImplementedError

    async def restart(self) -> R:
        """Stop the bot and start a new one on the same database and emulator."""
        await self.stop()
        return await self.start()

    async def advance(self, delta: timedelta) -> None:
        """Move the clock and run what became due (what APScheduler would wake for)."""
        await self.clock.advance(delta)
        await self.core.scheduler.run_due()

    async def advance_to(self, instant: datetime) -> None:
        """Move the clock to ``instant`` and run what became due."""
        await self.advance(instant - self.clock.now())


@dataclass
class Harness(BotHarness[PlcBot]):
    emu: Emulator
    guild: SampleGuild
    settings_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    settles_heap: bool = False
    """Off: freezing each test's bot would keep it from the collector for the rest of the
    run (the bot's own start-up does it; tests of it turn it on)."""

    @property
    def bot(self) -> PlcBot:
        return self.running

    def settings(self) -> Settings:
        sections = self.bot_sections()
        sections["discord"] = {
            "token": self.emu.bot_token,
            "api_base_url": f"{self.emu.http_url}/api/v10",
            "gateway_url": self.emu.gateway_url,
        }
        for section, values in self.settings_overrides.items():
            sections.setdefault(section, {}).update(values)
        return Settings(**sections)

    async def start_community(self, *, language: str = "en", **sections: dict[str, Any]) -> None:
        """Start the bot with these config sections changed (``privacy={"secret": None}``),
        then set the community up (:meth:`setup_community`)."""
        for section, values in sections.items():
            self.settings_overrides.setdefault(section, {}).update(values)
        await self.start()
        await self.setup_community(language=language)

    async def start(self) -> PlcBot:
        stack = AsyncExitStack()
        bot = await stack.enter_async_context(
            running_bot(
                self.settings(),
                self.clock,
                guild_ready_timeout=0.05,
                settle_heap=self.settles_heap,
            )
        )
        self._stack, self._running = stack, bot
        await wait_until_ready(bot)
        return bot

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._running = None, None

    def user(self, name: str) -> int:
        return self.guild.users[name]

    def channel(self, name: str) -> int:
        return self.guild.channels[name]

    def fail_posts(self, channel: str, status: int, **fault: Any) -> None:
        """Make Discord answer ``status`` to posts in the sample ``channel`` (``code=``,
        ``times=``, ``commit=``… as :meth:`Faults.add` takes them)."""
        path = f"/channels/{self.channel(channel)}/messages"
        self.emu.faults.add(method="POST", path=path, status=status, **fault)

    async def slash(self, user: str, command: str, **options: Any) -> InteractionResult:
        """Run ``/command`` as the sample member ``user`` (e.g. "alice")."""
        return await self.emu.slash(self.guild.id, self.user(user), command, **options)

    async def setup_community(self, *, language: str = "en", moderation: bool = False) -> None:
        """``/plc setup`` as the admin, with the sample channels and facilitator role."""
        options: dict[str, Any] = {
            "timezone": "America/Toronto",
            "language": language,
            "checkin_channel": self.channel("check-ins"),
            "questions_channel": self.channel("questions"),
            "announcements_channel": self.channel("announcements"),
            "facilitator_role": self.guild.roles["facilitator"],
        }
        if moderation:
            options["moderation_channel"] = self.channel("moderation")
        result = await self.slash("admin", "plc setup", **options)
        await result.final()
        assert result.ephemeral, "setup answers privately"


def database_toml(location: DatabaseUrl) -> str:
    """The ``[database]`` section of a config file naming ``location`` as a user would:
    ``path`` for an SQLite file, ``url`` for a server."""
    if location.path is not None:
        return f'[database]\npath = "{location.path}"\n'
    return f'[database]\nurl = "{location.dsn}"\n'


def restore_discord_endpoints() -> tuple[str, Any]:
    """What the harness changes in discord.py globally, to put back after a test."""
    return discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


async def new_harness(
    tmp_path: Path, clock: ControlledClock, database: DatabaseUrl | None = None
) -> tuple[Emulator, Harness]:
    emu = Emulator()
    await emu.start()
    guild = build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
    emu.state.now_timestamp = lambda: clock.now().timestamp()
    harness = Harness(emu=emu, guild=guild, clock=clock, tmp_path=tmp_path, database=database)
    return emu, harness


async def wait_until_ready(bot: PlcBot, *, seconds: float = 15, who: str = "the bot") -> None:
    """Wait for the bot's READY and every GUILD_CREATE; a bot that stopped on the way
    raises its own error, one still connecting after ``seconds`` a TimeoutError."""
    assert bot.runner is not None
    ready = asyncio.create_task(bot.ready_once.wait())
    done, _ = await asyncio.wait(
        {ready, bot.runner}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
    )
    if ready not in done:
        ready.cancel()
        if bot.runner.done():
            bot.runner.result()
        raise TimeoutError(f"{who} did not get ready")


async def until(condition: Callable[[], bool], what: str = "the awaited change") -> None:
    """Wait (briefly, in real time) for work the bot does on its own after an event or an
    answer, where nothing in the emulator changes to wake :meth:`Emulator.wait_for`."""
    for _ in range(300):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{what} did not happen")


H = TypeVar("H", bound=BotHarness[Any])
H_co = TypeVar("H_co", bound=BotHarness[Any], covariant=True)


class RunningHarness(Protocol[H_co]):
    """How a platform's harness is made: on a folder, a clock and a database."""

    def __call__(
        self, folder: Path, clock: ControlledClock, *, database: DatabaseUrl | None = None
    ) -> AbstractAsyncContextManager[H_co]: ...


def harness_fixtures(running: RunningHarness[H]) -> tuple[Any, Any]:
    """A platform's two harness fixtures, on the test's folder, clock and database (the
    ``database_url`` fixture: PostgreSQL where a folder runs its tests on both engines):
    one with the bot started, and one whose bot the test starts itself (to change
    settings first)."""

    async def started(
        tmp_path: Path, clock: ControlledClock, database_url: DatabaseUrl | None
    ) -> AsyncIterator[H]:
        async with running(tmp_path, clock, database=database_url) as harness:
            await harness.start()
            yield harness

    async def unstarted(
        tmp_path: Path, clock: ControlledClock, database_url: DatabaseUrl | None
    ) -> AsyncIterator[H]:
        async with running(tmp_path, clock, database=database_url) as harness:
            yield harness

    return pytest.fixture(started), pytest.fixture(unstarted)


__all__ = [
    "BotHarness",
    "Harness",
    "database_toml",
    "harness_fixtures",
    "new_harness",
    "restore_discord_endpoints",
    "until",
    "wait_until_ready",
]


@asynccontextmanager
async def running_harness(
    folder: Path, clock: ControlledClock, *, database: DatabaseUrl | None = None
) -> AsyncIterator[Harness]:
    """A harness on a fresh emulator, its files in ``folder`` (its database too, unless
    ``database`` names one); everything put back after."""
    saved_base, saved_gateway = restore_discord_endpoints()
    emu, h = await new_harness(folder, clock, database)
    try:
        yield h
    finally:
        await h.stop()
        await emu.stop()
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
