"""``/meeting schedule|list|calendar|edit|cancel``, the RSVP buttons and the schedule's
confirmation, declared once for every platform."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from bot.chat import Message, Text
from bot.i18n import Catalog
from bot.interactions import CustomId, Interaction
from bot.interactions.commands import ChannelKind, ChannelOption, Option
from bot.interactions.errors import refusal_text
from bot.interactions.interface import CommandGroup, Interface, click, on_confirm
from bot.interactions.routes import Params
from bot.services.meetings import replies
from bot.services.meetings.cards import RSVP
from bot.services.meetings.checks import DURATION_MAX, Room
from bot.services.meetings.models import AnnouncementRefused, MeetingDraft
from bot.services.meetings.service import MeetingService

CONFIRM_KIND = "meeting_schedule"
# Confirm / Cancel of previews sent before the shared confirm dialog: they expire.
OLD_DECISION = CustomId(
    "plc:mtg:{decision}:{token}",
    decision="confirm|discard",
    token="[0-9a-f]{16}",  # noqa: S106 (a pattern, not a password)
)
REPEAT_CHOICES = (
    ("none", "Does not repeat"),
    ("weekly", "Every week"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Every month (same weekday, e.g. first Tuesday)"),
)
SCOPE_CHOICES = (("occurrence", "This date only"), ("series", "The whole series"))
ROOM_KINDS: tuple[ChannelKind, ...] = ("voice", "stage")


def _minutes(name: str, description: str) -> Option:
    return Option(name, description, kind="integer", min_value=1, max_value=DURATION_MAX)


def _room(channel: ChannelOption | None) -> Room | None:
    return None if channel is None else Room(channel.channel_id, channel.kind)


MEETING = CommandGroup("meeting", "Schedule and follow the community's meetings")


class MeetingInterface(Interface):
    def __init__(self, meetings: MeetingService, catalog: Catalog) -> None:
        self.meetings = meetings
        self._catalog = catalog
        # One click at a time per date, so the re-drawn counts arrive in order.
        self._rsvp_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- autocomplete -----------------------------------------------------------------------

    async def suggest_protocol(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return self.meetings.protocol_choices(current, ctx.language)

    async def suggest_meeting(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return await self.meetings.meeting_choices(ctx.guild_id, current, ctx.language)

    # -- /meeting schedule and its confirmation ------------------------------------------------

    @MEETING.command(
        "schedule",
        "Schedule a meeting (facilitators)",
        Option("title", "Short name of the meeting (up to 100 characters)", required=True),
        Option(
            "when",
            "Date and time, e.g. 2026-12-03 15:30, Dec 3 3:30pm, Thursday 3pm",
            required=True,
        ),
        _minutes("duration", "Length in minutes (default 90)"),
        Option("repeat", "Does it repeat?", choices=REPEAT_CHOICES),
        Option(
            "channel",
            "Voice or stage channel where it happens",
            kind="channel",
            channel_kinds=ROOM_KINDS,
        ),
        Option("link", "Web link where it happens (http or https)"),
        Option("agenda", "What will be discussed (up to 1000 characters)"),
        Option("reminders", "Reminders before the start, e.g. 24h, 1h (default: the community's)"),
        Option(
            "protocol",
            "The protocol its live session follows (preselected when the session starts)",
        ),
        access="facilitator",
        suggest={"protocol": suggest_protocol},
    )
    async def schedule(
        self, ctx: Interaction, channel: ChannelOption | None = None, **given: Any
    ) -> None:
        # The other options pass on by name: the service holds their defaults.
        await ctx.defer()
        draft = await self.meetings.draft_schedule(ctx.actor(), room=_room(channel), **given)
        await self.confirmations.ask(
            ctx,
            CONFIRM_KIND,
            draft,
            replies.preview(draft),
            confirm_label=Text(key="meetings.schedule.confirm"),
            cancel_label=Text(key="meetings.schedule.cancel"),
        )

    @on_confirm(
        CONFIRM_KIND,
        cancelled_key="meetings.schedule.cancelled",
        expired_key="meetings.errors.confirm_expired",
    )
    async def confirmed(self, ctx: Interaction, draft: MeetingDraft) -> None:
        """Confirm under a preview: save, announce, mirror (or say why nothing was saved)."""
        await ctx.defer(update=True)
        try:
            result = await self.meetings.schedule(ctx.actor(), draft)
        except AnnouncementRefused as refused:
            await ctx.update(Message(content=refusal_text(self._catalog, refused)))
            return
        await ctx.update(replies.scheduled(result))

    @click(OLD_DECISION)
    async def old_decision(self, ctx: Interaction, params: Params) -> None:
        """Confirm / Cancel of a preview sent before the confirm dialog was shared."""
        await ctx.update(Message(content=Text(key="meetings.errors.confirm_expired")))

    # -- RSVPs ----------------------------------------------------------------------------

    @click(RSVP)
    async def rsvp(self, ctx: Interaction, params: Params) -> None:
        occurrence_id = int(params["occurrence"])
        async with self._rsvp_locks[occurrence_id]:
            result = await self.meetings.rsvp(ctx.actor(), occurrence_id, params["answer"])
            await ctx.update(result.announcement)
        await ctx.reply(replies.answered(result))

    # -- /meeting list, calendar, edit, cancel ----------------------------------------------------

    @MEETING.command("list", "Upcoming meetings with their answers")
    async def listing(self, ctx: Interaction) -> None:
        await ctx.reply(replies.listing(await self.meetings.list_upcoming(ctx.actor())))

    @MEETING.command("calendar", "Download the upcoming meetings as a calendar file (.ics)")
    async def calendar(self, ctx: Interaction) -> None:
        await ctx.defer()
        await ctx.reply(replies.calendar(await self.meetings.calendar(ctx.actor())))

    @MEETING.command(
        "edit",
        "Change a meeting (facilitators)",
        Option("meeting", "The meeting", required=True),
        Option("title", "New title"),
        Option("when", "New date and time"),
        _minutes("duration", "New length in minutes"),
        Option("channel", "New voice or stage channel", kind="channel", channel_kinds=ROOM_KINDS),
        Option("link", "New web link (http or https)"),
        Option("agenda", "New agenda"),
        access="facilitator",
        suggest={"meeting": suggest_meeting},
    )
    async def edit(
        self, ctx: Interaction, meeting: str, channel: ChannelOption | None = None, **given: Any
    ) -> None:
        # The changes given pass on by name; those not given stay as they are.
        await ctx.defer()
        result = await self.meetings.edit(ctx.actor(), meeting, room=_room(channel), **given)
        await ctx.reply(replies.edited(result))

    @MEETING.command(
        "cancel",
        "Cancel a meeting (facilitators)",
        Option("meeting", "The meeting", required=True),
        Option("scope", "This date only, or the whole series", choices=SCOPE_CHOICES),
        access="facilitator",
        suggest={"meeting": suggest_meeting},
    )
    async def cancel(self, ctx: Interaction, meeting: str, scope: str = "occurrence") -> None:
        await ctx.defer()
        await ctx.reply(replies.cancelled(await self.meetings.cancel(ctx.actor(), meeting, scope)))
