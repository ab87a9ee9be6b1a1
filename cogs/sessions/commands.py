"""``/session start|note|decision|action|next|end``: parse, call the service, answer."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.services.actions import RecordedAction
from bot.services.meetings import MeetingService
from bot.services.session_state import protocol_of
from bot.services.sessions import SessionService
from cogs.toolkit import actor, clip, command_group, plc_bot, read_as, reply, t, user_language

if TYPE_CHECKING:
    from cogs.client import PlcBot

CHOICE_MAX = 100


def owner_fields(owner: discord.Member | discord.User | None) -> tuple[int | None, bool]:
    """The owner's id, and whether they are still a member of the server."""
    if owner is None:
        return None, True
    return owner.id, isinstance(owner, discord.Member)


class Sessions(commands.Cog):
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.service = bot.services.get(SessionService)

    session = command_group("session", "Run a live session: steps, rounds, time, notes and actions")

    # -- autocomplete ------------------------------------------------------------------------

    async def protocol_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        language = user_language(interaction)
        return [
            app_commands.Choice(
                name=clip(f"{p.name_in(language)} ({p.id})", CHOICE_MAX), value=p.id
            )
            for p in self.service.protocol_choices(current, language)
        ]

    async def meeting_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        meetings = self.bot.services.find(MeetingService)
        if meetings is None:
            return []
        choices = []
        for upcoming in await meetings.search(interaction.guild_id, current):
            local = upcoming.occurrence.starts_at.astimezone(ZoneInfo(upcoming.meeting.timezone))
            name = f"{upcoming.meeting.title} — {local:%Y-%m-%d %H:%M}"
            choices.append(
                app_commands.Choice(name=clip(name, CHOICE_MAX), value=str(upcoming.meeting.id))
            )
        return choices

    # -- commands -----------------------------------------------------------------------------

    @session.command(
        name=_("start"),
        description=_("Start a live session here (facilitators, or the assigned facilitator)"),
    )
    @app_commands.describe(
        protocol=_("The protocol to run (default: the meeting's, else the PLC meeting)"),
        meeting=_("The meeting this session is for (default: one within 12 hours)"),
        client=_("Co-development: the member whose situation the group works on"),
    )
    @app_commands.autocomplete(protocol=protocol_choices, meeting=meeting_choices)
    async def start(
        self,
        interaction: discord.Interaction,
        protocol: str | None = None,
        meeting: str | None = None,
        client: discord.Member | discord.User | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        client_id, present = owner_fields(client)
        assert interaction.channel_id is not None
        started = await self.service.start(
            actor(interaction),
            channel_id=interaction.channel_id,
            protocol=protocol,
            meeting=meeting,
            client_id=client_id,
            client_present=present,
        )
        where = started.session.thread_id or started.session.channel_id
        await reply(
            interaction,
            t(
                interaction,
                "facilitation.replies.started",
                protocol=protocol_of(started.session.protocol).name_in(user_language(interaction)),
                channel=f"<#{where}>",
                count=started.reviewed_actions,
            ),
        )

    @session.command(name=_("note"), description=_("Add a note to the session (participants)"))
    @app_commands.describe(text=_("The note (up to 1000 characters)"))
    async def note(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.service.add_entry(actor(interaction), "note", text)
        await reply(interaction, t(interaction, "facilitation.replies.note"))

    @session.command(
        name=_("decision"), description=_("Record a decision of the group (participants)")
    )
    @app_commands.describe(text=_("The decision (up to 1000 characters)"))
    async def decision(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.service.add_entry(actor(interaction), "decision", text)
        await reply(interaction, t(interaction, "facilitation.replies.decision"))

    @session.command(name=_("action"), description=_("Record an action someone commits to"))
    @app_commands.describe(
        text=_("What will be done (up to 300 characters)"),
        owner=_("Who does it (default: you)"),
        due=_("Due date, e.g. 2026-12-10, Dec 10, next Friday"),
    )
    async def action(
        self,
        interaction: discord.Interaction,
        text: str,
        owner: discord.Member | discord.User | None = None,
        due: str | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        owner_id, present = owner_fields(owner)
        item = await self.service.add_action(
            actor(interaction), text, owner_id=owner_id, owner_present=present, due=due
        )
        await reply(interaction, action_recorded(interaction, item))

    @session.command(name=_("next"), description=_("Move on to the next step (facilitator)"))
    async def next_step(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = await self.service.next_step(actor(interaction))
        await reply(interaction, moved_text(interaction, session.protocol, session.step_index))

    @session.command(name=_("end"), description=_("End the session and post its summary"))
    async def end(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.service.end(actor(interaction))
        await reply(
            interaction,
            t(interaction, "facilitation.replies.ended", covered=len(summary.covered)),
        )


def action_recorded(interaction: discord.Interaction, item: RecordedAction) -> str:
    """The reply, saying back a typed due date with its weekday and the zone it was read in."""
    text = t(interaction, "facilitation.replies.action", number=item.id, user=f"<@{item.owner_id}>")
    if item.due_on is None or item.due_zone is None:
        return text
    catalog = plc_bot(interaction).catalog
    return f"{text}\n{read_as(catalog, user_language(interaction), item.due_on, item.due_zone)}"


def moved_text(interaction: discord.Interaction, snapshot: dict[str, object], index: int) -> str:
    protocol = protocol_of(snapshot)
    step = protocol.steps[index]
    return t(
        interaction,
        "facilitation.replies.moved",
        number=index + 1,
        count=len(protocol.steps),
        title=step.title.text(user_language(interaction)),
    )
