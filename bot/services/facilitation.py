"""The facilitation feature (rotation, live sessions, actions), as the application
installs it. Each new meeting date is offered to the rotation inside the transaction
that creates it."""

from __future__ import annotations

import logging

from bot.features import Feature
from bot.protocols import load_protocols
from bot.services.actions import ActionService
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings import MeetingService
from bot.services.questions import QuestionService
from bot.services.registry import Services
from bot.services.rotation import RotationService
from bot.services.rotation_interface import RotationInterface
from bot.services.rotation_timers import RotationTimers
from bot.services.session_posts import SessionPosts
from bot.services.sessions import SessionService

log = logging.getLogger(__name__)


def declare(core: Core, services: Services) -> Feature:
    community = services.get(CommunityService)
    protocols = load_protocols(core.settings.facilitation.protocols_dir)
    for problem in protocols.problems:
        log.warning("session protocol refused: %s", problem.describe(core.catalog))
    meetings = services.find(MeetingService)
    rotation = RotationService(core, community, meetings)
    actions = ActionService(core, community)
    sessions = SessionService(
        core, community, protocols, actions, topics=services.find(QuestionService)
    )
    if meetings is not None:
        meetings.add_occurrence_listener(rotation)
        meetings.use_protocols(protocols)
    return Feature(
        name="facilitation",
        services=(rotation, actions, sessions),
        timer_kinds=(
            *RotationTimers(core).timer_kinds(),
            *SessionPosts(core).timer_kinds(),
            *actions.timer_kinds(),
        ),
        personal_data=(rotation, actions, sessions),
        status=(rotation, sessions),
        departures=(rotation,),
        interface=RotationInterface(rotation).declare,
    )
