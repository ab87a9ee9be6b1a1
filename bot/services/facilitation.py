"""Building the facilitation feature once, in the entry point (SPEC §5).

Rotation, live sessions and actions declare their timer kinds once, and join
``/me export``, ``/me delete``, the retention purge and ``/plc status``. Each new
meeting date is offered to the rotation inside the transaction that creates it.
"""

from __future__ import annotations

import logging

from bot.protocols import load_protocols
from bot.services.actions import ActionService
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings import MeetingService
from bot.services.members import MemberService
from bot.services.questions import QuestionService
from bot.services.registry import Services
from bot.services.rotation import RotationService
from bot.services.rotation_timers import RotationTimers
from bot.services.session_posts import SessionPosts
from bot.services.sessions import SessionService

log = logging.getLogger(__name__)


def add_facilitation(core: Core, services: Services) -> None:
    community = services.get(CommunityService)
    members = services.get(MemberService)
    protocols = load_protocols(core.settings.facilitation.protocols_dir)
    for problem in protocols.problems:
        log.warning("session protocol refused: %s", problem.describe(core.catalog))
    meetings = services.find(MeetingService)
    rotation = RotationService(core, community, meetings)
    actions = ActionService(core, community)
    sessions = SessionService(
        core, community, protocols, actions, topics=services.find(QuestionService)
    )
    for service in (rotation, actions, sessions):
        services.add(service)
        members.add_personal_data(service)
    members.add_departure_listener(rotation)
    community.add_status_provider(rotation)
    community.add_status_provider(sessions)
    if meetings is not None:
        meetings.add_occurrence_listener(rotation)
        meetings.use_protocols(protocols)
    core.scheduler.register(
        *RotationTimers(core).timer_kinds(),
        *SessionPosts(core).timer_kinds(),
        *actions.timer_kinds(),
    )
