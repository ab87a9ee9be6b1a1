"""``/plc audit``: the audit log for facilitators, a page at a time, with Newer / Older."""

from __future__ import annotations

import discord

from bot.i18n import Catalog, Language
from bot.services.audit import AuditPage, AuditService
from cogs.toolkit import actor, buttons_view, clip, escape, page_buttons, plc_bot, user_language

AUDIT_ROUTE = r"plc:audit:(?P<page>[0-9]{1,6})(?::(?P<action>[a-z_.]{1,40}))?"
DETAIL_MAX = 300
VALUE_MAX = 60
# Detail keys that hold a member's id without saying so in their name.
MEMBER_KEYS = frozenset({"next", "skipped"})


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
            detail=_detail(catalog, language, entry.detail),
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


def _detail(catalog: Catalog, language: Language, detail: dict[str, object]) -> str:
    """``key: value`` pairs a reader understands: members, channels and roles as mentions
    (Discord shows their names), languages and weekdays by name; as many as fit."""
    shown = ""
    for key, value in detail.items():
        item = f"{_label(catalog, language, key)}: {_value(catalog, language, key, value)}"
        candidate = f"{shown}, {item}" if shown else item
        if len(candidate) > DETAIL_MAX:
            shown += ", …"
            break
        shown = candidate
    return f" — {shown}" if shown else ""


def _label(catalog: Catalog, language: Language, key: str) -> str:
    name = key.removesuffix("_id")
    if catalog.has(f"admin.fields.{name}"):  # what /plc setup calls it
        label = catalog.t(language, f"admin.fields.{name}")
        return label[:1].lower() + label[1:]
    return escape(name.replace("_", " "))


def _value(catalog: Catalog, language: Language, key: str, value: object) -> str:
    if value is None:
        return catalog.t(language, "admin.not_set")
    if isinstance(value, bool):
        return catalog.t(language, "admin.audit.yes" if value else "admin.audit.no")
    if isinstance(value, int) and (key in MEMBER_KEYS or key.endswith("user_id")):
        return f"<@{value}>"
    if isinstance(value, int) and key.endswith("channel_id"):
        return f"<#{value}>"
    if isinstance(value, int) and key.endswith("role_id"):
        return f"<@&{value}>"
    names = {"language": "admin.language_names", "weekday": "checkins.weekdays"}
    if key in names and catalog.has(f"{names[key]}.{value}"):
        return catalog.t(language, f"{names[key]}.{value}")
    if isinstance(value, list | tuple):
        return escape(clip(", ".join(map(str, value)), VALUE_MAX))
    return escape(clip(str(value), VALUE_MAX))


async def on_page(interaction: discord.Interaction, params: dict[str, str]) -> None:
    """Newer / Older: the service checks the reader again, then the page replaces this one."""
    bot = plc_bot(interaction)
    page = await bot.services.get(AuditService).page(
        actor(interaction), int(params["page"]), params.get("action")
    )
    embed, view = audit_message(bot.catalog, user_language(interaction), page)
    await interaction.response.edit_message(embed=embed, view=view)
