"""``/meeting schedule|list|edit|cancel|calendar``, the RSVP clicks and the confirm dialog.

Each handler parses, calls one :class:`MeetingService` method with the
:class:`~bot.actor.Actor` and renders its result; the rules and workflows are the
service's. The only Discord check here is whether the bot can post in the
announcements channel, asked before the preview.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.errors import UserError
from bot.services.meetings import AnnouncementRefused, MeetingDraft, MeetingService, Room
from cogs.meetings import render
from cogs.toolkit import (
    actor,
    clip,
    escape,
    is_facilitator,
    message_link,
    reply,
    t,
    user_language,
)

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

COG_NAME = "Meetings"
CONFIRM_KIND = "meeting_schedule"
# What the bot must be allowed to do in the announcements channel.
_ANNOUNCE_NEEDS = ("view_channel", "send_messages", "embed_links")
_PLACE_KINDS = {
    discord.ChannelType.voice: "voice",
    discord.ChannelType.stage_voice: "stage",
}


class PlaceChannel(app_commands.Transformer):
    """A channel option offering voice and stage channels only (checked again by the service)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.voice, discord.ChannelType.stage_voice]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        return value


Place = app_commands.Transform[app_commands.AppCommandChannel, PlaceChannel]


def _room(channel: app_commands.AppCommandChannel | None) -> Room | None:
    if channel is None:
        return None
    return Room(channel.id, _PLACE_KINDS.get(channel.type, str(channel.type)))


REPEAT_CHOICES = [
    app_commands.Choice(name=_("Does not repeat"), value="none"),
    app_commands.Choice(name=_("Every week"), value="weekly"),
    app_commands.Choice(name=_("Every two weeks"), value="biweekly"),
    app_commands.Choice(name=_("Every month (same weekday, e.g. first Tuesday)"), value="monthly"),
]
SCOPE_CHOICES = [
    app_commands.Choice(name=_("This date only"), value="occurrence"),
    app_commands.Choice(name=_("The whole series"), value="series"),
]

# What each option means, as Discord shows it (translated by the catalog).
SCHEDULE_OPTIONS = {
    "title": _("Short name of the meeting (up to 100 characters)"),
    "when": _("Date and time, e.g. 2026-12-03 15:30, Dec 3 3:30pm, Thursday 3pm"),
    "duration": _("Length in minutes (default 90)"),
    "repeat": _("Does it repeat?"),
    "channel": _("Voice or stage channel where it happens"),
    "link": _("Web link where it happens (http or https)"),
    "agenda": _("What will be discussed (up to 1000 characters)"),
    "reminders": _("Reminders before the start, e.g. 24h, 1h (default: the community's)"),
    "protocol": _("The live-session protocol this meeting runs (preselected by /session start)"),
}
EDIT_OPTIONS = {
    "meeting": _("The meeting"),
    "title": _("New title"),
    "when": _("New date and time"),
    "duration": _("New length in minutes"),
    "channel": _("New voice or stage channel"),
    "link": _("New web link (http or https)"),
    "agenda": _("New agenda"),
}


def check_can_announce(interaction: discord.Interaction, channel_id: int) -> None:
    """Refuse before the preview if the bot cannot post in the announcements channel."""
    guild = interaction.guild
    assert guild is not None
    channel = guild.get_channel(channel_id)
    if channel is None:
        raise UserError("meetings.errors.announcements_missing", channel_id=channel_id)
    allowed = channel.permissions_for(guild.me)
    missing = [name for name in _ANNOUNCE_NEEDS if not getattr(allowed, name)]
    if missing:
        raise UserError(
            "meetings.errors.announcements_permission",
            channel_id=channel_id,
            permissions=", ".join(f"`{name}`" for name in missing),
        )


class Meetings(commands.Cog, name=COG_NAME):
    def __init__(self, bot: PlcBot, meetings: MeetingService) -> None:
        self.bot = bot
        self.meetings = meetings
        self.reconciled = asyncio.Event()
        self._reconcile_task: asyncio.Task[None] | None = None
        self._rsvp_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def protocol_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        language = user_language(interaction)
        return [
            app_commands.Choice(name=clip(f"{p.name_in(language)} ({p.id})", 100), value=p.id)
            for p in self.meetings.protocol_choices(current, language)
        ]

    meeting = app_commands.Group(
        name=_("meeting"),
        description=_("Schedule and follow the community's meetings"),
        guild_only=True,
    )

    # -- start-up reconciliation -------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # on_ready fires again after reconnects; reconcile once per process (D9).
        if self._reconcile_task is None:
            self._reconcile_task = asyncio.create_task(self._reconcile())

    async def _reconcile(self) -> None:
        try:
            await self.meetings.reconcile()
        except Exception:
            log.exception("reconciling meetings with Discord failed")
        finally:
            self.reconciled.set()

    async def cog_unload(self) -> None:
        if self._reconcile_task is not None and not self._reconcile_task.done():
            self._reconcile_task.cancel()

    # -- /meeting schedule -----------------------------------------------------------------

    @meeting.command(name=_("schedule"), description=_("Schedule a meeting (facilitators)"))
    @is_facilitator()
    @app_commands.describe(**SCHEDULE_OPTIONS)
    @app_commands.choices(repeat=REPEAT_CHOICES)
    @app_commands.autocomplete(protocol=protocol_choices)
    async def schedule(
        self,
        interaction: discord.Interaction,
        title: str,
        when: str,
        duration: app_commands.Range[int, 1, 1440] = 90,
        repeat: app_commands.Choice[str] | None = None,
        channel: Place | None = None,
        link: str | None = None,
        agenda: str | None = None,
        reminders: str | None = None,
        protocol: str | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        draft = await self.meetings.draft_schedule(
            actor(interaction),
            title=title,
            when=when,
            duration=duration,
            repeat=repeat.value if repeat else "none",
            room=_room(channel),
            link=link,
            agenda=agenda,
            reminders=reminders,
            protocol=protocol,
        )
        check_can_announce(interaction, draft.announcements_channel_id)
        await self.bot.confirmations.ask(
            interaction,
            CONFIRM_KIND,
            draft,
            confirm_label=t(interaction, "meetings.schedule.confirm"),
            cancel_label=t(interaction, "meetings.schedule.cancel"),
            content=render.preview(self.bot.catalog, user_language(interaction), draft),
        )

    async def on_schedule_confirmed(
        self, interaction: discord.Interaction, draft: MeetingDraft
    ) -> None:
        """Confirm under a preview: save, announce, mirror (or say why nothing was saved)."""
        await interaction.response.defer()
        try:
            result = await self.meetings.schedule(actor(interaction), draft)
        except AnnouncementRefused as refused:
            await interaction.edit_original_response(
                content=t(interaction, refused.key, **refused.params), view=None
            )
            return
        posted = result.announcement
        lines = [
            t(
                interaction,
                "meetings.schedule.done",
                url=message_link(posted.guild_id, posted.channel_id, posted.message_id),
            )
        ]
        lines += self._event_problem(interaction, result.event_problem)
        await interaction.edit_original_response(content="\n".join(lines), view=None)

    async def on_old_decision(self, interaction: discord.Interaction, _: dict[str, str]) -> None:
        """Confirm / Cancel of a preview sent before the confirm dialog was shared: expired."""
        await interaction.response.edit_message(
            content=t(interaction, "meetings.errors.confirm_expired"), view=None
        )

    @staticmethod
    def _event_problem(interaction: discord.Interaction, problem: str | None) -> list[str]:
        if problem is None:
            return []
        return [t(interaction, "meetings.event.failed", reason=t(interaction, problem))]

    # -- RSVPs ----------------------------------------------------------------------------

    async def on_rsvp(self, interaction: discord.Interaction, params: dict[str, str]) -> None:
        occurrence_id = int(params["occurrence"])
        # One click at a time per occurrence, so the re-rendered counts arrive in order.
        async with self._rsvp_locks[occurrence_id]:
            result = await self.meetings.rsvp(actor(interaction), occurrence_id, params["answer"])
            shown = self.bot.chat.render(result.announcement)
            await interaction.response.edit_message(embeds=shown.embeds, view=shown.view)
        upcoming = result.upcoming
        await interaction.followup.send(
            t(
                interaction,
                render.RSVP_REPLIES[result.answer],
                title=escape(upcoming.meeting.title),
                timestamp=render.stamp(upcoming.occurrence.starts_at),
            ),
            ephemeral=True,
        )

    # -- /meeting list, calendar --------------------------------------------------------------

    @meeting.command(name=_("list"), description=_("Upcoming meetings with their answers"))
    async def list_meetings(self, interaction: discord.Interaction) -> None:
        upcoming = await self.meetings.list_upcoming(actor(interaction))
        if not upcoming:
            await reply(interaction, t(interaction, "meetings.list.empty"))
            return
        embed = render.list_embed(self.bot.catalog, user_language(interaction), upcoming)
        await reply(interaction, embed=embed)

    @meeting.command(
        name=_("calendar"),
        description=_("Download the upcoming meetings as a calendar file (.ics)"),
    )
    async def calendar(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        ics = await self.meetings.calendar(actor(interaction))
        if ics is None:
            await reply(interaction, t(interaction, "meetings.calendar.empty"))
            return
        await reply(
            interaction,
            t(interaction, "meetings.calendar.done"),
            file=discord.File(io.BytesIO(ics), filename="plc-meetings.ics"),
        )

    # -- /meeting edit, cancel ----------------------------------------------------------------

    async def meeting_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        choices = []
        for item in await self.meetings.search(interaction.guild_id, current):
            local = item.occurrence.starts_at.astimezone(ZoneInfo(item.meeting.timezone))
            name = f"{item.meeting.title[:70]} — {local:%Y-%m-%d %H:%M}"
            choices.append(app_commands.Choice(name=name, value=str(item.meeting.id)))
        return choices

    @meeting.command(name=_("edit"), description=_("Change a meeting (facilitators)"))
    @is_facilitator()
    @app_commands.describe(**EDIT_OPTIONS)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def edit(
        self,
        interaction: discord.Interaction,
        meeting: str,
        title: str | None = None,
        when: str | None = None,
        duration: app_commands.Range[int, 1, 1440] | None = None,
        channel: Place | None = None,
        link: str | None = None,
        agenda: str | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.meetings.edit(
            actor(interaction),
            meeting,
            title=title,
            when=when,
            duration=duration,
            room=_room(channel),
            link=link,
            agenda=agenda,
        )
        lines = render.edit_lines(self.bot.catalog, user_language(interaction), result)
        lines += self._event_problem(interaction, result.event_problem)
        await reply(interaction, "\n".join(lines))

    @meeting.command(name=_("cancel"), description=_("Cancel a meeting (facilitators)"))
    @is_facilitator()
    @app_commands.describe(meeting=_("The meeting"), scope=_("This date only, or the whole series"))
    @app_commands.choices(scope=SCOPE_CHOICES)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def cancel(
        self,
        interaction: discord.Interaction,
        meeting: str,
        scope: app_commands.Choice[str] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.meetings.cancel(
            actor(interaction), meeting, scope.value if scope else "occurrence"
        )
        cancelled = result.cancelled
        lines = [
            t(
                interaction,
                "meetings.cancel.series" if result.series_ended else "meetings.cancel.occurrence",
                title=escape(cancelled.meeting.title),
                timestamp=render.stamp(cancelled.occurrence.starts_at),
            )
        ]
        if result.next is not None:
            lines.append(
                t(
                    interaction,
                    "meetings.cancel.next",
                    timestamp=render.stamp(result.next.occurrence.starts_at),
                )
            )
        await reply(interaction, "\n".join(lines))
