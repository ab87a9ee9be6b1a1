"""Meetings (SPEC §4): ``/meeting``, RSVP buttons, reminders and the Discord event mirror.

``setup`` builds the service and wires it: personal data (``/me export|delete``),
the ``/plc status`` line, the persistent buttons and the timer handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.meetings import MeetingService
from cogs.meetings.commands import Meetings
from cogs.meetings.publisher import MeetingPublisher
from cogs.meetings.reminders import MeetingTimers
from cogs.meetings.views import RsvpButton, ScheduleDecision

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    meetings = bot.services.get(MeetingService)
    publisher = MeetingPublisher(bot, meetings)
    MeetingTimers(bot, meetings, publisher).register()
    bot.add_dynamic_items(RsvpButton, ScheduleDecision)
    await bot.add_cog(Meetings(bot, meetings, publisher))
