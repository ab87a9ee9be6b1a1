"""Building the application once, for any chat platform: the core and the services.

The entry points (``plc-bot run``, the playground, the tests) call :func:`build_core`
and :func:`build_services`, then hand both to a platform adapter (``cogs/client.py``
for Discord). Nothing here imports a chat platform.
"""

from __future__ import annotations

from bot.chat import Chat
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.i18n import load_catalog
from bot.scheduler import Scheduler
from bot.services.audit import AuditService
from bot.services.base import Core
from bot.services.checkins import CheckinService
from bot.services.community import CommunityService
from bot.services.delivery import DeliveryService
from bot.services.facilitation import add_facilitation
from bot.services.goals import GoalService
from bot.services.meetings import MeetingService
from bot.services.members import MemberService
from bot.services.questions import RETENTION_RULE, QuestionService
from bot.services.registry import Services
from bot.services.retention import RetentionService


async def build_core(settings: Settings, clock: Clock, chat: Chat) -> Core:
    return core_on(await Database.open(settings.database.path), settings, clock, chat)


def core_on(db: Database, settings: Settings, clock: Clock, chat: Chat) -> Core:
    """The core around an open database (the tests open theirs themselves)."""
    return Core(
        db=db,
        clock=clock,
        settings=settings,
        catalog=load_catalog(),
        scheduler=Scheduler(db, clock, settings.scheduler),
        chat=chat,
    )


def enabled_features(settings: Settings) -> set[str]:
    """Features whose adapter is configured (``[discord] cogs``): ``meetings``, ``questions``…"""
    return {name.rsplit(".", 1)[-1] for name in settings.discord.cogs}


def build_services(core: Core) -> Services:
    """Every service, once, wired to the hooks it serves (export, erasure, status, retention)."""
    services = Services()
    community = CommunityService(core)
    members = MemberService(core, community)
    retention = RetentionService(core, members)
    audit = AuditService(core, community)
    for service in (community, members, DeliveryService(core), retention, audit):
        services.add(service)
    features = enabled_features(core.settings)
    if "meetings" in features:
        meetings = MeetingService(core, community, members, core.chat.events)
        services.add(meetings)
        members.add_personal_data(meetings)
        community.add_status_provider(meetings)
        core.scheduler.register(*meetings.timer_kinds())
    if "questions" in features:
        questions = QuestionService(core, community)
        services.add(questions)
        members.add_personal_data(questions)
        community.add_status_provider(questions)
        core.scheduler.register(*questions.timer_kinds())
        retention.add_rule(RETENTION_RULE, questions.retention_rule)
    if "checkins" in features:
        goals = GoalService(core, community)
        checkins = CheckinService(core, community, members)
        services.add(goals)
        services.add(checkins)
        members.add_personal_data(goals)
        members.add_personal_data(checkins)
        community.add_status_provider(checkins)
        retention.add_rule("check-ins over 12 months", checkins.purge_old)
        core.scheduler.register(*checkins.timer_kinds())
    if features & {"rotation", "sessions"}:
        add_facilitation(core, services)
    return services
