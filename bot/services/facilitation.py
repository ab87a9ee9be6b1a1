"""Building the facilitation feature once, in the entry point (SPEC §5).

Rotation, live sessions and actions share a late-bound chat (the Discord adapter binds
it when the client starts), declare their timer kinds once, and join ``/me export``,
``/me delete``, the retention purge and ``/plc status``.
"""

from __future__ import annotations

import logging

from bot.chat_relay import ChatRelay
from bot.protocols import load_protocols
from bot.services.actions import ActionService
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.members import MemberService
from bot.services.questions import QuestionService
from bot.services.registry import Services
from bot.services.rotation import RotationService
from bot.services.rotation_timers import RotationTimers
from bot.services.session_posts import SessionPosts
from bot.services.sessions import SessionService

log = logging.getLogger(__name__)


def add_facilitation(core: Core, services: Services) -> None:
    relay = services.find(ChatRelay)
    if relay is None:
        relay = ChatRelay()
        services.add(relay)
    community = services.get(CommunityService)
    protocols = load_protocols(core.settings.facilitation.protocols_dir)
    for problem in protocols.problems:
        log.warning("session protocol refused: %s", problem.describe())
    rotation = RotationService(core, community)
    actions = ActionService(core, community, relay)
    sessions = SessionService(
        core, community, protocols, actions, topics=lambda: services.find(QuestionService)
    )
    for service in (rotation, actions, sessions):
        services.add(service)
        services.get(MemberService).add_personal_data(service)
    community.add_status_provider(rotation)
    core.scheduler.register(
        *RotationTimers(core, relay).kinds(),
        *SessionPosts(core, relay).kinds(),
        *actions.kinds(),
    )
