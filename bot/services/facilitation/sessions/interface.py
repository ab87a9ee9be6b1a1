"""``/session start|note|decision|action|next|end``: parse, call the service, answer."""

from __future__ import annotations

from functools import partial

from bot.chat import Text
from bot.db.facilitation.session_notes import EntryKind
from bot.errors import UserError
from bot.interactions import UI, Interaction
from bot.interactions.commands import Command, Group, MemberOption, Option
from bot.services.facilitation.sessions import replies
from bot.services.facilitation.sessions.records import SessionRecords
from bot.services.facilitation.sessions.service import SessionService

PROTOCOL_HELP = "The protocol to run (default: the meeting's, else the PLC meeting)"
ENTRIES: tuple[tuple[EntryKind, str, str], ...] = (
    ("note", "Add a note to the session (participants)", "The note (up to 1000 characters)"),
    (
        "decision",
        "Record a decision of the group (participants)",
        "The decision (up to 1000 characters)",
    ),
)
"""``/session note`` and ``/session decision``: (kind, description, the text's help)."""


class SessionCommands:
    def __init__(self, sessions: SessionService, records: SessionRecords) -> None:
        self.sessions = sessions
        self.records = records

    def declare(self, ui: UI) -> None:
        ui.add(
            Group(
                "session",
                "Run a live session: steps, rounds, time, notes and actions",
                (
                    self._start_command(),
                    *(self._entry_command(*entry) for entry in ENTRIES),
                    Command(
                        "action",
                        "Record an action someone commits to",
                        self.action,
                        options=(
                            Option(
                                "text", "What will be done (up to 300 characters)", required=True
                            ),
                            Option("owner", "Who does it (default: you)", kind="member"),
                            Option("due", "Due date, e.g. 2026-12-10, Dec 10, next Friday"),
                        ),
                    ),
                    Command("next", "Move on to the next step (facilitator)", self.next_step),
                    Command("end", "End the session and post its summary", self.end),
                ),
            )
        )

    def _entry_command(self, kind: EntryKind, description: str, text_help: str) -> Command:
        options = (Option("text", text_help, required=True),)
        return Command(kind, description, partial(self.add_entry, kind), options=options)

    def _start_command(self) -> Command:
        return Command(
            "start",
            "Start a live session here (facilitators, or the assigned facilitator)",
            self.start,
            options=(
                Option("protocol", PROTOCOL_HELP, suggest=self.suggest_protocol),
                Option(
                    "meeting",
                    "The meeting this session is for (default: one within 12 hours)",
                    suggest=self.suggest_meeting,
                ),
                Option(
                    "client",
                    "Co-development: the member whose situation the group works on",
                    kind="member",
                ),
            ),
        )

    async def suggest_protocol(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return self.sessions.protocols.suggest(current, ctx.language)

    async def suggest_meeting(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return await self.sessions.meeting_choices(ctx.guild_id, current)

    async def start(
        self,
        ctx: Interaction,
        protocol: str | None = None,
        meeting: str | None = None,
        client: MemberOption | None = None,
    ) -> None:
        await ctx.defer()
        if ctx.channel_id is None:
            raise UserError("errors.guild_only")
        started = await self.sessions.start(
            ctx.actor(),
            channel_id=ctx.channel_id,
            protocol=protocol,
            meeting=meeting,
            client_id=client.user_id if client else None,
        )
        await ctx.reply(replies.started(started, ctx.language))

    async def add_entry(self, kind: EntryKind, ctx: Interaction, text: str) -> None:
        await ctx.defer()
        await self.records.add_entry(ctx.actor(), kind, text)
        await ctx.reply(Text(key=f"facilitation.replies.{kind}"))

    async def action(
        self,
        ctx: Interaction,
        text: str,
        owner: MemberOption | None = None,
        due: str | None = None,
    ) -> None:
        await ctx.defer()
        item = await self.records.add_action(
            ctx.actor(), text, owner_id=owner.user_id if owner else None, due=due
        )
        await ctx.reply(replies.action_recorded(item))

    async def next_step(self, ctx: Interaction) -> None:
        await ctx.defer()
        session = await self.sessions.next_step(ctx.actor())
        await ctx.reply(replies.moved(session, ctx.language))

    async def end(self, ctx: Interaction) -> None:
        await ctx.defer()
        await ctx.reply(replies.ended(await self.sessions.end(ctx.actor())))
