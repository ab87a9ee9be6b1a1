"""Building the application once, for any chat platform: the core, the services, the UI.

The entry points (``plc-bot run``, the playground, the tests) call :func:`core_on`
(or :func:`build_core`) with the chat platform they run on, then :func:`build_app`, and
hand the result to the platform's adapters (``cogs/`` for Discord, ``teams/`` for
Microsoft Teams). Nothing here imports a chat platform.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta

from bot.chat import Chat, ChatPlatform
from bot.clock import Clock
from bot.config import FeatureName, Settings
from bot.db.database import WAL_CHECKPOINT_SECONDS
from bot.db.engine import Engine, open_database
from bot.features import Declare, Feature
from bot.i18n import load_catalog
from bot.interactions import UI
from bot.interactions.help import help_command
from bot.scheduler import Scheduler
from bot.services.base import Core
from bot.services.checkins import feature as checkins
from bot.services.community import CommunityService, MemberService, RetentionService
from bot.services.community import feature as community
from bot.services.facilitation import feature as facilitation
from bot.services.meetings import feature as meetings
from bot.services.outbox import Outbox
from bot.services.questions import feature as questions
from bot.services.registry import Services

log = logging.getLogger(__name__)

#: Every feature, in the order they are built (facilitation uses meetings and questions).
FEATURES: dict[FeatureName, Declare] = {
    "meetings": meetings.declare,
    "questions": questions.declare,
    "checkins": checkins.declare,
    "facilitation": facilitation.declare,
}


async def build_core(settings: Settings, clock: Clock, platform: ChatPlatform) -> Core:
    return core_on(await open_database(settings.database.location()), settings, clock, platform)


def core_on(db: Engine, settings: Settings, clock: Clock, platform: ChatPlatform) -> Core:
    """The core around an open database (the tests open theirs themselves)."""
    return Core(
        db=db,
        clock=clock,
        settings=settings,
        catalog=load_catalog(),
        scheduler=Scheduler(db, clock, settings.scheduler),
        chat=Chat(db, clock, platform),
    )


@dataclass(frozen=True)
class App:
    """The services of the running bot and what members can do with them."""

    core: Core
    services: Services
    ui: UI
    features: tuple[Feature, ...]


def build_app(core: Core) -> App:
    """Every service once: the community first (always on), then each enabled feature,
    installed the same way."""
    services = Services()
    outbox = Outbox(core.scheduler, core.chat, core.clock)
    services.add(outbox)
    core.scheduler.register(*outbox.timer_kinds())
    foundation = community.declare(core, services)
    for service in foundation.services:
        services.add(service)
    ui = UI.build(core.clock, services.get(CommunityService).require_access)
    if core.settings.discord.cogs is not None:
        log.warning("[discord] cogs is deprecated; write [features] enabled = [...] instead")
    _plug(core, services, ui, foundation)
    installed = []
    for name in core.settings.enabled_features():
        feature = FEATURES[name](core, services)
        for built in feature.services:
            services.add(built)
        _plug(core, services, ui, feature)
        installed.append(feature)
    ui.add(help_command(ui, core.catalog))
    return App(core, services, ui, tuple(installed))


def _plug(core: Core, services: Services, ui: UI, feature: Feature) -> None:
    """Plug a feature into the community's hooks, the scheduler and the UI."""
    members = services.get(MemberService)
    for data in feature.personal_data:
        members.add_personal_data(data)
    for listener in feature.departures:
        members.add_departure_listener(listener)
    for availability in feature.availability:
        members.add_availability_listener(availability)
    for provider in feature.status:
        services.get(CommunityService).add_status_provider(provider)
    for purpose, rule in feature.retention:
        services.get(RetentionService).add_rule(purpose, rule)
    core.scheduler.register(*feature.timer_kinds)
    if feature.interface is not None:
        feature.interface(ui)


def build_services(core: Core) -> Services:
    """The services alone (tests of services that need no UI)."""
    return build_app(core).services


def start_background(app: App) -> None:
    """The daily purge, the WAL checkpoints and the scheduler: once per process, whichever
    platform adapter is ready first (a second call does nothing)."""
    core = app.core
    if core.scheduler.running:
        return
    retention = app.services.get(RetentionService)
    core.scheduler.every("retention", timedelta(hours=24), retention.purge)
    core.scheduler.every(
        "wal-checkpoint",
        timedelta(seconds=WAL_CHECKPOINT_SECONDS),
        core.db.checkpoint_in_background,
    )
    core.scheduler.start()


#: The collector's thresholds once start-up is done: the youngest generation as Python
#: sets it (a pass every few hundred new objects, ~0.2 ms), the middle one ten times
#: rarer than Python's 10: each of its passes took ~1.7 ms and fell inside the heavier
#: commands (5-7 % of /plc status's samples), a pass every ~700 commands instead.
HEAP_THRESHOLDS = (700, 100, 10)


def settle_heap() -> None:
    """Set what start-up built aside from the garbage collector (the modules, the catalog,
    the settings, discord.py's cache of every guild and member) and make its middle passes
    rarer: a full pass over that heap took 80-170 ms, inside whichever command allocated
    at that moment. Called again, it first hands back what an earlier call set aside, so
    what has died since (a guild the bot left, with its members) is freed then."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*HEAP_THRESHOLDS)


async def run_startup(app: App) -> None:
    """Each feature's start-up work (meetings: announce what a crash left unannounced),
    once per process, once a platform serves members. A failure is logged; the other
    features' work goes on."""
    for feature in app.features:
        if feature.on_ready is None:
            continue
        try:
            await feature.on_ready()
        except Exception:
            log.exception("the start-up work of %s failed", feature.name)


@asynccontextmanager
async def started_at_once(app: App) -> AsyncIterator[None]:
    """For platforms that serve members as soon as they listen (Teams; Discord waits for
    its gateway and does this itself): the background work, and the features' start-up
    work in a task of its own, stopped with the context."""
    start_background(app)
    startup = asyncio.create_task(run_startup(app), name="plc-bot:startup")
    try:
        yield
    finally:
        if not startup.done():
            startup.cancel()
        with suppress(asyncio.CancelledError):
            await startup
