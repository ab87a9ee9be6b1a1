"""Running the application on its chat platforms: one core, one database, one scheduler.

``plc-bot run`` serves the platforms that are configured (Discord when a token is set,
Microsoft Teams when ``[teams] app_id`` is): each is an :class:`Adapter`, found by
:func:`configured_adapters` among the ``plc_bot.adapters`` entry points the install
registered (``cogs.entry:adapter``, ``teams.entry:adapter``; see pyproject.toml), each
of which builds its adapter if the settings configure it. :func:`running_app` opens the
database and builds the core
with the platforms' :class:`~bot.chat.ChatPlatform` (several of them behind
:class:`~bot.chat.platforms.Platforms`, which sends each community's calls to its own);
:func:`serve` starts every adapter, the background work once, and the health endpoint,
and stops them all on SIGINT/SIGTERM or when one stops by itself. Nothing here imports
a chat platform.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol

from bot.app import App, build_app, core_on, started_at_once
from bot.chat.platforms import Platforms
from bot.chat.port import ChatPlatform
from bot.clock import Clock
from bot.config import Settings
from bot.health import Probes, serving_health
from bot.instance import owned
from bot.integrity import check_when_ready

log = logging.getLogger(__name__)


ADAPTERS = "plc_bot.adapters"
"""The entry point group of the chat platforms' adapters."""


class PlatformUnreachable(Exception):
    """A platform could not be reached at start (no network, DNS, a proxy or a firewall):
    one line for the operator, exit 1 (so a service manager tries again)."""


@dataclass(frozen=True)
class RunOptions:
    """What ``plc-bot run`` was asked on its command line."""

    force_sync: bool = False
    """Sync the slash commands even if unchanged (``--sync``; Discord's)."""


class Adapter(Protocol):
    """A chat platform's side of the running bot."""

    name: str
    """``discord`` or ``teams``."""
    starts_scheduler: bool
    """Whether it starts the background work itself once ready (Discord, after login)."""

    @property
    def platform(self) -> ChatPlatform:
        """What the core sends through for this platform's communities."""
        ...

    def running(self, app: App) -> AbstractAsyncContextManager[asyncio.Task[None] | None]:
        """Serve while inside; yields a task that ends if the platform stops by itself."""
        ...

    def health(self) -> Callable[[], bool]:
        """Whether it is connected (Discord's gateway) or listening (Teams' endpoint)."""
        ...

    async def wait_ready(self) -> None:
        """Return once it serves members (Discord: after READY)."""
        ...


class AdapterFactory(Protocol):
    """An entry point of :data:`ADAPTERS`: the adapter the settings configure, or None."""

    def __call__(self, settings: Settings, options: RunOptions) -> Adapter | None: ...


def configured_adapters(settings: Settings, options: RunOptions) -> list[Adapter]:
    """The adapter of every installed platform the settings configure, by name."""
    found = []
    for entry in sorted(entry_points(group=ADAPTERS), key=lambda entry: entry.name):
        factory: AdapterFactory = entry.load()
        adapter = factory(settings, options)
        if adapter is not None:
            found.append(adapter)
    return found


def platforms_of(adapters: Sequence[Adapter]) -> Platforms:
    """The core's chat platform: each community's calls to its own platform's adapter."""
    by_name = {adapter.name: adapter.platform for adapter in adapters}
    return Platforms(discord=by_name.get("discord"), teams=by_name.get("teams"))


@asynccontextmanager
async def running_app(settings: Settings, clock: Clock, platforms: Platforms) -> AsyncIterator[App]:
    """The instance lock, the database (its pages checked first when the last stop calls
    for it) and the application; all closed after, the clean stop recorded."""
    try:
        async with owned(settings.database.location()) as db:
            core = core_on(db, settings, clock, platforms)
            try:
                yield build_app(core)
            finally:
                await core.scheduler.stop()
    finally:
        log.info("stopped")


@asynccontextmanager
async def checking_pages(app: App, adapters: Sequence[Adapter]) -> AsyncIterator[None]:
    """The page check start-up left for later (the file was as a clean stop left it),
    once every platform serves members; a damaged file then stops every write."""
    core = app.core
    if core.db.pages_checked:
        yield
        return

    async def ready() -> None:
        await asyncio.gather(*(adapter.wait_ready() for adapter in adapters))

    task = asyncio.create_task(
        check_when_ready(ready(), core.db, core.scheduler, core.chat), name="plc-bot:page-check"
    )
    try:
        yield
    finally:
        task.cancel()  # a check under way stops at once; the next start runs it again
        with suppress(asyncio.CancelledError):
            await task


def probes(app: App, adapters: Sequence[Adapter]) -> Probes:
    checks = {adapter.name: adapter.health() for adapter in adapters}
    return Probes(
        gateway_connected=checks.get("discord"),
        scheduler_alive=lambda: app.core.scheduler.running,
        scheduler_paused=lambda: app.core.scheduler.paused,
        next_due=app.core.scheduler.next_due,
        database=app.core.db,
        clock=app.core.clock,
        teams_listening=checks.get("teams"),
    )


async def serve(
    settings: Settings, clock: Clock, adapters: Sequence[Adapter], platforms: Platforms
) -> None:
    """Run until SIGINT/SIGTERM (clean stop) or until a platform stops by itself (its
    error raised)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running_app(settings, clock, platforms) as app, AsyncExitStack() as stack:
            runners = [await stack.enter_async_context(a.running(app)) for a in adapters]
            if not any(adapter.starts_scheduler for adapter in adapters):
                await stack.enter_async_context(started_at_once(app))
            await stack.enter_async_context(serving_health(settings.ops, probes(app, adapters)))
            await stack.enter_async_context(checking_pages(app, adapters))
            await _until_stopped(stop, [r for r in runners if r is not None])
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _until_stopped(stop: asyncio.Event, runners: list[asyncio.Task[None]]) -> None:
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({*runners, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    for runner in runners:
        if runner.done():
            runner.result()  # a login failure or a fatal error of the platform
            return
    log.info("stopping on signal")
