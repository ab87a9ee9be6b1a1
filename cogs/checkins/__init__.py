"""Goals and weekly check-ins (SPEC §6): ``/goal`` and ``/checkin``, their buttons and timers.

Loaded as the extension ``cogs.checkins``; it builds :class:`GoalService` and
:class:`CheckinService`, registers them for ``/me export|delete`` and ``/plc status``,
the restart-proof buttons, and the ``checkin_open|nudge|close`` timer handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.checkins import CheckinService
from cogs.checkins.commands import Checkins, Goals
from cogs.checkins.timers import CheckinTimers
from cogs.checkins.views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    checkins = bot.services.get(CheckinService)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    CheckinTimers(bot, checkins).register()
    await bot.add_cog(Goals(bot))
    await bot.add_cog(Checkins(bot))
