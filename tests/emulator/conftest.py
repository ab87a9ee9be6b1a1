"""Fixtures for the emulator's tests: a started emulator with the sample guild, and the
minimal real discord.py bot of :mod:`tests.emulator.minibot` connected to it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import discord.gateway
import discord.http
import pytest

from bot.emulator import Emulator, SampleGuild, build_sample_guild, point_discord_py_at

from .minibot import TOKEN, EmuTestBot


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with Emulator(bot_token=TOKEN) as emulator:
        point_discord_py_at(emulator.http_url)
        try:
            yield emulator
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


@pytest.fixture
def g(emu: Emulator) -> SampleGuild:
    return build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)


class BotRunner:
    """Starts bots against the emulator and stops them at teardown."""

    def __init__(self) -> None:
        self.tasks: list[tuple[EmuTestBot, asyncio.Task[None]]] = []
        self.errors = _ErrorCollector()
        logging.getLogger("discord").addHandler(self.errors)
        #: Tests that provoke discord.py errors on purpose set this.
        self.expect_errors = False

    async def start(
        self, guild_id: int, token: str = TOKEN, *, message_content: bool = True
    ) -> EmuTestBot:
        """Start a bot and wait until discord.py fired ``on_ready`` (or the start failed)."""
        bot = EmuTestBot(guild_id, message_content=message_content)
        task = asyncio.create_task(bot.start(token))
        self.tasks.append((bot, task))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task.done():
                task.result()
            raise TimeoutError("the bot did not get ready")
        return bot

    async def close(self) -> None:
        for bot, task in self.tasks:
            await bot.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        logging.getLogger("discord").removeHandler(self.errors)


@pytest.fixture
async def runner() -> AsyncIterator[BotRunner]:
    bot_runner = BotRunner()
    yield bot_runner
    await bot_runner.close()
    if not bot_runner.expect_errors:
        messages = [r.getMessage() for r in bot_runner.errors.records]
        assert not messages, f"discord.py logged errors: {messages}"


@pytest.fixture
async def bot(runner: BotRunner, emu: Emulator, g: SampleGuild) -> EmuTestBot:
    started = await runner.start(g.id)
    await emu.wait_until_connected()
    return started
