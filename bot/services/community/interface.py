"""``/plc setup|status|audit`` and the audit log's Newer / Older, declared once; ``/me``
is :mod:`.me`'s."""

from __future__ import annotations

from bot.db.communities import SetupChanges
from bot.interactions import UI, Interaction
from bot.interactions.commands import ChannelOption, Option
from bot.interactions.interface import CommandGroup, Interface, click
from bot.interactions.routes import Params
from bot.services.community.audit import AuditService
from bot.services.community.audit_page import PAGE, PAGE_OF, audit_page
from bot.services.community.me import MemberInterface, suggest_zones
from bot.services.community.members import MemberService
from bot.services.community.replies import setup_reply, status_reply
from bot.services.community.service import CommunityService


def _channel_id(option: ChannelOption | None) -> int | None:
    return option.channel_id if option is not None else None


PLC = CommandGroup("plc", "Set up and inspect this professional learning community")


class CommunityInterface(Interface):
    def __init__(
        self, community: CommunityService, audit: AuditService, members: MemberService
    ) -> None:
        self.community = community
        self.audit_log = audit
        self.me = MemberInterface(members)

    def declare(self, ui: UI) -> None:
        super().declare(ui)
        self.me.declare(ui)

    @PLC.command(
        "setup",
        "Set up the community (admins)",
        Option(
            "timezone",
            "IANA time zone of the community, e.g. America/Toronto",
            suggest=suggest_zones,
        ),
        Option(
            "language",
            "Language of the bot's public posts",
            choices=(("fr", "French"), ("en", "English")),
        ),
        Option("checkin_channel", "Channel for the weekly check-ins", kind="channel"),
        Option("questions_channel", "Channel for anonymous questions", kind="channel"),
        Option("announcements_channel", "Channel for meeting announcements", kind="channel"),
        Option("facilitator_role", "Role of the facilitators", kind="role"),
        Option(
            "moderation_channel",
            "Private channel where moderators review questions (optional)",
            kind="channel",
        ),
        access="manager",
        ask_first=True,
    )
    async def setup(
        self,
        ctx: Interaction,
        timezone: str | None = None,
        language: str | None = None,
        checkin_channel: ChannelOption | None = None,
        questions_channel: ChannelOption | None = None,
        announcements_channel: ChannelOption | None = None,
        facilitator_role: int | None = None,
        moderation_channel: ChannelOption | None = None,
    ) -> None:
        changes = SetupChanges(
            timezone=timezone,
            language=language,
            checkin_channel_id=_channel_id(checkin_channel),
            questions_channel_id=_channel_id(questions_channel),
            announcements_channel_id=_channel_id(announcements_channel),
            facilitator_role_id=facilitator_role,
            moderation_channel_id=_channel_id(moderation_channel),
        )
        await ctx.reply(setup_reply(await self.community.set_up(ctx.actor(), changes)))

    @PLC.command(
        "audit",
        "Who changed what: the audit log (facilitators)",
        Option("action", "Only this kind of action, e.g. meeting, question.remove, community"),
        Option(
            "page", "Page, from 1 (newest first)", kind="integer", min_value=1, max_value=100000
        ),
    )
    async def audit(self, ctx: Interaction, action: str | None = None, page: int = 1) -> None:
        await ctx.reply(audit_page(await self.audit_log.page(ctx.actor(), page, action)))

    @PLC.command("status", "Settings, what comes next, and the bot's health")
    async def status(self, ctx: Interaction) -> None:
        await ctx.reply(status_reply(await self.community.status(ctx.actor().guild_id)))

    @click(PAGE, PAGE_OF)
    async def turn_page(self, ctx: Interaction, params: Params) -> None:
        """Newer / Older: the service checks the reader again, then the page replaces this one."""
        shown = await self.audit_log.page(ctx.actor(), int(params["page"]), params.get("action"))
        await ctx.update(audit_page(shown))
