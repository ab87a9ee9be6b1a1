"""How meetings look in Discord: the announcement embed, its RSVP buttons, short texts.

Public posts speak the community's language; callers pass it in. User text (titles,
agendas) is shown inert (RELIABILITY D2); links are validated http(s) addresses.
"""

from __future__ import annotations

from datetime import date, time

import discord

from bot.i18n import Catalog
from bot.services.meeting_times import LAST, LocalInstant, monthly_position
from bot.services.meetings import UpcomingMeeting
from bot.text import inert_markdown
from cogs.meetings.views import RsvpButton

MENTIONS_PER_MESSAGE = 40  # keeps a notice well under Discord's 2,000 characters

_ANSWER_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.secondary,
    "cant": discord.ButtonStyle.danger,
}


def duration_text(catalog: Catalog, language: str, minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return catalog.t(language, "meetings.duration.minutes", minutes=rest)
    if rest == 0:
        return catalog.t(language, "meetings.duration.hours", hours=hours)
    return catalog.t(
        language, "meetings.duration.hours_minutes", hours=hours, minutes=f"{rest:02d}"
    )


def repeat_text(catalog: Catalog, language: str, repeat: str, first_date: date) -> str:
    weekday = catalog.t(language, f"meetings.weekdays.{first_date.weekday()}")
    if repeat == "monthly":
        position = monthly_position(first_date)
        name = "last" if position == LAST else str(position)
        return catalog.t(
            language,
            "meetings.repeat.monthly",
            weekday=weekday,
            position=catalog.t(language, f"meetings.positions.{name}"),
        )
    return catalog.t(language, f"meetings.repeat.{repeat}", weekday=weekday)


def place_text(catalog: Catalog, language: str, channel_id: int | None, link: str | None) -> str:
    if channel_id is not None and link:
        return catalog.t(language, "meetings.place.both", channel_id=channel_id, link=link)
    if channel_id is not None:
        return catalog.t(language, "meetings.place.channel", channel_id=channel_id)
    if link:
        return catalog.t(language, "meetings.place.link", link=link)
    return catalog.t(language, "meetings.place.none")


def meeting_place(catalog: Catalog, language: str, upcoming: UpcomingMeeting) -> str:
    return place_text(catalog, language, upcoming.meeting.channel_id, upcoming.meeting.link)


def timestamp(upcoming: UpcomingMeeting) -> int:
    return int(upcoming.occurrence.starts_at.timestamp())


def clock_text(value: time) -> str:
    return value.strftime("%H:%M")


def dst_notes(catalog: Catalog, language: str, when: LocalInstant) -> list[str]:
    """The DST warnings of a chosen time (RELIABILITY S5): a gap or a repeated hour."""
    params = {
        "time": clock_text(when.local_time),
        "date": when.local_date.isoformat(),
        "zone": when.timezone,
    }
    if when.shifted_to is not None:
        return [
            catalog.t(
                language, "meetings.schedule.gap", shifted=clock_text(when.shifted_to), **params
            )
        ]
    if when.repeated:
        return [catalog.t(language, "meetings.schedule.repeated", **params)]
    return []


def announcement_embed(
    catalog: Catalog, language: str, upcoming: UpcomingMeeting, *, cancelled: bool = False
) -> discord.Embed:
    meeting, occurrence = upcoming.meeting, upcoming.occurrence
    title_key = (
        "meetings.announcement.cancelled_title" if cancelled else "meetings.announcement.title"
    )
    embed = discord.Embed(
        title=catalog.t(language, title_key, title=inert_markdown(meeting.title)),
        description=inert_markdown(meeting.agenda) or None,
        colour=discord.Colour.dark_grey() if cancelled else discord.Colour.blurple(),
    )
    stamp = timestamp(upcoming)
    fields = [
        ("meetings.announcement.when", f"<t:{stamp}:F>\n<t:{stamp}:R>"),
        (
            "meetings.announcement.duration",
            duration_text(catalog, language, meeting.duration_minutes),
        ),
        ("meetings.announcement.place", meeting_place(catalog, language, upcoming)),
    ]
    if meeting.repeat != "none":
        fields.append(
            (
                "meetings.announcement.repeat",
                repeat_text(catalog, language, meeting.repeat, meeting.first_date),
            )
        )
    if occurrence.facilitator_id is not None:
        fields.append(("meetings.announcement.facilitator", f"<@{occurrence.facilitator_id}>"))
    for key, value in fields:
        embed.add_field(name=catalog.t(language, key), value=value, inline=True)
    footer = (
        catalog.t(language, "meetings.announcement.cancelled_footer")
        if cancelled
        else catalog.t(language, "meetings.announcement.footer", zone=meeting.timezone)
    )
    embed.set_footer(text=footer)
    return embed


def rsvp_view(catalog: Catalog, language: str, upcoming: UpcomingMeeting) -> discord.ui.View:
    """The Going / Maybe / Can't buttons with their live counts (persistent: ids only)."""
    view = discord.ui.View(timeout=None)
    counts = upcoming.counts.model_dump()
    for answer, style in _ANSWER_STYLES.items():
        label = catalog.t(
            language,
            "meetings.announcement.button",
            label=catalog.t(language, f"meetings.announcement.{answer}"),
            count=counts[answer],
        )
        view.add_item(RsvpButton(upcoming.occurrence.id, answer, label=label, style=style))
    return view


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def mention_batches(user_ids: list[int]) -> list[list[int]]:
    return [
        user_ids[i : i + MENTIONS_PER_MESSAGE]
        for i in range(0, len(user_ids), MENTIONS_PER_MESSAGE)
    ]


def mentions(user_ids: list[int]) -> str:
    return " ".join(f"<@{user_id}>" for user_id in user_ids)
