"""A minimal real discord.py bot (not the project's) used to prove the emulator works.

Its slash commands cover what the emulator must handle: typed options, a group
with a subcommand, a deferred response with follow-ups, a button and a select,
a modal with two text inputs (one in a Label), a modal with a select that has a
default, a file, autocomplete, a command that answers too late, and names, option
names and choice names translated into French.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands, ui
from discord.app_commands import locale_str as _
from discord.ext import commands

TOKEN = "emulator-test-token"
MEETINGS = ["team sync", "test review", "retro"]


class VoteView(ui.View):
    @ui.button(label="Yes", style=discord.ButtonStyle.success, custom_id="vote:yes")
    async def yes(
        self, interaction: discord.Interaction[EmuTestBot], button: ui.Button[Any]
    ) -> None:
        interaction.client.calls["click"] = interaction.user.id
        await interaction.response.edit_message(content="Voted yes", view=self)

    @ui.select(
        custom_id="vote:pick",
        max_values=2,
        options=[discord.SelectOption(label=x.upper(), value=x) for x in "abc"],
    )
    async def pick(
        self, interaction: discord.Interaction[EmuTestBot], select: ui.Select[Any]
    ) -> None:
        interaction.client.calls["select"] = list(select.values)
        await interaction.response.send_message("picked", ephemeral=True)


class FeedbackModal(ui.Modal, title="Feedback"):
    topic: ui.TextInput[FeedbackModal] = ui.TextInput(
        label="Topic", custom_id="topic", max_length=50
    )
    details: ui.Label[FeedbackModal] = ui.Label(
        text="Details",
        component=ui.TextInput(custom_id="details", style=discord.TextStyle.paragraph),
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        assert isinstance(self.details.component, ui.TextInput)
        interaction.client.calls["feedback"] = (self.topic.value, self.details.component.value)
        await interaction.response.send_message("Thanks", ephemeral=True)


class SignedModal(ui.Modal, title="Propose"):
    title_: ui.TextInput[SignedModal] = ui.TextInput(label="Title", custom_id="title")
    anonymous: ui.Label[SignedModal] = ui.Label(
        text="Stay anonymous?",
        component=ui.Select(
            custom_id="anonymous",
            options=[
                discord.SelectOption(label="Yes", value="yes", default=True),
                discord.SelectOption(label="No, sign it", value="no"),
            ],
        ),
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        assert isinstance(self.anonymous.component, ui.Select)
        interaction.client.calls["propose"] = list(self.anonymous.component.values)
        await interaction.response.send_message("Proposed", ephemeral=True)


plc = app_commands.Group(name="plc", description="PLC administration")


@plc.command(name="setup", description="Configure the community")
async def plc_setup(
    interaction: discord.Interaction[EmuTestBot],
    timezone: str,
    checkin_channel: discord.TextChannel,
    weekly_hour: app_commands.Range[int, 0, 23],
    ratio: float,
    reminders: bool,
    facilitator: discord.Member,
    role: discord.Role,
) -> None:
    interaction.client.calls["setup"] = {
        "timezone": timezone,
        "checkin_channel": checkin_channel,
        "weekly_hour": weekly_hour,
        "ratio": ratio,
        "reminders": reminders,
        "facilitator": facilitator,
        "role": role,
        "locale": interaction.locale,
        "guild_locale": interaction.guild_locale,
        "user": interaction.user,
    }
    await interaction.response.send_message("Setup saved", ephemeral=True)


@app_commands.command(name="echo", description="Repeat a text")
async def echo(
    interaction: discord.Interaction[EmuTestBot], text: str, where: discord.TextChannel
) -> None:
    interaction.client.calls["echo"] = (text, where)
    await interaction.response.send_message(f"{text} -> #{where.name}")


@app_commands.command(name="slow", description="Defer then follow up")
async def slow(interaction: discord.Interaction[EmuTestBot], private: bool = False) -> None:
    await interaction.response.defer(thinking=True, ephemeral=private)
    await asyncio.sleep(0.05)
    if private:
        await interaction.edit_original_response(content="private done")
    else:
        await interaction.followup.send("slow done")
        await interaction.followup.send("second part")


@app_commands.command(name="vote", description="Post a vote")
async def vote(interaction: discord.Interaction[EmuTestBot]) -> None:
    await interaction.response.send_message("Vote!", view=VoteView())


@app_commands.command(name="feedback", description="Open the feedback form")
async def feedback(interaction: discord.Interaction[EmuTestBot]) -> None:
    await interaction.response.send_modal(FeedbackModal())


@app_commands.command(name="report", description="Send a CSV report")
async def report(interaction: discord.Interaction[EmuTestBot]) -> None:
    data = io.BytesIO(b"name,score\nalice,3\n")
    await interaction.response.send_message("Report", file=discord.File(data, "report.csv"))


@app_commands.command(name="lag", description="Answers too late")
async def lag(interaction: discord.Interaction[EmuTestBot], seconds: float) -> None:
    await asyncio.sleep(seconds)
    await interaction.response.send_message("late")


@app_commands.command(name="propose", description="Open a form with a choice")
async def propose(interaction: discord.Interaction[EmuTestBot]) -> None:
    await interaction.response.send_modal(SignedModal())


#: What :class:`FrenchNames` gives French members, as the PLC bot's catalogs do.
FRENCH = {
    "week": "semaine",
    "plan": "planifier",
    "day": "jour",
    "hours": "heures",
    "Monday": "lundi",
    "Tuesday": "mardi",
}


class FrenchNames(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        return FRENCH.get(string.message) if locale is discord.Locale.french else None


week = app_commands.Group(name=_("week"), description="The week")


@week.command(name=_("plan"), description="Plan a day")
@app_commands.rename(day=_("day"), hours=_("hours"))
@app_commands.choices(
    day=[
        app_commands.Choice(name=_("Monday"), value=0),
        app_commands.Choice(name=_("Tuesday"), value=1),
    ]
)
async def week_plan(
    interaction: discord.Interaction[EmuTestBot], day: app_commands.Choice[int], hours: int = 1
) -> None:
    interaction.client.calls["plan"] = (day.value, hours)
    await interaction.response.send_message("Planned", ephemeral=True)


@app_commands.command(name="meeting", description="Pick a meeting")
async def meeting(interaction: discord.Interaction[EmuTestBot], name: str) -> None:
    await interaction.response.send_message(f"meeting {name}")


@meeting.autocomplete("name")
async def meeting_autocomplete(
    interaction: discord.Interaction[EmuTestBot], current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=m, value=m) for m in MEETINGS if m.startswith(current)]


class EmuTestBot(commands.Bot):
    """A small real discord.py bot recording what its callbacks and listeners received."""

    def __init__(self, guild_id: int, *, message_content: bool = True) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = message_content
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        self.guild_id = guild_id
        self.calls: dict[str, Any] = {}
        commands_: list[app_commands.Command[Any, Any, Any] | app_commands.Group] = [
            plc,
            echo,
            slow,
            vote,
            feedback,
            report,
            lag,
            meeting,
            propose,
            week,
        ]
        for command in commands_:
            self.tree.add_command(command)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before re-identifying (Discord's identify rate limit): not here."""

    async def setup_hook(self) -> None:
        await self.tree.set_translator(FrenchNames())
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)
        await self.tree.sync()

    def text_channel(self, channel_id: int) -> discord.TextChannel:
        channel = self.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)
        return channel


def expect_event(
    bot: commands.Bot, event: str, check: Callable[..., bool] | None = None
) -> asyncio.Task[Any]:
    """Start waiting (2 s at most) for the bot's next ``event``; await the task after acting."""
    return asyncio.ensure_future(bot.wait_for(event, check=check, timeout=2))
