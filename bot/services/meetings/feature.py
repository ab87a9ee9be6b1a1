"""The meetings feature, as the application installs it."""

from __future__ import annotations

from bot.features import Feature
from bot.services.base import Core
from bot.services.community import CommunityService, MemberService
from bot.services.meetings.interface import MeetingInterface
from bot.services.meetings.service import MeetingService
from bot.services.outbox import Outbox
from bot.services.registry import Services


def declare(core: Core, services: Services) -> Feature:
    meetings = MeetingService(
        core,
        services.get(CommunityService),
        services.get(MemberService),
        services.get(Outbox),
    )
    return Feature(
        name="meetings",
        services=(meetings,),
        timer_kinds=tuple(meetings.timer_kinds()),
        personal_data=(meetings,),
        status=(meetings,),
        interface=MeetingInterface(meetings, core.catalog).declare,
        # Announce what a crash left unannounced and re-check every calendar event.
        on_ready=meetings.reconcile,
    )
