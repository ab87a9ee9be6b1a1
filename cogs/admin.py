"""``/plc setup`` and ``/plc status``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.chat import Join, Text, Trusted
from bot.chat.refs import REF_TYPES
from bot.db.communities import Community, SetupChanges
from bot.errors import UserError
from bot.services.audit import AuditService
from bot.services.base import StatusLine
from bot.services.community import CommunityService, CommunityStatus
from cogs.audit import AUDIT_ROUTE, audit_message, on_page
from cogs.render import Renderer
from cogs.toolkit import (
    actor,
    clip,
    command_group,
    manages_server,
    plc_bot,
    reply,
    t,
    timezone_autocomplete,
    user_language,
)

if TYPE_CHECKING:
    from cogs.client import PlcBot

FIELD_MAX = 1024  # Discord's limit for an embed field's value

# What the bot must be allowed to do in each channel it is given.
_CHANNEL_NEEDS: dict[str, tuple[str, ...]] = {
    "checkin_channel": ("view_channel", "send_messages", "embed_links", "create_public_threads"),
    "questions_channel": ("view_channel", "send_messages", "embed_links", "create_public_threads"),
    "announcements_channel": ("view_channel", "send_messages", "embed_links"),
    "moderation_channel": ("view_channel", "send_messages", "embed_links"),
}


def _check_channel_permissions(
    interaction: discord.Interaction, channels: dict[str, discord.TextChannel | None]
) -> None:
    guild = interaction.guild
    assert guild is not None
    for option, channel in channels.items():
        if channel is None:
            continue
        allowed = channel.permissions_for(guild.me)
        missing = [name for name in _CHANNEL_NEEDS[option] if not getattr(allowed, name)]
        if missing:
            raise UserError(
                "admin.errors.channel_permission",
                channel=channel.mention,
                permissions=", ".join(f"`{name}`" for name in missing),
            )


class Admin(commands.Cog):
    def __init__(self, community: CommunityService) -> None:
        self.community = community

    plc = command_group("plc", "Set up and inspect this professional learning community")

    @plc.command(name=_("setup"), description=_("Set up the community (admins)"))
    @app_commands.describe(
        timezone=_("IANA time zone of the community, e.g. America/Toronto"),
        language=_("Language of the bot's public posts"),
        checkin_channel=_("Channel for the weekly check-ins"),
        questions_channel=_("Channel for anonymous questions"),
        announcements_channel=_("Channel for meeting announcements"),
        facilitator_role=_("Role of the facilitators"),
        moderation_channel=_("Private channel where moderators review questions (optional)"),
    )
    @app_commands.choices(
        language=[
            app_commands.Choice(name=_("French"), value="fr"),
            app_commands.Choice(name=_("English"), value="en"),
        ]
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @app_commands.default_permissions(manage_guild=True)
    @manages_server()
    async def setup(
        self,
        interaction: discord.Interaction,
        timezone: str | None = None,
        language: app_commands.Choice[str] | None = None,
        checkin_channel: discord.TextChannel | None = None,
        questions_channel: discord.TextChannel | None = None,
        announcements_channel: discord.TextChannel | None = None,
        facilitator_role: discord.Role | None = None,
        moderation_channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild is not None
        channels = {
            "checkin_channel": checkin_channel,
            "questions_channel": questions_channel,
            "announcements_channel": announcements_channel,
            "moderation_channel": moderation_channel,
        }
        _check_channel_permissions(interaction, channels)
        community, created = await self.community.configure(
            actor(interaction),
            SetupChanges(
                timezone=timezone,
                language=language.value if language else None,
                checkin_channel_id=checkin_channel.id if checkin_channel else None,
                questions_channel_id=questions_channel.id if questions_channel else None,
                announcements_channel_id=(
                    announcements_channel.id if announcements_channel else None
                ),
                facilitator_role_id=facilitator_role.id if facilitator_role else None,
                moderation_channel_id=moderation_channel.id if moderation_channel else None,
            ),
        )
        title = t(interaction, "admin.setup.created" if created else "admin.setup.updated")
        await reply(interaction, embed=self._settings_embed(interaction, community, title))

    @plc.command(name=_("audit"), description=_("Who changed what: the audit log (facilitators)"))
    @app_commands.describe(
        action=_("Only this kind of action, e.g. meeting, question.remove, community"),
        page=_("Page, from 1 (newest first)"),
    )
    async def audit(
        self,
        interaction: discord.Interaction,
        action: str | None = None,
        page: app_commands.Range[int, 1, 100000] = 1,
    ) -> None:
        bot = plc_bot(interaction)
        shown = await bot.services.get(AuditService).page(actor(interaction), page, action)
        embed, view = audit_message(bot.catalog, user_language(interaction), shown)
        await reply(interaction, embed=embed, view=view)

    @plc.command(name=_("status"), description=_("Settings, what comes next, and the bot's health"))
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        status = await self.community.status(interaction.guild.id)
        await reply(interaction, embed=self._status_embed(interaction, status))

    def _settings_embed(
        self, interaction: discord.Interaction, community: Community, title: str
    ) -> discord.Embed:
        def channel(channel_id: int | None) -> str:
            return f"<#{channel_id}>" if channel_id else t(interaction, "admin.not_set")

        embed = discord.Embed(title=title, colour=discord.Colour.blurple())
        role = (
            f"<@&{community.facilitator_role_id}>"
            if community.facilitator_role_id
            else t(interaction, "admin.not_set")
        )
        rows = [
            ("admin.fields.timezone", f"`{community.timezone}`"),
            ("admin.fields.language", t(interaction, f"admin.language_names.{community.language}")),
            ("admin.fields.checkin_channel", channel(community.checkin_channel_id)),
            ("admin.fields.questions_channel", channel(community.questions_channel_id)),
            ("admin.fields.announcements_channel", channel(community.announcements_channel_id)),
            ("admin.fields.facilitator_role", role),
            ("admin.fields.moderation_channel", channel(community.moderation_channel_id)),
            (
                "admin.fields.reminders",
                ", ".join(_duration(interaction, m) for m in community.reminder_offsets),
            ),
        ]
        for key, value in rows:
            embed.add_field(name=t(interaction, key), value=value, inline=True)
        return embed

    def _status_embed(
        self, interaction: discord.Interaction, status: CommunityStatus
    ) -> discord.Embed:
        embed = self._settings_embed(
            interaction, status.community, t(interaction, "admin.status.title")
        )
        bot = plc_bot(interaction)
        for title, lines in (
            ("admin.status.coming", status.lines),
            ("admin.status.missed_title", status.missed),
        ):
            if lines:
                text = "\n".join(_status_line(interaction, line) for line in lines)
                embed.add_field(
                    name=t(interaction, title), value=clip(text, FIELD_MAX), inline=False
                )
        embed.add_field(
            name=t(interaction, "admin.status.health_title"),
            value="\n".join(_health(interaction, status)),
            inline=False,
        )
        latency = bot.latency * 1000 if bot.latency == bot.latency else 0.0  # NaN before READY
        embed.set_footer(
            text=t(interaction, "admin.status.footer", version=bot.version, latency=round(latency))
        )
        embed.add_field(
            name=t(interaction, "admin.status.privacy_title"),
            value=t(interaction, "admin.status.privacy"),
            inline=False,
        )
        return embed


def _status_line(interaction: discord.Interaction, line: StatusLine) -> str:
    """A feature's status line. Features on the core give references and texts, read by
    the core's rules (a plain string there is a member's words, shown inert); the others
    still give finished strings."""
    core_values: tuple[type, ...] = (Trusted, Text, Join, *REF_TYPES)
    if any(isinstance(value, core_values) for value in line.params.values()):
        renderer = Renderer(plc_bot(interaction).catalog, user_language(interaction))
        return renderer.text(Text(key=line.key, params=line.params))
    return t(interaction, line.key, **line.params)


def _health(interaction: discord.Interaction, status: CommunityStatus) -> list[str]:
    """The health lines: the database and what is scheduled, paused targets, last error."""
    health = [
        t(
            interaction,
            "admin.status.health",
            size=_size(interaction, status.database_bytes),
            scheduled=status.scheduled,
        )
    ]
    for target in status.paused:
        health.append(
            t(
                interaction,
                "admin.status.paused",
                target=(
                    f"<@&{target.target_id}>"
                    if target.target_id == status.community.facilitator_role_id
                    else f"<#{target.target_id}>"
                ),
                reason=target.reason,
                since=int(target.since.timestamp()),
            )
        )
    if status.last_error is not None:
        when = f"<t:{int(status.last_error.at.timestamp())}:R>"
        health.append(
            t(interaction, "admin.status.last_error", ref=status.last_error.ref, when=when)
        )
    else:
        health.append(t(interaction, "admin.status.no_error"))
    return health


def _size(interaction: discord.Interaction, size: int) -> str:
    """``382.2 KB`` in English, ``382,2 Ko`` in French."""
    units = ("bytes", "kilobytes", "megabytes", "gigabytes")
    scaled, index = float(size), 0
    while scaled >= 1024 and index < len(units) - 1:
        scaled, index = scaled / 1024, index + 1
    return t(interaction, f"admin.units.{units[index]}", size=round(scaled, 1))


def _duration(interaction: discord.Interaction, minutes: int) -> str:
    if minutes % 1440 == 0:
        return t(interaction, "admin.units.days", count=minutes // 1440)
    if minutes % 60 == 0:
        return t(interaction, "admin.units.hours", count=minutes // 60)
    return t(interaction, "admin.units.minutes", count=minutes)


async def setup(bot: PlcBot) -> None:
    bot.buttons.route(AUDIT_ROUTE, on_page)
    await bot.add_cog(Admin(bot.services.get(CommunityService)))
