"""The messages meetings send, and how they look on any platform.

Public posts are written in the community's language, direct messages too (the bot
knows no member's language outside an interaction). Titles and agendas are the
members' words: shown inert. Members are named without being pinged unless the
send says so (the notices and the reminders' fallback).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from bot.chat import (
    Button,
    Card,
    ChannelRef,
    Content,
    Join,
    MemberRef,
    Message,
    Moment,
    Panel,
    PanelField,
    Text,
)
from bot.chat.layout import ButtonStyle
from bot.db.meeting_rsvps import Answer, RsvpCounts
from bot.db.meetings import Repeat
from bot.i18n import Language, language_for_locale
from bot.interactions.routes import CustomId
from bot.services.meetings.texts import duration, place, repeat, text, when, zone
from bot.services.meetings.texts import lead as lead_words

if TYPE_CHECKING:
    from bot.services.meetings.models import UpcomingMeeting

RSVP = CustomId("plc:mtg:rsvp:{occurrence}:{answer}", answer="going|maybe|cant")
_ANSWERS: dict[Answer, ButtonStyle] = {"going": "success", "maybe": "secondary", "cant": "danger"}
_NOTICES = {
    "edited": "notify.edited",
    "cancelled_occurrence": "notify.cancelled_occurrence",
    "cancelled_series": "notify.cancelled_series",
}


def mentions(user_ids: tuple[int, ...]) -> Join:
    return Join(parts=tuple(MemberRef(user_id=user_id) for user_id in user_ids), sep=" ")


class MeetingAnnouncement(Card):
    """An occurrence's announcement: what, when, where, and the RSVP buttons with counts."""

    occurrence_id: int
    title: str
    agenda: str
    starts_at: datetime
    duration_minutes: int
    repeat: Repeat
    first_date: date
    timezone: str
    channel_id: int | None
    link: str | None
    counts: RsvpCounts
    cancelled: bool = False
    """A cancelled date: said so, and no buttons."""
    series_cancelled: bool = False
    """The whole series is cancelled (with ``cancelled``): said so, and no "Repeats" line."""
    facilitator_id: int | None = None
    """Who facilitates this date, shown without pinging them."""
    held: bool = False
    """The date is over: said so, its answers counted in words, and no buttons."""

    def layout(self) -> Message:
        panel = Panel(
            title=text(
                "announcement.cancelled_title" if self.cancelled else "announcement.title",
                title=self.title,
            ),
            description=self.agenda or None,
            fields=self._fields(),
            tone="muted" if self.cancelled or self.held else "accent",
            footer=self._footer(),
        )
        if self.cancelled or self.held:
            return Message(panels=(panel,))
        return Message(panels=(panel,), rows=(self._buttons(),))

    def _footer(self) -> Text:
        """The zone and how to answer; once cancelled, whether it is this date or all; once
        over, how many had answered."""
        if self.series_cancelled:
            return text("announcement.cancelled_series_footer")
        if self.cancelled:
            return text("announcement.cancelled_footer")
        if self.held:
            counts = self.counts
            return text("announcement.held_footer", **counts.model_dump())
        return text("announcement.footer", zone=zone(self.timezone))

    def _fields(self) -> tuple[PanelField, ...]:
        starts = (Moment(at=self.starts_at), Moment(at=self.starts_at, style="relative"))
        shown: list[tuple[str, Content]] = [
            ("announcement.when", Join(parts=starts)),
            ("announcement.duration", duration(self.duration_minutes)),
            ("announcement.place", place(self.channel_id, self.link)),
        ]
        if self.repeat != "none" and not self.series_cancelled:
            shown.append(("announcement.repeat", repeat(self.repeat, self.first_date)))
        if self.facilitator_id is not None:
            shown.append(("announcement.facilitator", MemberRef(user_id=self.facilitator_id)))
        return tuple(PanelField(name=text(key), value=value, inline=True) for key, value in shown)

    def _buttons(self) -> tuple[Button, ...]:
        counts = self.counts.model_dump()
        return tuple(
            Button(
                action=RSVP.build(occurrence=self.occurrence_id, answer=answer),
                label=text(
                    "announcement.button",
                    label=text(f"announcement.{answer}"),
                    count=counts[answer],
                ),
                style=style,
            )
            for answer, style in _ANSWERS.items()
        )


class MeetingNotice(Card):
    """Members who answered are told of a change, in the announcements channel."""

    change: Literal["edited", "cancelled_occurrence", "cancelled_series"] | None
    """None: a further message carrying only more ``mentions``."""
    title: str
    starts_at: datetime
    channel_id: int | None
    link: str | None
    next_starts_at: datetime | None = None
    """The series goes on at this date (after a cancelled date)."""
    changed: tuple[Text, ...] = ()
    """What an edit changed, a line each (``texts.changes``)."""
    mentions: tuple[int, ...] = ()

    def layout(self) -> Message:
        told: Content = ""
        if self.change is not None:
            said = text(
                _NOTICES[self.change],
                title=self.title,
                place=place(self.channel_id, self.link),
                **when(self.starts_at),
            )
            following = (
                text("notify.next", when=Moment(at=self.next_starts_at))
                if self.next_starts_at is not None
                else ""
            )
            lead = Join(parts=(said, following), sep=" ") if following else said
            told = Join(parts=(lead, *self.changed))
        members = text("notify.members", mentions=mentions(self.mentions)) if self.mentions else ""
        return Message(content=Join(parts=(told, members)))


class MeetingReminder(Card):
    """A reminder before the start: by DM (``direct``) or in the announcements channel."""

    direct: bool
    title: str
    starts_at: datetime
    channel_id: int | None
    link: str | None
    announcements_channel_id: int | None
    lead_minutes: int | None
    """How soon the start is, as fixed text ("in 1 h"): the reminder's own lead time, or
    the real time left when it went out late; None: not said (the start has come)."""
    late: bool = False
    """Sent after the bot was offline: the message says so."""
    fallback: tuple[int, ...] = ()
    """Members whose DMs are closed, mentioned in the channel post instead."""

    def layout(self) -> Message:
        key = "reminder.dm" if self.direct else "reminder.channel"
        lead = self.lead_minutes
        reminder = text(
            key if lead is not None else f"{key}_no_lead",
            title=self.title,
            lead=lead_words(lead) if lead is not None else "",
            when=Moment(at=self.starts_at),
            place=place(self.channel_id, self.link),
            channel=ChannelRef(channel_id=self.announcements_channel_id or 0),
        )
        return Message(
            content=Join(
                parts=(
                    reminder,
                    Text(key="delivery.late") if self.late else "",
                    Text(key="delivery.dm_fallback", params={"mentions": mentions(self.fallback)})
                    if self.fallback
                    else "",
                )
            )
        )


class MissedReminder(Card):
    """To the facilitators: a reminder could not go out in time."""

    offset_minutes: int
    title: str
    starts_at: datetime

    def layout(self) -> Message:
        return Message(
            content=text(
                "reminder.missed",
                offset=duration(self.offset_minutes),
                title=self.title,
                when=Moment(at=self.starts_at),
            )
        )


def community_language(language: str) -> Language:
    return language_for_locale(language)


def announcement_card(
    upcoming: UpcomingMeeting, language: str, *, cancelled: bool = False, held: bool = False
) -> MeetingAnnouncement:
    """A date's announcement; ``cancelled``, it says whether the whole series ended with it
    (a series that repeats, cancelled as a whole) or only this date."""
    meeting, occurrence = upcoming.meeting, upcoming.occurrence
    series_cancelled = cancelled and meeting.cancelled_at is not None and meeting.repeat != "none"
    return MeetingAnnouncement(
        language=community_language(language),
        occurrence_id=occurrence.id,
        title=meeting.title,
        agenda=meeting.agenda,
        starts_at=occurrence.starts_at,
        duration_minutes=meeting.duration_minutes,
        repeat=meeting.repeat,
        first_date=meeting.first_date,
        timezone=meeting.timezone,
        channel_id=meeting.channel_id,
        link=meeting.link,
        counts=upcoming.counts,
        cancelled=cancelled,
        series_cancelled=series_cancelled,
        facilitator_id=upcoming.facilitator_id,
        held=held,
    )
