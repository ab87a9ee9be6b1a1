"""How meetings look in Discord: the cards' renderers, the preview, the list, short texts.

Public posts speak the community's language (the card's), ephemeral replies the
member's. Member text (titles, agendas) is shown inert (RELIABILITY D2); links are
validated http(s) addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

import discord

from bot.dates import LocalInstant
from bot.i18n import Catalog
from bot.services.meeting_times import LAST, monthly_position
from bot.services.meetings import (
    EditResult,
    MeetingAnnouncement,
    MeetingDraft,
    MeetingNotice,
    MeetingReminder,
    MissedReminder,
    UpcomingMeeting,
)
from cogs.toolkit import Rendered, button, buttons_view, escape

RSVP_ROUTE = r"plc:mtg:rsvp:(?P<occurrence>\d+):(?P<answer>going|maybe|cant)"
LIST_LIMIT = 15

_ANSWERS = {
    "going": ("meetings.announcement.going", discord.ButtonStyle.success),
    "maybe": ("meetings.announcement.maybe", discord.ButtonStyle.secondary),
    "cant": ("meetings.announcement.cant", discord.ButtonStyle.danger),
}
_REPEATS = {
    "none": "meetings.repeat.none",
    "weekly": "meetings.repeat.weekly",
    "biweekly": "meetings.repeat.biweekly",
}
_WEEKDAYS = tuple(f"meetings.weekdays.{n}" for n in range(7))
_POSITIONS = {
    1: "meetings.positions.1",
    2: "meetings.positions.2",
    3: "meetings.positions.3",
    4: "meetings.positions.4",
    LAST: "meetings.positions.last",
}
RSVP_REPLIES = {
    "going": "meetings.rsvp.going",
    "maybe": "meetings.rsvp.maybe",
    "cant": "meetings.rsvp.cant",
    None: "meetings.rsvp.removed",
}
_NOTICES = {
    "edited": "meetings.notify.edited",
    "cancelled_occurrence": "meetings.notify.cancelled_occurrence",
    "cancelled_series": "meetings.notify.cancelled_series",
}

# -- short texts ---------------------------------------------------------------------------


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
    weekday = catalog.t(language, _WEEKDAYS[first_date.weekday()])
    if repeat == "monthly":
        position = catalog.t(language, _POSITIONS[monthly_position(first_date)])
        return catalog.t(language, "meetings.repeat.monthly", weekday=weekday, position=position)
    return catalog.t(language, _REPEATS[repeat], weekday=weekday)


def place_text(catalog: Catalog, language: str, channel_id: int | None, link: str | None) -> str:
    if channel_id is not None and link:
        return catalog.t(language, "meetings.place.both", channel_id=channel_id, link=link)
    if channel_id is not None:
        return catalog.t(language, "meetings.place.channel", channel_id=channel_id)
    if link:
        return catalog.t(language, "meetings.place.link", link=link)
    return catalog.t(language, "meetings.place.none")


def stamp(instant: datetime) -> int:
    return int(instant.timestamp())


def clock_text(value: time) -> str:
    return value.strftime("%H:%M")


def mentions(user_ids: Iterable[int]) -> str:
    return " ".join(f"<@{user_id}>" for user_id in user_ids)


def local_text(when: LocalInstant) -> str:
    return f"{when.local_date.isoformat()} {clock_text(when.local_time)}"


def typed_notes(
    catalog: Catalog, language: str, when: LocalInstant, typed: LocalInstant | None
) -> list[str]:
    """How ``when`` was read when the member's zone is not the community's, and that zone's
    DST warnings (the community's come from :func:`dst_notes`)."""
    if typed is None:
        return []
    return [
        catalog.t(
            language,
            "meetings.schedule.typed",
            zone=typed.timezone,
            local=local_text(typed),
            community_zone=when.timezone,
        ),
        *dst_notes(catalog, language, typed),
    ]


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


# -- the cards -----------------------------------------------------------------------------


def render_announcement(card: MeetingAnnouncement, catalog: Catalog) -> Rendered:
    """The embed, and the Going / Maybe / Can't buttons with their counts (none if cancelled)."""
    language = card.language
    title_key = (
        "meetings.announcement.cancelled_title" if card.cancelled else "meetings.announcement.title"
    )
    embed = discord.Embed(
        title=catalog.t(language, title_key, title=escape(card.title)),
        description=escape(card.agenda) or None,
        colour=discord.Colour.dark_grey() if card.cancelled else discord.Colour.blurple(),
    )
    at = stamp(card.starts_at)
    fields = [
        ("meetings.announcement.when", f"<t:{at}:F>\n<t:{at}:R>"),
        ("meetings.announcement.duration", duration_text(catalog, language, card.duration_minutes)),
        ("meetings.announcement.place", place_text(catalog, language, card.channel_id, card.link)),
    ]
    if card.repeat != "none":
        fields.append(
            (
                "meetings.announcement.repeat",
                repeat_text(catalog, language, card.repeat, card.first_date),
            )
        )
    if card.facilitator_id is not None:
        fields.append(("meetings.announcement.facilitator", f"<@{card.facilitator_id}>"))
    for key, value in fields:
        embed.add_field(name=catalog.t(language, key), value=value, inline=True)
    embed.set_footer(
        text=catalog.t(language, "meetings.announcement.cancelled_footer")
        if card.cancelled
        else catalog.t(language, "meetings.announcement.footer", zone=card.timezone)
    )
    if card.cancelled:
        return Rendered(embeds=[embed])
    counts = card.counts.model_dump()
    buttons = [
        button(
            f"plc:mtg:rsvp:{card.occurrence_id}:{answer}",
            label=catalog.t(
                language,
                "meetings.announcement.button",
                label=catalog.t(language, label_key),
                count=counts[answer],
            ),
            style=style,
        )
        for answer, (label_key, style) in _ANSWERS.items()
    ]
    return Rendered(embeds=[embed], view=buttons_view(*buttons))


def render_notice(card: MeetingNotice, catalog: Catalog) -> Rendered:
    language = card.language
    lines = []
    if card.change is not None:
        text = catalog.t(
            language,
            _NOTICES[card.change],
            title=escape(card.title),
            timestamp=stamp(card.starts_at),
            place=place_text(catalog, language, card.channel_id, card.link),
        )
        if card.next_starts_at is not None:
            text += " " + catalog.t(
                language, "meetings.notify.next", timestamp=stamp(card.next_starts_at)
            )
        lines.append(text)
    if card.mentions:
        lines.append(
            catalog.t(language, "meetings.notify.members", mentions=mentions(card.mentions))
        )
    return Rendered(content="\n".join(lines))


def render_reminder(card: MeetingReminder, catalog: Catalog) -> Rendered:
    language = card.language
    text = catalog.t(
        language,
        "meetings.reminder.dm" if card.direct else "meetings.reminder.channel",
        title=escape(card.title),
        timestamp=stamp(card.starts_at),
        place=place_text(catalog, language, card.channel_id, card.link),
        channel_id=card.announcements_channel_id or 0,
    )
    lines = [f"{text}\n{catalog.t(language, 'delivery.late')}" if card.late else text]
    if card.fallback:
        lines.append(catalog.t(language, "delivery.dm_fallback", mentions=mentions(card.fallback)))
    return Rendered(content="\n".join(lines))


def render_missed(card: MissedReminder, catalog: Catalog) -> Rendered:
    language = card.language
    return Rendered(
        content=catalog.t(
            language,
            "meetings.reminder.missed",
            offset=duration_text(catalog, language, card.offset_minutes),
            title=escape(card.title),
            timestamp=stamp(card.starts_at),
        )
    )


# -- ephemeral replies ---------------------------------------------------------------------


def preview(catalog: Catalog, language: str, draft: MeetingDraft) -> str:
    """What ``/meeting schedule`` understood, to confirm before anything is saved."""
    when = draft.when
    lines = [
        catalog.t(language, "meetings.schedule.check"),
        catalog.t(
            language,
            "meetings.schedule.preview",
            title=escape(draft.title),
            local=local_text(when),
            zone=when.timezone,
            timestamp=stamp(when.starts_at),
            duration=duration_text(catalog, language, draft.duration_minutes),
            repeat=repeat_text(catalog, language, draft.repeat, when.local_date),
            place=place_text(catalog, language, draft.channel_id, draft.link),
        ),
        *typed_notes(catalog, language, when, draft.typed),
        *dst_notes(catalog, language, when),
    ]
    if draft.reminder_offsets is not None:
        offsets = ", ".join(duration_text(catalog, language, m) for m in draft.reminder_offsets)
        lines.append(catalog.t(language, "meetings.schedule.reminders", offsets=offsets))
    if draft.protocol_id is not None:
        lines.append(catalog.t(language, "meetings.schedule.protocol", protocol=draft.protocol_id))
    lines.append(
        catalog.t(language, "meetings.schedule.ask", channel_id=draft.announcements_channel_id)
    )
    return "\n\n".join(lines)


def edit_lines(catalog: Catalog, language: str, result: EditResult) -> list[str]:
    """What ``/meeting edit`` changed; a new ``when`` is said back in the zone it was read in."""
    lines = [
        catalog.t(
            language,
            "meetings.edit.done",
            title=escape(result.after.meeting.title),
            timestamp=stamp(result.after.occurrence.starts_at),
        )
    ]
    if result.when is not None:
        read = result.typed or result.when
        lines.append(
            catalog.t(language, "meetings.edit.when", local=local_text(read), zone=read.timezone)
        )
        lines += typed_notes(catalog, language, result.when, result.typed)
        lines += dst_notes(catalog, language, result.when)
    if result.told:
        lines.append(
            catalog.t(
                language,
                "meetings.edit.told",
                count=result.told,
                channel_id=result.announcements_channel_id or 0,
            )
        )
    return lines


def list_embed(catalog: Catalog, language: str, upcoming: list[UpcomingMeeting]) -> discord.Embed:
    lines = [_list_line(catalog, language, item) for item in upcoming[:LIST_LIMIT]]
    if len(upcoming) > LIST_LIMIT:
        lines.append(catalog.t(language, "meetings.list.more", count=len(upcoming) - LIST_LIMIT))
    return discord.Embed(
        title=catalog.t(language, "meetings.list.title"),
        description="\n\n".join(lines),
        colour=discord.Colour.blurple(),
    )


def _list_line(catalog: Catalog, language: str, item: UpcomingMeeting) -> str:
    meeting, counts = item.meeting, item.counts
    line = catalog.t(
        language,
        "meetings.list.line",
        title=escape(meeting.title),
        timestamp=stamp(item.occurrence.starts_at),
        repeat=repeat_text(catalog, language, meeting.repeat, meeting.first_date),
        place=place_text(catalog, language, meeting.channel_id, meeting.link),
        going=counts.going,
        maybe=counts.maybe,
        cant=counts.cant,
    )
    if item.occurrence.facilitator_id is not None:
        line += catalog.t(
            language, "meetings.list.facilitator", user_id=item.occurrence.facilitator_id
        )
    return line
