"""The real stack under measurement: the emulator, and the bot started with ``running_bot``.

Like ``tests/e2e/harness.py``: the emulator and the bot share this process's event
loop, the bot runs exactly the code of ``plc-bot run`` (discord.py, services, SQLite,
APScheduler) with a :class:`ControlledClock`, plus one extra extension, the no-op
command that gives every latency its floor (``benchmarks/noop.py``).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord.gateway
import discord.http

from bot.clock import ControlledClock
from bot.config import Settings
from bot.db.url import DatabaseUrl
from bot.emulator import Emulator, InteractionResult, ResponseType
from cogs.client import PlcBot, running_bot
from tests.e2e.harness import wait_until_ready

from .noop import NOOP


class WarningCounter(logging.Handler):
    """Counts what the bot logs at WARNING and above (429s retried, failures)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.last: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.last = [*self.last[-4:], f"{record.name}: {record.getMessage()}"[:200]]


WARNINGS = WarningCounter()


def quiet_logging() -> None:
    """The bot logs at WARNING to the counter; only errors reach the terminal."""
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    if WARNINGS not in root.handlers:
        root.addHandler(WARNINGS)
    for handler in root.handlers:
        if handler is not WARNINGS:
            handler.setLevel(logging.ERROR)
    if not any(h is not WARNINGS for h in root.handlers):
        terminal = logging.StreamHandler()
        terminal.setLevel(logging.ERROR)
        root.addHandler(terminal)


def bot_settings(
    emu: Emulator, db_path: Path | DatabaseUrl, **sections: dict[str, Any]
) -> Settings:
    """``db_path``: an SQLite file, or a database's URL (PostgreSQL)."""
    database = {"path": db_path} if isinstance(db_path, Path) else {"url": db_path.dsn}
    values: dict[str, dict[str, Any]] = {
        "discord": {
            "token": emu.bot_token,
            "api_base_url": f"{emu.http_url}/api/v10",
            "gateway_url": emu.gateway_url,
        },
        "database": database,
        "privacy": {"secret": secrets.token_urlsafe(32)},
        "logging": {"level": "WARNING"},
    }
    for name, section in sections.items():
        values.setdefault(name, {}).update(section)
    return Settings(**values)


@asynccontextmanager
async def emulator(clock: ControlledClock) -> AsyncIterator[Emulator]:
    """An emulator on 127.0.0.1 whose Discord clock follows the bot's."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    emu = Emulator()
    await emu.start()
    emu.state.now_timestamp = lambda: clock.now().timestamp()
    try:
        yield emu
    finally:
        await emu.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


@asynccontextmanager
async def bot_running(
    emu: Emulator, clock: ControlledClock, db_path: Path | DatabaseUrl, **sections: dict[str, Any]
) -> AsyncIterator[PlcBot]:
    """``running_bot`` on ``db_path`` (a file, or a PostgreSQL URL), once it is ready
    (READY and every GUILD_CREATE)."""
    settings = bot_settings(emu, db_path, **sections)
    async with running_bot(settings, clock, commands=[NOOP], guild_ready_timeout=0.05) as bot:
        await wait_until_ready(bot, seconds=300)
        yield bot


@dataclass
class Samples:
    """Latencies in milliseconds: to the callback, and to the final answer."""

    callback: list[float] = field(default_factory=list)
    done: list[float] = field(default_factory=list)
    deferred: bool = False
    """The bot deferred (its callback is "thinking…", the answer comes after)."""

    def add(self, timing: Timing) -> None:
        self.callback.append(timing.callback)
        self.done.append(timing.done)
        self.deferred = self.deferred or timing.deferred


@dataclass(frozen=True)
class Timing:
    callback: float
    done: float
    deferred: bool


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


async def timed(interaction: Awaitable[InteractionResult]) -> Timing:
    """Milliseconds to the bot's callback and to its final answer, for one interaction.

    The callback time is stamped by the emulator when the bot's callback request arrives,
    before the emulator reads and checks the reply (as Discord's clients see it: the
    emulator's own work on a bigger reply is not the bot's); the final answer (the edit
    after a defer, or the callback itself) is seen here.
    """
    return await timing(await interaction)


async def timing(result: InteractionResult) -> Timing:
    """:func:`timed` for an interaction already dispatched and called back."""
    if result.latency is None:
        raise RuntimeError(f"no answer to {result!r}")
    deferred = result.response_type in (
        ResponseType.DEFERRED_CHANNEL_MESSAGE,
        ResponseType.DEFERRED_UPDATE_MESSAGE,
    )
    if deferred:
        await result.final(timeout=30)
        done = time.monotonic() - result.dispatched_at
    else:
        done = result.latency
    return Timing(result.latency * 1000, done * 1000, deferred)


Action = Callable[[], Awaitable[InteractionResult]]
