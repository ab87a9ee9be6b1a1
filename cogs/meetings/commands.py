"""``/meeting schedule|list|edit|cancel|calendar`` and the RSVP and confirm clicks."""

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
from bot.scheduler import RetryLater
from bot.services.community import CommunityService
from bot.services.meetings import MeetingDraft, MeetingService, UpcomingMeeting
from bot.text import inert_markdown
from cogs.meetings import render
from cogs.meetings.publisher import MeetingPublisher
from cogs.meetings.views import COG_NAME, PendingDrafts, decision_view
from cogs.toolkit import is_facilitator, reply, t, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

LIST_LIMIT = 15
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


def _place(channel: app_commands.AppCommandChannel | None) -> tuple[int | None, str | None]:
    if channel is None:
        return None, None
    return channel.id, _PLACE_KINDS.get(channel.type, str(channel.type))


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


class Meetings(commands.Cog, name=COG_NAME):
    def __init__(self, bot: PlcBot, meetings: MeetingService, publisher: MeetingPublisher) -> None:
        self.bot = bot
        self.meetings = meetings
        self.publisher = publisher
        self.community = bot.services.get(CommunityService)
        self.pending = PendingDrafts()
        self.reconciled = asyncio.Event()
        self._reconcile_task: asyncio.Task[None] | None = None
        self._rsvp_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

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
            await self.publisher.reconcile()
        except Exception:
            log.exception("reconciling meetings with Discord failed")
        finally:
            self.reconciled.set()

    async def cog_unload(self) -> None:
        if self._reconcile_task is not None and not self._reconcile_task.done():
            self._reconcile_task.cancel()

    # -- /meeting schedule -----------------------------------------------------------------

    @meeting.command(name=_("schedule"), description=_("Schedule a meeting (facilitators)"))
    @app_commands.describe(
        title=_("Short name of the meeting (up to 100 characters)"),
        when=_("Date and time, e.g. 2026-12-03 15:30, Dec 3 3:30pm, Thursday 3pm"),
        duration=_("Length in minutes (default 90)"),
        repeat=_("Does it repeat?"),
        channel=_("Voice or stage channel where it happens"),
        link=_("Web link where it happens (http or https)"),
        agenda=_("What will be discussed (up to 1000 characters)"),
        reminders=_("Reminders before the start, e.g. 24h, 1h (default: the community's)"),
    )
    @app_commands.choices(repeat=REPEAT_CHOICES)
    @is_facilitator()
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
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel_id, channel_kind = _place(channel)
        draft = await self.meetings.draft_schedule(
            interaction.guild_id,
            interaction.user.id,
            title=title,
            when=when,
            duration=duration,
            repeat=repeat.value if repeat else "none",
            channel_id=channel_id,
            channel_kind=channel_kind,
            link=link,
            agenda=agenda,
            reminders=reminders,
        )
        announcements = await self._announcements_channel(interaction)
        token = self.pending.add(draft, interaction.user.id, self.bot.core.clock.now())
        lines = [
            t(interaction, "meetings.schedule.check"),
            self._preview(interaction, draft),
            *render.dst_notes(self.bot.catalog, user_language(interaction), draft.when),
            *self._reminders_line(interaction, draft),
            t(interaction, "meetings.schedule.ask", channel_id=announcements),
        ]
        view = decision_view(
            token,
            t(interaction, "meetings.schedule.confirm"),
            t(interaction, "meetings.schedule.cancel"),
        )
        await reply(interaction, "\n\n".join(lines), view=view)

    def _preview(self, interaction: discord.Interaction, draft: MeetingDraft) -> str:
        catalog, language = self.bot.catalog, user_language(interaction)
        when = draft.when
        return t(
            interaction,
            "meetings.schedule.preview",
            title=inert_markdown(draft.title),
            local=f"{when.local_date.isoformat()} {render.clock_text(when.local_time)}",
            zone=when.timezone,
            timestamp=int(when.starts_at.timestamp()),
            duration=render.duration_text(catalog, language, draft.duration_minutes),
            repeat=render.repeat_text(catalog, language, draft.repeat, when.local_date),
            place=render.place_text(catalog, language, draft.channel_id, draft.link),
        )

    def _reminders_line(self, interaction: discord.Interaction, draft: MeetingDraft) -> list[str]:
        if draft.reminder_offsets is None:
            return []
        catalog, language = self.bot.catalog, user_language(interaction)
        offsets = ", ".join(
            render.duration_text(catalog, language, m) for m in draft.reminder_offsets
        )
        return [t(interaction, "meetings.schedule.reminders", offsets=offsets)]

    async def _announcements_channel(self, interaction: discord.Interaction) -> int:
        """The announcements channel, if it exists and the bot can post there (else refuse)."""
        community = await self.community.require(interaction.guild_id)
        channel_id = community.announcements_channel_id
        if channel_id is None:
            raise UserError("meetings.errors.no_announcements_channel")
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
        return channel_id

    async def decide_schedule(
        self, interaction: discord.Interaction, token: str, *, confirmed: bool
    ) -> None:
        """Confirm or Cancel under a preview: save, announce, mirror — or nothing."""
        draft = self.pending.take(token, interaction.user.id, self.bot.core.clock.now())
        if draft is None:
            await interaction.response.edit_message(
                content=t(interaction, "meetings.errors.confirm_expired"), view=None
            )
            return
        if not confirmed:
            await interaction.response.edit_message(
                content=t(interaction, "meetings.schedule.cancelled"), view=None
            )
            return
        await interaction.response.defer()
        upcoming = await self.meetings.schedule(draft)
        try:
            message = await self.publisher.announce(upcoming)
        except RetryLater:
            message = None
            problem = "meetings.errors.discord_unavailable"
        else:
            problem = "meetings.errors.announce_failed"
        if message is None:
            # An unannounced meeting nobody can answer helps no one: undo it entirely.
            await self.meetings.discard(upcoming.meeting.id)
            community = await self.community.get(draft.guild_id)
            channel_id = community.announcements_channel_id if community else None
            await interaction.edit_original_response(
                content=t(interaction, problem, channel_id=channel_id or 0), view=None
            )
            return
        event_problem = await self.publisher.sync_event(upcoming.meeting.id)
        lines = [
            t(
                interaction,
                "meetings.schedule.done",
                url=render.jump_url(draft.guild_id, message.channel.id, message.id),
            )
        ]
        if event_problem is not None:
            lines.append(
                t(interaction, "meetings.event.failed", reason=t(interaction, event_problem))
            )
        await interaction.edit_original_response(content="\n".join(lines), view=None)

    # -- RSVPs ----------------------------------------------------------------------------

    async def answer_rsvp(
        self, interaction: discord.Interaction, occurrence_id: int, answer: str
    ) -> None:
        # One click at a time per occurrence, so the re-rendered counts arrive in order.
        async with self._rsvp_locks[occurrence_id]:
            result = await self.meetings.rsvp(
                interaction.guild_id, occurrence_id, interaction.user.id, answer
            )
            community = await self.community.require(interaction.guild_id)
            upcoming = result.upcoming
            await interaction.response.edit_message(
                embed=render.announcement_embed(self.bot.catalog, community.language, upcoming),
                view=render.rsvp_view(self.bot.catalog, community.language, upcoming),
            )
        await interaction.followup.send(
            t(
                interaction,
                f"meetings.rsvp.{result.answer or 'removed'}",
                title=inert_markdown(upcoming.meeting.title),
                timestamp=render.timestamp(upcoming),
            ),
            ephemeral=True,
        )

    # -- /meeting list, calendar --------------------------------------------------------------

    @meeting.command(name=_("list"), description=_("Upcoming meetings with their answers"))
    async def list_meetings(self, interaction: discord.Interaction) -> None:
        upcoming = await self.meetings.list_upcoming(interaction.guild_id)
        if not upcoming:
            await reply(interaction, t(interaction, "meetings.list.empty"))
            return
        catalog, language = self.bot.catalog, user_language(interaction)
        lines = [self._list_line(interaction, item) for item in upcoming[:LIST_LIMIT]]
        if len(upcoming) > LIST_LIMIT:
            lines.append(t(interaction, "meetings.list.more", count=len(upcoming) - LIST_LIMIT))
        embed = discord.Embed(
            title=catalog.t(language, "meetings.list.title"),
            description="\n\n".join(lines),
            colour=discord.Colour.blurple(),
        )
        await reply(interaction, embed=embed)

    def _list_line(self, interaction: discord.Interaction, item: UpcomingMeeting) -> str:
        catalog, language = self.bot.catalog, user_language(interaction)
        meeting, counts = item.meeting, item.counts
        line = t(
            interaction,
            "meetings.list.line",
            title=inert_markdown(meeting.title),
            timestamp=render.timestamp(item),
            repeat=render.repeat_text(catalog, language, meeting.repeat, meeting.first_date),
            place=render.meeting_place(catalog, language, item),
            going=counts.going,
            maybe=counts.maybe,
            cant=counts.cant,
        )
        if item.occurrence.facilitator_id is not None:
            line += t(
                interaction, "meetings.list.facilitator", user_id=item.occurrence.facilitator_id
            )
        return line

    @meeting.command(
        name=_("calendar"),
        description=_("Download the upcoming meetings as a calendar file (.ics)"),
    )
    async def calendar(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        upcoming = await self.meetings.list_upcoming(interaction.guild_id)
        if not upcoming:
            await reply(interaction, t(interaction, "meetings.calendar.empty"))
            return
        assert interaction.guild_id is not None
        ics = await self.meetings.calendar(interaction.guild_id)
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
    @app_commands.describe(
        meeting=_("The meeting"),
        title=_("New title"),
        when=_("New date and time"),
        duration=_("New length in minutes"),
        channel=_("New voice or stage channel"),
        link=_("New web link (http or https)"),
        agenda=_("New agenda"),
    )
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    @is_facilitator()
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
        channel_id, channel_kind = _place(channel)
        result = await self.meetings.edit(
            interaction.guild_id,
            interaction.user.id,
            meeting,
            title=title,
            when=when,
            duration=duration,
            channel_id=channel_id,
            channel_kind=channel_kind,
            link=link,
            agenda=agenda,
        )
        after = result.after
        await self.publisher.refresh_announcement(after)
        event_problem = await self.publisher.sync_event(after.meeting.id)
        told = 0
        if result.notify:
            told = await self.publisher.notify(
                after,
                await self._public(after, "meetings.notify.edited"),
                result.notify,
                action=f"edit-{after.meeting.updated_at.timestamp():.0f}",
            )
        lines = [
            t(
                interaction,
                "meetings.edit.done",
                title=inert_markdown(after.meeting.title),
                timestamp=render.timestamp(after),
            )
        ]
        if result.when is not None:
            lines += render.dst_notes(self.bot.catalog, user_language(interaction), result.when)
        if told:
            community = await self.community.require(interaction.guild_id)
            lines.append(
                t(
                    interaction,
                    "meetings.edit.told",
                    count=told,
                    channel_id=community.announcements_channel_id or 0,
                )
            )
        if event_problem is not None:
            lines.append(
                t(interaction, "meetings.event.failed", reason=t(interaction, event_problem))
            )
        await reply(interaction, "\n".join(lines))

    @meeting.command(name=_("cancel"), description=_("Cancel a meeting (facilitators)"))
    @app_commands.describe(meeting=_("The meeting"), scope=_("This date only, or the whole series"))
    @app_commands.choices(scope=SCOPE_CHOICES)
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    @is_facilitator()
    async def cancel(
        self,
        interaction: discord.Interaction,
        meeting: str,
        scope: app_commands.Choice[str] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.meetings.cancel(
            interaction.guild_id,
            interaction.user.id,
            meeting,
            scope.value if scope else "occurrence",
        )
        cancelled = result.cancelled
        await self.publisher.refresh_announcement(cancelled, cancelled=True)
        if result.next is not None:
            await self.publisher.announce(result.next)
        await self.publisher.sync_event(cancelled.meeting.id)
        key = (
            "meetings.notify.cancelled_series"
            if result.series_ended
            else "meetings.notify.cancelled_occurrence"
        )
        text = await self._public(cancelled, key)
        if result.next is not None:
            text += " " + await self._public(result.next, "meetings.notify.next")
        if result.notify:
            await self.publisher.notify(cancelled, text, result.notify, action="cancel")
        lines = [
            t(
                interaction,
                "meetings.cancel.series" if result.series_ended else "meetings.cancel.occurrence",
                title=inert_markdown(cancelled.meeting.title),
                timestamp=render.timestamp(cancelled),
            )
        ]
        if result.next is not None:
            lines.append(
                t(interaction, "meetings.cancel.next", timestamp=render.timestamp(result.next))
            )
        await reply(interaction, "\n".join(lines))

    async def _public(self, upcoming: UpcomingMeeting, key: str) -> str:
        """A notice in the community's language about ``upcoming``."""
        community = await self.community.require(upcoming.meeting.guild_id)
        catalog, language = self.bot.catalog, community.language
        return catalog.t(
            language,
            key,
            title=inert_markdown(upcoming.meeting.title),
            timestamp=render.timestamp(upcoming),
            place=render.meeting_place(catalog, language, upcoming),
        )
