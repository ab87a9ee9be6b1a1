"""``/plc audit``: the audit log for facilitators, a page at a time, with Newer / Older."""

from __future__ import annotations

import discord

from bot.i18n import Catalog, Language
from bot.services.audit import AuditPage, AuditService
from cogs.toolkit import actor, buttons_view, clip, escape, page_buttons, plc_bot, user_language

AUDIT_ROUTE = r"plc:audit:(?P<page>[0-9]{1,6})(?::(?P<action>[a-z_.]{1,40}))?"
DETAIL_MAX = 90


def audit_message(
    catalog: Catalog, language: Language, page: AuditPage
) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and the paging buttons of one page."""
    nobody = catalog.t(language, "admin.audit.nobody")
    title = (
        catalog.t(language, "admin.audit.title_filtered", action=page.action)
        if page.action
        else catalog.t(language, "admin.audit.title")
    )
    lines = [
        catalog.t(
            language,
            "admin.audit.line",
            timestamp=int(entry.at.timestamp()),
            actor=f"<@{entry.actor_id}>" if entry.actor_id else nobody,
            action=entry.action,
            detail=_detail(entry.detail),
        )
        for entry in page.entries
    ]
    embed = discord.Embed(
        title=title,
        description="\n".join(lines) or catalog.t(language, "admin.audit.empty"),
        colour=discord.Colour.dark_grey(),
    )
    embed.set_footer(
        text=catalog.t(
            language, "admin.audit.footer", page=page.page, pages=page.pages, total=page.total
        )
    )
    suffix = f":{page.action}" if page.action else ""
    view = buttons_view(
        *page_buttons(
            page,
            lambda number: f"plc:audit:{number}{suffix}",
            previous=catalog.t(language, "admin.audit.previous"),
            following=catalog.t(language, "admin.audit.next"),
        )
    )
    return embed, view


def _detail(detail: dict[str, object]) -> str:
    if not detail:
        return ""
    text = ", ".join(f"{key}={value}" for key, value in detail.items())
    return " — " + escape(clip(text, DETAIL_MAX))


async def on_page(interaction: discord.Interaction, params: dict[str, str]) -> None:
    """Newer / Older: the service checks the reader again, then the page replaces this one."""
    bot = plc_bot(interaction)
    page = await bot.services.get(AuditService).page(
        actor(interaction), int(params["page"]), params.get("action")
    )
    embed, view = audit_message(bot.catalog, user_language(interaction), page)
    await interaction.response.edit_message(embed=embed, view=view)
