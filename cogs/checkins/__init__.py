"""Goals and weekly check-ins (SPEC §6): ``/goal`` and ``/checkin``, their buttons and timers.

Loaded as the extension ``cogs.checkins``; it builds :class:`GoalService` and
:class:`CheckinService`, registers them for ``/me export|delete`` and ``/plc status``,
the restart-proof buttons, and the ``checkin_open|nudge|close`` timer handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.checkins import CheckinService
from bot.services.community import CommunityService
from bot.services.goals import GoalService
from bot.services.members import MemberService
from bot.services.retention import RetentionService
from cogs.checkins.commands import Checkins, Goals
from cogs.checkins.timers import CheckinTimers
from cogs.checkins.views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import PlcBot


async def setup(bot: PlcBot) -> None:
    community = bot.services.get(CommunityService)
    members = bot.services.get(MemberService)
    goals = GoalService(bot.core, community)
    checkins = CheckinService(bot.core, community)
    bot.services.add(goals)
    bot.services.add(checkins)
    members.add_personal_data(goals)
    members.add_personal_data(checkins)
    community.add_status_provider(checkins)
    retention = bot.services.find(RetentionService)
    if retention is not None:
        retention.add_rule("check-ins over 12 months", checkins.purge_old)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    CheckinTimers(bot, checkins).register()
    await bot.add_cog(Goals(bot))
    await bot.add_cog(Checkins(bot))
