"""Meetings (SPEC §4): ``/meeting``, the RSVP buttons and the schedule confirmation.

The service (built in ``bot/app.py``) owns the rules, the timers and the event mirror;
this extension declares how the cards look, routes the buttons and the confirm
dialog to the cog, and adds the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.meetings import (
    MeetingAnnouncement,
    MeetingNotice,
    MeetingReminder,
    MeetingService,
    MissedReminder,
)
from cogs.meetings import render
from cogs.meetings.commands import CONFIRM_KIND, Meetings

if TYPE_CHECKING:
    from cogs.client import PlcBot

# Confirm / Cancel of previews sent before the shared confirm dialog (they expire).
OLD_DECISION_ROUTE = r"plc:mtg:(?P<decision>confirm|discard):(?P<token>[0-9a-f]{16})"


async def setup(bot: PlcBot) -> None:
    cog = Meetings(bot, bot.services.get(MeetingService))
    bot.chat.renders(MeetingAnnouncement, render.render_announcement)
    bot.chat.renders(MeetingNotice, render.render_notice)
    bot.chat.renders(MeetingReminder, render.render_reminder)
    bot.chat.renders(MissedReminder, render.render_missed)
    bot.buttons.route(render.RSVP_ROUTE, cog.on_rsvp)
    bot.buttons.route(OLD_DECISION_ROUTE, cog.on_old_decision)
    bot.confirmations.on(
        CONFIRM_KIND,
        cog.on_schedule_confirmed,
        cancelled_key="meetings.schedule.cancelled",
        expired_key="meetings.errors.confirm_expired",
    )
    await bot.add_cog(cog)
