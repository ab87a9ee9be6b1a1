"""Teams' side of ``plc-bot run`` (:class:`bot.running.Adapter`): its endpoint while it runs.

Teams does not start the background work itself: it has nothing to log in to, so the
runner starts it once every platform is up (:func:`bot.running.serve`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager

from microsoft_agents.hosting.core import Connections

from bot.app import App, started_at_once
from bot.chat.platforms import Platforms
from bot.clock import Clock
from bot.config import Settings
from bot.running import running_app
from teams.hosting import TeamsHost
from teams.pacing import PaceClock
from teams.platform import TeamsPlatform

#: The SDK logs each request with its conversation id at INFO, and whole activities (who
#: wrote, their name) at DEBUG: in a 1:1 chat that names the member, so only its
#: warnings are kept, whatever the bot's own level (as discord.py's stay at INFO).
SDK_LOGGERS = ("microsoft_agents", "microsoft_teams")


class TeamsAdapter:
    name = "teams"
    starts_scheduler = False

    def __init__(
        self,
        settings: Settings,
        *,
        connections: Connections | None = None,
        pace_clock: PaceClock | None = None,
    ) -> None:
        self.settings = settings
        self.platform = TeamsPlatform()
        self._connections = connections
        self._pace_clock = pace_clock
        self.host: TeamsHost | None = None

    @asynccontextmanager
    async def running(self, app: App) -> AsyncIterator[asyncio.Task[None] | None]:
        for name in SDK_LOGGERS:
            sdk = logging.getLogger(name)
            sdk.setLevel(max(sdk.level, logging.WARNING))  # quieter if asked (the playground)
        host = TeamsHost(
            app,
            self.settings.teams,
            self.platform,
            connections=self._connections,
            pace_clock=self._pace_clock,
        )
        await host.start()
        self.host = host
        try:
            yield None
        finally:
            # Nothing scheduled may send through Teams once its connector is closed.
            await app.core.scheduler.stop()
            await host.stop()
            self.host = None

    def health(self) -> Callable[[], bool]:
        return lambda: self.host is not None and self.host.listening

    async def wait_ready(self) -> None:
        """Teams sends its activities once the endpoint listens: ready from the start."""


@asynccontextmanager
async def running_teams(
    settings: Settings, clock: Clock
) -> AsyncIterator[tuple[App, TeamsAdapter]]:
    """The bot serving Teams alone in this event loop, as ``plc-bot run`` would, on
    ``clock`` (the playground's; its address is ``adapter.host.url``)."""
    teams = TeamsAdapter(settings)
    async with AsyncExitStack() as stack:
        app = await stack.enter_async_context(
            running_app(settings, clock, Platforms(teams=teams.platform))
        )
        await stack.enter_async_context(teams.running(app))
        await stack.enter_async_context(started_at_once(app))
        yield app, teams
