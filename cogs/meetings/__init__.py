"""Meetings (SPEC §4): ``/meeting``, RSVP buttons, reminders and the Discord event mirror.

``setup`` builds the service and wires it: personal data (``/me export|delete``),
the ``/plc status`` line, the persistent buttons and the timer handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.community import CommunityService
from bot.services.meetings import MeetingService
from bot.services.members import MemberService
from bot.services.rotation import RotationService
from cogs.meetings.commands import Meetings
from cogs.meetings.publisher import MeetingPublisher
from cogs.meetings.reminders import MeetingTimers
from cogs.meetings.views import RsvpButton, ScheduleDecision

if TYPE_CHECKING:
    from bot.app import PlcBot


async def setup(bot: PlcBot) -> None:
    community = bot.services.get(CommunityService)
    meetings = MeetingService(bot.core, community)
    bot.services.add(meetings)
    rotation = bot.services.find(RotationService)
    if rotation is not None:  # each new date gets its facilitator in its own transaction
        meetings.add_occurrence_listener(rotation)
    bot.services.get(MemberService).add_personal_data(meetings)
    community.add_status_provider(meetings)
    publisher = MeetingPublisher(bot, meetings)
    MeetingTimers(bot, meetings, publisher).register()
    bot.add_dynamic_items(RsvpButton, ScheduleDecision)
    await bot.add_cog(Meetings(bot, meetings, publisher))
