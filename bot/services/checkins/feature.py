"""Goals and weekly check-ins, as the application installs them."""

from __future__ import annotations

from bot.features import Feature
from bot.interactions import UI
from bot.services.base import Core
from bot.services.checkins.goals import GoalService
from bot.services.checkins.interface import CheckinInterface, GoalInterface
from bot.services.checkins.service import CheckinService
from bot.services.community import CommunityService, MemberService
from bot.services.outbox import Outbox
from bot.services.registry import Services


def declare(core: Core, services: Services) -> Feature:
    community = services.get(CommunityService)
    goals = GoalService(core, community)
    checkins = CheckinService(core, community, services.get(MemberService), services.get(Outbox))

    def interface(ui: UI) -> None:
        GoalInterface(goals).declare(ui)
        CheckinInterface(checkins).declare(ui)

    return Feature(
        name="checkins",
        services=(goals, checkins),
        timer_kinds=tuple(checkins.timer_kinds()),
        personal_data=(goals, checkins),
        retention=(("check-ins over 12 months", checkins.purge_old),),
        status=(checkins,),
        interface=interface,
    )
