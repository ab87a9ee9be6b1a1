"""How the rotation's messages look on Discord (renderers of its cards, ``/rotation show``)."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.i18n import Catalog, Language
from bot.services.facilitation_cards import FacilitatorOffer, RotationNotice
from bot.services.rotation_models import RotationView
from cogs.toolkit import CustomId, Rendered, button, buttons_view, clip, escape

# The guild id lets a click in a DM (where Discord sends no guild) reach its community.
ACCEPT = CustomId("plc:rot:accept:{guild}:{occurrence}")
DECLINE = CustomId("plc:rot:decline:{guild}:{occurrence}")
COLOUR = discord.Colour.blurple()


def _stamp(value: datetime) -> int:
    return int(value.timestamp())


def offer(card: FacilitatorOffer, catalog: Catalog) -> Rendered:
    lang = card.language
    lines = []
    if card.in_channel:
        lines.append(catalog.t(lang, "facilitation.offer.in_channel", user=f"<@{card.user_id}>"))
    lines.append(
        catalog.t(
            lang,
            "facilitation.offer.ask",
            title=escape(card.meeting_title),
            timestamp=_stamp(card.starts_at),
        )
    )
    if card.answer_by is not None:
        lines.append(
            catalog.t(lang, "facilitation.offer.answer_by", timestamp=_stamp(card.answer_by))
        )
    view = buttons_view(
        button(
            ACCEPT.build(guild=card.guild_id, occurrence=card.occurrence_id),
            label=catalog.t(lang, "facilitation.offer.accept"),
            style=discord.ButtonStyle.success,
        ),
        button(
            DECLINE.build(guild=card.guild_id, occurrence=card.occurrence_id),
            label=catalog.t(lang, "facilitation.offer.decline"),
        ),
    )
    return Rendered(content="\n".join(lines), view=view)


def notice(card: RotationNotice, catalog: Catalog) -> Rendered:
    return Rendered(
        content=catalog.t(
            card.language,
            f"facilitation.notice.{card.reason}",
            title=escape(card.meeting_title),
            timestamp=_stamp(card.starts_at),
            user=f"<@{card.user_id}>" if card.user_id else "—",
        )
    )


def show(view: RotationView, catalog: Catalog, language: Language) -> discord.Embed:
    """``/rotation show``: the line in order, counts, who is away, the dates assigned."""

    def say(key: str, /, **params: object) -> str:
        return catalog.t(language, f"facilitation.show.{key}", **params)

    embed = discord.Embed(title=say("title"), colour=COLOUR)
    if not view.line:
        embed.description = say("empty")
    lines = []
    for number, entry in enumerate(view.line, start=1):
        marks = []
        if entry.user_id == view.next_user_id:
            marks.append(say("next"))
        if entry.away:
            marks.append(say("away"))
        if entry.next_up:
            marks.append(say("set_next"))
        if entry.first_in_line:
            marks.append(say("declined_last"))
        lines.append(
            say(
                "line",
                number=number,
                user=f"<@{entry.user_id}>",
                count=entry.times_assigned,
                marks=f" — {', '.join(marks)}" if marks else "",
            )
        )
    if lines:
        embed.add_field(name=say("order"), value=clip("\n".join(lines), 1024), inline=False)
    upcoming = []
    for item in view.upcoming[:10]:
        who = f"<@{item.user_id}>" if item.user_id else say("nobody")
        status = say(f"status_{item.status}") if item.status else say("status_unassigned")
        upcoming.append(
            say(
                "date",
                title=escape(item.meeting_title),
                timestamp=int(item.starts_at.timestamp()),
                user=who,
                status=status,
            )
        )
    if upcoming:
        embed.add_field(name=say("upcoming"), value=clip("\n".join(upcoming), 1024), inline=False)
    return embed
