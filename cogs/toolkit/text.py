"""One mentions policy, one link builder, one escaping function (RELIABILITY D1, D2)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import discord

from bot.i18n import Catalog
from bot.text import inert_markdown

NO_MENTIONS = discord.AllowedMentions.none()
"""The default for every send and edit: features ping exactly whom they mean."""

escape = inert_markdown
"""Show member text as typed (no masked links, headings, quotes)."""


def mention_only(
    user_ids: Collection[int], role_ids: Collection[int] = ()
) -> discord.AllowedMentions:
    """Allow pings of these members and roles and nobody else (never @everyone)."""
    if not user_ids and not role_ids:
        return NO_MENTIONS
    return discord.AllowedMentions(
        everyone=False,
        replied_user=False,
        users=[discord.Object(i) for i in user_ids] if user_ids else False,
        roles=[discord.Object(i) for i in role_ids] if role_ids else False,
    )


def message_link(guild_id: int, channel_id: int | None, message_id: int | None) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def clip(text: str, limit: int) -> str:
    """Fit Discord's length limits without cutting silently: an ellipsis says it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def day_text(catalog: Catalog, language: str, day: date) -> str:
    """A date with its weekday (``Thursday 2026-12-10``), so a misreading shows."""
    weekday = catalog.t(language, f"dates.weekdays.{day.weekday()}")
    return catalog.t(language, "dates.day", weekday=weekday, date=day.isoformat())


def read_as(catalog: Catalog, language: str, day: date, zone: str) -> str:
    """The line that says back a date a member typed, and the zone it was read in."""
    return catalog.t(language, "dates.read_as", date=day_text(catalog, language, day), zone=zone)
