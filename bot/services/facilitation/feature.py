"""The facilitation feature (rotation, live sessions, actions, the practice log), as the
application installs it. Each new meeting date is offered to the rotation inside the
transaction that creates it, the rotation names each date's facilitator for the
announcements, and a meeting may name the protocol its session runs. Without the
meetings feature, sessions run without a meeting and the rotation has no dates."""

from __future__ import annotations

import logging

from bot.features import Feature
from bot.interactions import UI
from bot.interactions.interface import Interface
from bot.protocols import load_protocols
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.facilitation.actions.interface import ActionInterface
from bot.services.facilitation.actions.service import ActionService
from bot.services.facilitation.practices.interface import PracticesInterface
from bot.services.facilitation.practices.service import PracticeLog
from bot.services.facilitation.rotation.interface import RotationInterface
from bot.services.facilitation.rotation.service import RotationService
from bot.services.facilitation.rotation.timers import RotationTimers
from bot.services.facilitation.sessions.buttons import SessionButtons
from bot.services.facilitation.sessions.interface import SessionCommands
from bot.services.facilitation.sessions.posts import SessionPosts
from bot.services.facilitation.sessions.records import SessionRecords
from bot.services.facilitation.sessions.service import SessionService
from bot.services.meetings import MeetingService
from bot.services.questions import QuestionService
from bot.services.registry import Services

log = logging.getLogger(__name__)


def declare(core: Core, services: Services) -> Feature:
    community = services.get(CommunityService)
    protocols = load_protocols(core.settings.facilitation.protocols_dir)
    for problem in protocols.problems:
        log.warning("session protocol refused: %s", problem.describe(core.catalog))
    meetings = services.find(MeetingService)
    topics = services.find(QuestionService)
    rotation = RotationService(core, community, meetings)
    actions = ActionService(core, community)
    sessions = SessionService(core, community, protocols, topics=topics, meetings=meetings)
    records = SessionRecords(core, community, actions, topics=topics)
    practices = PracticeLog(core, community)
    if meetings is not None:
        meetings.add_occurrence_listener(rotation)
        meetings.use_facilitators(rotation)
        meetings.use_protocols(protocols)
    parts: tuple[Interface, ...] = (
        RotationInterface(rotation),
        SessionCommands(sessions, records),
        SessionButtons(sessions, records),
        ActionInterface(actions),
        PracticesInterface(practices),
    )

    def interface(ui: UI) -> None:
        for part in parts:
            part.declare(ui)

    return Feature(
        name="facilitation",
        services=(rotation, actions, sessions, records, practices),
        timer_kinds=(
            *RotationTimers(core, meetings).timer_kinds(),
            *SessionPosts(core).timer_kinds(),
            *actions.timer_kinds(),
        ),
        personal_data=(rotation, actions, sessions),
        status=(rotation, sessions),
        departures=(rotation,),
        availability=(rotation,),
        interface=interface,
    )
