"""``/session start|note|decision|action|next|end``: parse, call the service, answer."""

from __future__ import annotations

from typing import Any

from bot.chat import Text
from bot.db.facilitation.session_notes import EntryKind
from bot.errors import UserError
from bot.interactions import Interaction
from bot.interactions.commands import MemberOption, Option
from bot.interactions.interface import CommandGroup, Interface
from bot.services.facilitation.sessions import replies
from bot.services.facilitation.sessions.records import SessionRecords
from bot.services.facilitation.sessions.service import SessionService

PROTOCOL_HELP = "The protocol to run (default: the meeting's, else the PLC meeting)"
SESSION = CommandGroup("session", "Run a live session: steps, rounds, time, notes and actions")


class SessionCommands(Interface):
    def __init__(self, sessions: SessionService, records: SessionRecords) -> None:
        self.sessions = sessions
        self.records = records

    async def suggest_protocol(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return self.sessions.protocols.suggest(current, ctx.language)

    async def suggest_meeting(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return await self.sessions.meeting_choices(ctx.guild_id, current, ctx.language)

    @SESSION.command(
        "start",
        "Start a live session here (facilitators, or the assigned facilitator)",
        Option("protocol", PROTOCOL_HELP),
        Option("meeting", "The meeting this session is for (default: one within 12 hours)"),
        Option(
            "client", "Co-development: the member whose situation the group works on", kind="member"
        ),
        suggest={"protocol": suggest_protocol, "meeting": suggest_meeting},
        ask_first=True,
    )
    async def start(
        self, ctx: Interaction, client: MemberOption | None = None, **given: Any
    ) -> None:
        # The protocol and the meeting, when given, pass on by name.
        await ctx.defer()
        if ctx.channel_id is None:
            raise UserError("errors.guild_only")
        started = await self.sessions.start(
            ctx.actor(),
            channel_id=ctx.channel_id,
            client_id=client.user_id if client else None,
            **given,
        )
        await ctx.reply(replies.started(started, ctx.language))

    @SESSION.command(
        "note",
        "Add a note to the session (participants)",
        Option("text", "The note (up to 1000 characters)", required=True),
        given=("note",),
    )
    @SESSION.command(
        "decision",
        "Record a decision of the group (participants)",
        Option("text", "The decision (up to 1000 characters)", required=True),
        given=("decision",),
    )
    async def add_entry(self, kind: EntryKind, ctx: Interaction, text: str) -> None:
        await ctx.defer()
        await self.records.add_entry(ctx.actor(), kind, text)
        await ctx.reply(Text(key=f"facilitation.replies.{kind}"))

    @SESSION.command(
        "action",
        "Record an action someone commits to",
        Option("text", "What will be done (up to 300 characters)", required=True),
        Option("owner", "Who does it (default: you)", kind="member"),
        Option("due", "Due date, e.g. 2026-12-10, Dec 10, next Friday"),
    )
    async def action(
        self, ctx: Interaction, text: str, owner: MemberOption | None = None, **given: Any
    ) -> None:
        # The due date, when given, passes on by name.
        await ctx.defer()
        owner_id = owner.user_id if owner else None
        item = await self.records.add_action(ctx.actor(), text, owner_id=owner_id, **given)
        await ctx.reply(replies.action_recorded(item))

    @SESSION.command("next", "Move on to the next step (facilitator)")
    async def next_step(self, ctx: Interaction) -> None:
        await ctx.defer()
        moved = await self.sessions.next_step(ctx.actor())
        await ctx.reply(replies.moved(moved.session, ctx.language))

    @SESSION.command("end", "End the session and post its summary")
    async def end(self, ctx: Interaction) -> None:
        await ctx.defer()
        await ctx.reply(replies.ended((await self.sessions.end(ctx.actor())).summary))
