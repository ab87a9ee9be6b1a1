"""The Discord client: wires what the entry point built to Discord, and runs it.

:class:`DiscordAdapter` is Discord's side of a running application
(:mod:`bot.running`: ``plc-bot run``, beside Teams or alone); :func:`running_bot` runs
the bot on Discord alone (the playground, the end-to-end tests). Both bind the Discord
side of the chat port and give the client the toolkit's routers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app import App, run_startup, settle_heap, start_background
from bot.chat.platforms import Platforms
from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import OUTAGE_WAITS, through_outage
from bot.health import serving_health
from bot.i18n import Catalog, language_for_locale, load_catalog
from bot.interactions.commands import Command, Group, MessageCommand
from bot.running import PlatformUnreachable, checking_pages, probes, running_app
from bot.services.community import CommunityService, MemberService
from bot.shards import holding_shards
from cogs import binding
from cogs.buttons import clicked_button
from cogs.errors import on_tree_error, report
from cogs.forms_again import FormsAgain, submit
from cogs.interaction import DiscordInteraction
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
        settle_heap: bool = True,
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
        self.settles_heap = settle_heap
        """Set the start-up heap aside from the garbage collector once ready (off in the
        tests' harness, which runs many bots in one process)."""
        # Under Discord's global limit by itself, not by 429s.
        self.pacer = Pacer()
        # The lane's header only for a proxy in front ([discord] api_base_url), never
        # for Discord itself.
        pace(self.http, self.pacer, mark_lane=self.core.settings.discord.api_base_url is not None)
        self.ready_once = asyncio.Event()
        self.startup_done = asyncio.Event()
        """Set once every feature's ``on_ready`` ran (or failed, logged)."""
        self._startup: asyncio.Task[None] | None = None
        self.runner: asyncio.Task[None] | None = None
        self.outage_waits: Sequence[float] = OUTAGE_WAITS
        """Between the tries of a gateway event's write while the database is out of
        reach: Discord sends the event once."""
        self.forms_again = FormsAgain(app.ui.routes.clicks)

    @property
    def catalog(self) -> Catalog:
        return self.core.catalog

    @property
    def version(self) -> str:
        return __version__

    @property
    def chat(self) -> DiscordPlatform:
        platform = self.core.chat.platform
        found = platform.discord if isinstance(platform, Platforms) else platform
        assert isinstance(found, DiscordPlatform)
        return found

    async def install_commands(self) -> None:
        """Every command of the enabled features on the tree (not yet synced)."""
        for spec in self.app.ui.commands:
            self.tree.add_command(_discord_command(spec, self.app))

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator(self.catalog))
        self.tree.on_error = on_tree_error  # type: ignore[method-assign]
        await self.install_commands()
        await sync_if_needed(self, force=self.force_sync)
        # Once per process, not once per gateway (re)connection.
        start_background(self.app)

    async def on_ready(self) -> None:
        if not self.ready_once.is_set():
            served = getattr(self, "shard_ids", None)  # an AutoShardedClient's
            shards = f" on shards {served} of {self.shard_count}" if served else ""
            log.info("ready as %s in %d guild(s)%s", self.user, len(self.guilds), shards)
            self.ready_once.set()
            # READY comes again after each reconnection; the features' start-up work
            # runs once per process, in the background so events keep flowing.
            self._startup = asyncio.create_task(self._run_startup())
        else:
            log.info("reconnected")
            if self.settles_heap:
                # A fresh READY rebuilt discord.py's cache: the old one, set aside, would
                # never be freed (its guilds and members refer to each other).
                settle_heap()

    async def _run_startup(self) -> None:
        try:
            await run_startup(self.app)
            if self.settles_heap:
                # After the GUILD_CREATE burst and the features' start-up work: what they
                # built lives as long as the process.
                settle_heap()
        finally:
            self.startup_done.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Buttons and forms are sent detached, so every click and every submission is
        routed here, restart or not (``cogs/buttons.py``). The language the member's
        client speaks is kept first, for their DMs: a failure (the database out of reach)
        stops neither the click nor the form, whose handler answers for it."""
        if interaction.guild_id is not None:  # Discord says a member's locale only here
            language = language_for_locale(str(interaction.locale))
            try:
                await self.core.chat.saw_language(
                    interaction.guild_id, interaction.user.id, language
                )
            except Exception:  # tried again at the member's next action
                log.warning("could not keep a member's client language", exc_info=True)
        custom_id = clicked_button(interaction)
        if custom_id is not None:
            if not await self.dispatch_click(interaction, custom_id):
                log.debug("no route for a button (%d characters)", len(custom_id))
            return
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        found = self.app.ui.routes.forms.find(str(data.get("custom_id", "")))
        if found is None:
            log.debug("no route for a submitted form")
            return
        await submit(interaction, found, data)

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

    async def _lasting(self, call: Callable[[], Awaitable[object]]) -> None:
        """A gateway event's work, which outlasts a database outage (each event runs in
        a task of its own: waiting holds no other back)."""
        await through_outage(call, self.outage_waits)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        community = self.services.get(CommunityService)
        await self._lasting(
            lambda: community.server_object_gone(channel.guild.id, channel.id, "deleted")
        )

    async def on_guild_role_delete(self, role: discord.Role) -> None:
        community = self.services.get(CommunityService)
        await self._lasting(lambda: community.server_object_gone(role.guild.id, role.id, "deleted"))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._lasting(lambda: self.services.get(CommunityService).bot_joined(guild.id))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self._lasting(lambda: self.services.get(CommunityService).bot_left(guild.id))

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        members = self.services.get(MemberService)
        await self._lasting(lambda: members.member_left(payload.guild_id, payload.user.id))

    async def close(self) -> None:
        if self._startup is not None and not self._startup.done():
            self._startup.cancel()
        await self.core.scheduler.stop()
        await super().close()


class ShardedPlcBot(PlcBot, commands.AutoShardedBot):
    """plc-bot's client serving its share of Discord's shards (``[discord] shard_ids`` of
    ``shard_count``): one gateway connection per shard, each guild's events and
    interactions arriving only on its own shard's."""


def client_class(settings: Settings) -> type[PlcBot]:
    return ShardedPlcBot if settings.discord.sharded else PlcBot


def shard_options(settings: Settings) -> dict[str, Any]:
    """discord.py's ``shard_count``/``shard_ids``; none when not sharded (Discord's
    default: one connection for every guild)."""
    discord_settings = settings.discord
    if discord_settings.shard_count is None:
        return {}
    return {
        "shard_count": discord_settings.shard_count,
        "shard_ids": discord_settings.served_shards(),
    }


def gateway_connected(bot: PlcBot) -> Callable[[], bool]:
    if isinstance(bot, discord.AutoShardedClient):
        sharded = bot

        def every_shard_connected() -> bool:
            shards = sharded.shards.values()
            return bool(shards) and not any(shard.is_closed() for shard in shards)

        return lambda: bot.is_ready() and not bot.is_closed() and every_shard_connected()
    return lambda: bot.is_ready() and not bot.is_closed() and bot.ws.open


@asynccontextmanager
async def discord_client(
    app: App,
    platform: DiscordPlatform,
    settings: Settings,
    *,
    force_sync: bool = False,
    **client_options: Any,
) -> AsyncIterator[PlcBot]:
    """The client of a running application, logging in; closed after."""
    token = settings.discord.token
    if token is None:
        raise RuntimeError("no Discord token; checked by runtime_problems() first")
    point_discord_at(settings)
    bot = client_class(settings)(
        app, force_sync=force_sync, **shard_options(settings), **client_options
    )
    platform.bind(bot)
    async with bot:
        bot.runner = asyncio.create_task(_login(bot, token.get_secret_value()))
        try:
            yield bot
        finally:
            await bot.close()
            with suppress(asyncio.CancelledError):
                await bot.runner


async def _login(bot: PlcBot, token: str) -> None:
    try:
        await bot.start(token)
    except aiohttp.ClientConnectorError as exc:  # the login's first request failed
        raise _unreachable(exc) from None


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

    The bot on Discord alone: the playground and the end-to-end tests;
    ``commands`` are added to the features' (the benchmark's no-op);
    ``client_options`` go to discord.py's client (e.g. ``guild_ready_timeout``).
    Leaving it closes the database and records a clean stop (:mod:`bot.instance`).
    With ``[discord] shard_count``, the shards are claimed first (:mod:`bot.shards`).
    """
    if settings.discord.token is None:
        raise RuntimeError("no Discord token; checked by runtime_problems() first")
    platform = DiscordPlatform(load_catalog())
    async with (
        holding_shards(settings, clock),
        running_app(settings, clock, Platforms(discord=platform)) as app,
    ):
        app.ui.add(*commands)
        async with discord_client(
            app, platform, settings, force_sync=force_sync, **client_options
        ) as bot:
            adapter = DiscordAdapter(settings)
            adapter.bot = bot
            async with (
                serving_health(settings.ops, probes(app, [adapter])),
                checking_pages(app, [adapter]),
            ):
                yield bot


class DiscordAdapter:
    """Discord's side of ``plc-bot run`` (:class:`bot.running.Adapter`)."""

    name = "discord"
    starts_scheduler = True  # in setup_hook, after login

    def __init__(self, settings: Settings, *, force_sync: bool = False) -> None:
        self.settings = settings
        self.force_sync = force_sync
        self.platform = DiscordPlatform(load_catalog())
        self.bot: PlcBot | None = None

    @asynccontextmanager
    async def running(self, app: App) -> AsyncIterator[asyncio.Task[None] | None]:
        async with discord_client(
            app, self.platform, self.settings, force_sync=self.force_sync
        ) as bot:
            self.bot = bot
            yield bot.runner

    def health(self) -> Callable[[], bool]:
        return lambda: self.bot is not None and gateway_connected(self.bot)()

    async def wait_ready(self) -> None:
        if self.bot is not None:
            await self.bot.ready_once.wait()


class DiscordUnreachable(PlatformUnreachable):
    """Discord's API could not be reached (no network, DNS, a proxy or a firewall): one
    line for the operator, not aiohttp's traceback."""


def _unreachable(exc: aiohttp.ClientConnectorError) -> DiscordUnreachable:
    reason = exc.os_error.strerror or str(exc.os_error)
    return DiscordUnreachable(
        f"cannot reach Discord at {exc.host}:{exc.port} ({reason}): check the network "
        "connection, DNS and proxy (and [discord] api_base_url if you set it)"
    )


def _discord_command(
    spec: Group | Command | MessageCommand, app: App
) -> app_commands.Group | app_commands.Command[Any, ..., None] | app_commands.ContextMenu:
    gate = app.ui.gate
    if isinstance(spec, Group):
        return binding.group(spec, gate)
    if isinstance(spec, MessageCommand):
        return binding.message_command(spec, gate)
    return binding.top_level(spec, gate)
