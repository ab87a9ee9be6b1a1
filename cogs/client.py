"""The Discord client: wires what the entry point built to Discord, and runs it.

:func:`running_bot` is the one way to run the bot (``plc-bot run``, the playground,
the end-to-end tests): it builds the core and services with :mod:`bot.app`, binds
the Discord side of the chat port, and gives the client the toolkit's routers.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app import App, build_app, core_on
from bot.clock import Clock
from bot.config import Settings
from bot.db.database import WAL_CHECKPOINT_SECONDS
from bot.health import Probes, serving_health
from bot.i18n import Catalog, load_catalog
from bot.instance import owned_database
from bot.integrity import check_when_ready
from bot.interactions.commands import Command, Group, MessageCommand
from bot.services.community import CommunityService, MemberService, RetentionService
from cogs import binding
from cogs.buttons import RoutedButton
from cogs.errors import on_tree_error, report
from cogs.interaction import DiscordInteraction, submitted_values
from cogs.pacing import Pacer, pace
from cogs.platform import DiscordPlatform
from cogs.sync import sync_if_needed
from cogs.translator import CatalogTranslator

log = logging.getLogger(__name__)

#: After READY, discord.py fires on_ready this long after the last GUILD_CREATE (its
#: default: 2 s, a third of a restart's downtime as /healthz sees it). Discord sends the
#: GUILD_CREATEs right after READY, and the bot chunks no members at start-up; a guild
#: that comes later is simply "available" then (python -m benchmarks, restart).
GUILD_READY_WAIT = 0.5

#: Longest rate-limit wait discord.py sits through (its minimum). Beyond it, it raises
#: ``RateLimited`` and a scheduled send is retried later by the bot's own clock, marked
#: late if it is, instead of sleeping with the scheduler held.
MAX_RATELIMIT_WAIT = 30.0


def point_discord_at(settings: Settings) -> None:
    """Send REST calls and the gateway elsewhere (a rate-limit proxy, the emulator).

    A plain ``commands.Bot`` connects to ``DiscordWebSocket.DEFAULT_GATEWAY`` without
    asking ``/gateway/bot``, and returns to it after an invalidated session.
    """
    if settings.discord.api_base_url:
        discord.http.Route.BASE = settings.discord.api_base_url
    if settings.discord.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord.gateway_url)


class PlcBot(commands.Bot):
    """plc-bot's client. Everything it needs is passed in; see :func:`build_bot`."""

    def __init__(
        self,
        app: App,
        *,
        force_sync: bool = False,
        **client_options: Any,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.members = True  # GUILD_MEMBER_REMOVE: forget members who leave
        intents.guild_scheduled_events = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            # Features allow exactly the mentions they mean; nothing else pings.
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            help_command=None,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            **{"guild_ready_timeout": GUILD_READY_WAIT, **client_options},
        )
        self.app = app
        self.core = app.core
        self.services = app.services
        self.force_sync = force_sync
        # Under Discord's global limit by itself, not by 429s.
        self.pacer = Pacer()
        pace(self.http, self.pacer)
        self.ready_once = asyncio.Event()
        self.startup_done = asyncio.Event()
        """Set once every feature's ``on_ready`` ran (or failed, logged)."""
        self._startup: asyncio.Task[None] | None = None
        self.runner: asyncio.Task[None] | None = None

    @property
    def catalog(self) -> Catalog:
        return self.core.catalog

    @property
    def version(self) -> str:
        return __version__

    @property
    def chat(self) -> DiscordPlatform:
        platform = self.core.chat.platform
        assert isinstance(platform, DiscordPlatform)
        return platform

    async def install_commands(self) -> None:
        """Every command of the enabled features on the tree (not yet synced)."""
        for spec in self.app.ui.commands:
            self.tree.add_command(_discord_command(spec, self.app))

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator(self.catalog))
        self.tree.on_error = on_tree_error  # type: ignore[method-assign]
        self.add_dynamic_items(RoutedButton)
        await self.install_commands()
        await sync_if_needed(self, force=self.force_sync)
        retention = self.services.get(RetentionService)
        self.core.scheduler.every("retention", timedelta(hours=24), retention.purge)
        self.core.scheduler.every(
            "wal-checkpoint",
            timedelta(seconds=WAL_CHECKPOINT_SECONDS),
            self.core.db.checkpoint_in_background,
        )
        # Once per process, not once per gateway (re)connection.
        self.core.scheduler.start()

    async def on_ready(self) -> None:
        if not self.ready_once.is_set():
            log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))
            self.ready_once.set()
            # READY comes again after each reconnection; the features' start-up work
            # runs once per process, in the background so events keep flowing.
            self._startup = asyncio.create_task(self._run_startup())
        else:
            log.info("reconnected")

    async def _run_startup(self) -> None:
        try:
            for feature in self.app.features:
                if feature.on_ready is None:
                    continue
                try:
                    await feature.on_ready()
                except Exception:
                    log.exception("the start-up work of %s failed", feature.name)
        finally:
            self.startup_done.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Forms are sent detached, so every submission is routed here, restart or not."""
        self.chat.saw_locale(interaction.guild_id, interaction.user.id, str(interaction.locale))
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        found = self.app.ui.routes.forms.find(str(data.get("custom_id", "")))
        if found is None:
            log.debug("no route for a submitted form")
            return
        handler, params = found
        try:
            await handler(DiscordInteraction(interaction), params, submitted_values(data))
        except Exception as exc:
            await report(interaction, exc)

    async def dispatch_click(self, interaction: discord.Interaction, custom_id: str) -> bool:
        """Run the route of a clicked button; False if none matches."""
        found = self.app.ui.routes.clicks.find(custom_id)
        if found is None:
            return False
        handler, params = found
        try:
            await handler(DiscordInteraction(interaction), params)
        except Exception as exc:
            await report(interaction, exc)
        return True

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.services.get(CommunityService).server_object_gone(
            channel.guild.id, channel.id, "deleted"
        )

    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.services.get(CommunityService).server_object_gone(
            role.guild.id, role.id, "deleted"
        )

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.services.get(CommunityService).bot_joined(guild.id)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.services.get(CommunityService).bot_left(guild.id)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self.services.get(MemberService).member_left(payload.guild_id, payload.user.id)

    async def close(self) -> None:
        if self._startup is not None and not self._startup.done():
            self._startup.cancel()
        await self.core.scheduler.stop()
        await super().close()


def health_probes(bot: PlcBot) -> Probes:
    """What ``/healthz`` asks the running bot (``bot/health.py`` knows no discord)."""
    return Probes(
        gateway_connected=lambda: bot.is_ready() and not bot.is_closed() and bot.ws.open,
        scheduler_alive=lambda: bot.core.scheduler.running,
        scheduler_paused=lambda: bot.core.scheduler.paused,
        next_due=bot.core.scheduler.next_due,
        database=bot.core.db,
        clock=bot.core.clock,
    )


@asynccontextmanager
async def running_bot(
    settings: Settings,
    clock: Clock,
    *,
    force_sync: bool = False,
    commands: Sequence[Command] = (),
    **client_options: Any,
) -> AsyncIterator[PlcBot]:
    """Open everything, log in and yield the bot while it runs; close it all after.

    Used by ``plc-bot run``, the playground and the end-to-end tests alike;
    ``commands`` are added to the features' (the benchmark's no-op);
    ``client_options`` go to discord.py's client (e.g. ``guild_ready_timeout``).
    Leaving it closes the database and records a clean stop (:mod:`bot.instance`).
    """
    token = settings.discord.token
    if token is None:
        raise RuntimeError("no Discord token; checked by runtime_problems() first")
    point_discord_at(settings)
    try:
        # The instance lock, the page check the last stop calls for, and on closing
        # the clean-stop record that lets the next start skip it.
        async with owned_database(settings.database.path) as db:
            platform = DiscordPlatform(load_catalog())
            core = core_on(db, settings, clock, platform)
            app = build_app(core)
            app.ui.add(*commands)
            bot = PlcBot(app, force_sync=force_sync, **client_options)
            platform.bind(bot)
            async with bot, serving_health(settings.ops, health_probes(bot)):
                bot.runner = asyncio.create_task(bot.start(token.get_secret_value()))
                checking = _check_pages_when_ready(bot)
                try:
                    yield bot
                finally:
                    await _stopped(checking)
                    await bot.close()
                    with suppress(asyncio.CancelledError):
                        await bot.runner
    finally:
        log.info("stopped")


def _check_pages_when_ready(bot: PlcBot) -> asyncio.Task[bool] | None:
    """The page check start-up left for later (the file was as a clean stop left it)."""
    core = bot.core
    if core.db.pages_checked:
        return None
    return asyncio.create_task(
        check_when_ready(bot.ready_once, core.db, core.scheduler, core.chat),
        name="plc-bot:page-check",
    )


async def _stopped(task: asyncio.Task[bool] | None) -> None:
    if task is None:
        return
    task.cancel()  # a check under way stops at once; the next start runs it again
    with suppress(asyncio.CancelledError):
        await task


class DiscordUnreachable(Exception):
    """Discord's API could not be reached (no network, DNS, a proxy or a firewall): one
    line for the operator, not aiohttp's traceback."""


def _unreachable(exc: aiohttp.ClientConnectorError) -> DiscordUnreachable:
    reason = exc.os_error.strerror or str(exc.os_error)
    return DiscordUnreachable(
        f"cannot reach Discord at {exc.host}:{exc.port} ({reason}): check the network "
        "connection, DNS and proxy (and [discord] api_base_url if you set it)"
    )


async def serve(settings: Settings, clock: Clock, *, force_sync: bool = False) -> None:
    """Run until SIGINT/SIGTERM (clean stop) or a fatal error (raised;
    :class:`DiscordUnreachable` when Discord cannot be reached at all)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _serve_until_stopped(settings, clock, stop, force_sync=force_sync)
    except aiohttp.ClientConnectorError as exc:  # the login's first request failed
        raise _unreachable(exc) from None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _serve_until_stopped(
    settings: Settings, clock: Clock, stop: asyncio.Event, *, force_sync: bool
) -> None:
    async with running_bot(settings, clock, force_sync=force_sync) as bot:
        assert bot.runner is not None
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({bot.runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if bot.runner.done():
            bot.runner.result()  # a login failure or a fatal gateway error
        else:
            log.info("stopping on signal")


def _discord_command(
    spec: Group | Command | MessageCommand, app: App
) -> app_commands.Group | app_commands.Command[Any, ..., None] | app_commands.ContextMenu:
    gate = app.ui.gate
    if isinstance(spec, Group):
        return binding.group(spec, gate)
    if isinstance(spec, MessageCommand):
        return binding.message_command(spec, gate)
    return binding.top_level(spec, gate)
