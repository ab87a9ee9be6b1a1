"""``/me timezone|reminders|language|away|back|export|delete``: a member's own settings and data,
declared once; erasure goes through the one confirm dialog."""

from __future__ import annotations

from bot.chat import Text
from bot.interactions import Interaction
from bot.interactions.commands import Option
from bot.interactions.interface import CommandGroup, Interface, on_confirm
from bot.services.community.me_replies import (
    away_saved,
    erase_preview,
    erasure_reply,
    export_reply,
    language_reply,
    timezone_saved,
)
from bot.services.community.members import MemberService
from bot.timezones import search_timezones

ERASE = "member.erase"


async def suggest_zones(ctx: Interaction, current: str) -> list[tuple[str, str]]:
    """Time zone names containing what the member typed, cities first."""
    return [(zone, zone) for zone in search_timezones(current)]


ME = CommandGroup("me", "Your own settings and data")


class MemberInterface(Interface):
    def __init__(self, members: MemberService) -> None:
        self.members = members

    @ME.command(
        "timezone",
        "Set your own time zone",
        Option("name", "IANA time zone, e.g. Europe/Paris", required=True, suggest=suggest_zones),
    )
    async def timezone(self, ctx: Interaction, name: str) -> None:
        who = ctx.actor()
        zone = await self.members.set_timezone(who.guild_id, who.user_id, name)
        await ctx.reply(timezone_saved(zone))

    @ME.command(
        "reminders",
        "Turn reminders by direct message on or off",
        Option("state", "on or off", required=True, choices=(("on", "on"), ("off", "off"))),
    )
    async def reminders(self, ctx: Interaction, state: str) -> None:
        who = ctx.actor()
        enabled = state == "on"
        await self.members.set_dm_reminders(who.guild_id, who.user_id, enabled)
        await ctx.reply(Text(key="members.reminders.on" if enabled else "members.reminders.off"))

    @ME.command(
        "language",
        "The language of the bot's direct messages to you",
        Option(
            "language",
            "Language of my direct messages (auto: your app's)",
            choices=(
                ("auto", "Automatic: your app's language"),
                ("fr", "French"),
                ("en", "English"),
            ),
        ),
        ask_first=True,
    )
    async def language(self, ctx: Interaction, language: str | None = None) -> None:
        """Without a choice, says which language applies now."""
        who = ctx.actor()
        chosen = await self.members.choose_language(who.guild_id, who.user_id, language)
        await ctx.reply(language_reply(chosen, ctx.language))

    @ME.command(
        "away",
        "Mark yourself away until a date",
        Option("until", "Last day away, e.g. 2026-12-18 or Dec 18", required=True),
    )
    async def away(self, ctx: Interaction, until: str) -> None:
        who = ctx.actor()
        day = await self.members.set_away(who.guild_id, who.user_id, until, ctx.language)
        await ctx.reply(away_saved(day))

    @ME.command("back", "End your away period now")
    async def back(self, ctx: Interaction) -> None:
        who = ctx.actor()
        was_away = await self.members.back(who.guild_id, who.user_id)
        await ctx.reply(Text(key="members.back.done" if was_away else "members.back.not_away"))

    @ME.command("export", "Download everything the bot stores about you")
    async def export(self, ctx: Interaction) -> None:
        await ctx.defer()
        who = ctx.actor()
        await ctx.reply(export_reply(await self.members.export(who.guild_id, who.user_id)))

    @ME.command("delete", "Erase everything the bot stores about you")
    async def delete(self, ctx: Interaction) -> None:
        """The confirm dialog first; nothing is erased before Confirm."""
        who = ctx.actor()
        await self.confirmations.ask(
            ctx,
            ERASE,
            (who.guild_id, who.user_id),
            erase_preview(),
            confirm_label=Text(key="members.delete.confirm"),
            cancel_label=Text(key="members.delete.cancel"),
            danger=True,
        )

    @on_confirm(ERASE, cancelled_key="members.delete.cancelled")
    async def erase_confirmed(self, ctx: Interaction, member: tuple[int, int]) -> None:
        guild_id, user_id = member
        await ctx.defer(update=True)
        await ctx.update(erasure_reply(await self.members.delete(guild_id, user_id)))
