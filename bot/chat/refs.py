"""Typed references: what a message points at, before a platform decides how to show it.

A card or an error never holds platform markup. It holds a reference (this member, that
channel, this instant shown as a date) and the platform's adapter renders it: a mention
and a timestamp tag on Discord, an ``<at>`` mention and a formatted date on Teams.
References are values (hashable, JSON round-trip), so cards holding them can be stored
in a timer's payload and sent later.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from bot.frozen import Frozen


class MemberRef(Frozen):
    """A member of the community, shown by name (a mention, never a ping by itself)."""

    kind: Literal["member"] = "member"
    user_id: int


class ChannelRef(Frozen):
    """A channel or thread of the community, shown as a link to it."""

    kind: Literal["channel"] = "channel"
    channel_id: int


class RoleRef(Frozen):
    """A role (a group of members) of the community."""

    kind: Literal["role"] = "role"
    role_id: int


MomentStyle = Literal["date_time", "date", "time", "relative", "short_date_time", "day"]
"""How an instant reads: ``date_time`` "Thursday, December 3, 2026 15:30", ``date``
"December 3, 2026", ``time`` "15:30", ``relative`` "in 2 days", ``short_date_time``
"2026-12-03 15:30", ``day`` "12/03/2026". Each platform shows it in the reader's own
zone and language where it can."""


class Moment(Frozen):
    """An instant (UTC) and how to show it."""

    kind: Literal["moment"] = "moment"
    at: datetime
    style: MomentStyle = "date_time"


class CalendarDay(Frozen):
    """A calendar day, not an instant (no zone may shift it), written the reader's way by
    :func:`bot.i18n.format_calendar_day`: "7 December", « 7 décembre », « 1er décembre »;
    with its year when ``year`` ("7 December 2026")."""

    kind: Literal["calendar_day"] = "calendar_day"
    day: date
    year: bool = True


class TimeOfDay(Frozen):
    """A time on the wall clock, not an instant (a schedule's "every Monday at 9"),
    written the reader's way by :func:`bot.i18n.format_time_of_day`: "09:00" in English,
    « 9 h », « 14 h 30 » in French."""

    kind: Literal["time_of_day"] = "time_of_day"
    at: time


class MessageLink(Frozen):
    """A link to a message the bot posted (``label`` None: the platform's own link text)."""

    kind: Literal["message"] = "message"
    guild_id: int
    channel_id: int
    message_id: int


class Code(Frozen):
    """A command, an option name or a short literal, shown as code where the platform can."""

    kind: Literal["code"] = "code"
    text: str


Ref = MemberRef | ChannelRef | RoleRef | Moment | CalendarDay | TimeOfDay | MessageLink | Code
REF_TYPES: tuple[type[Frozen], ...] = (
    MemberRef,
    ChannelRef,
    RoleRef,
    Moment,
    CalendarDay,
    TimeOfDay,
    MessageLink,
    Code,
)


def member(user_id: int) -> MemberRef:
    return MemberRef(user_id=user_id)


def channel(channel_id: int) -> ChannelRef:
    return ChannelRef(channel_id=channel_id)


def role(role_id: int) -> RoleRef:
    return RoleRef(role_id=role_id)


def moment(at: datetime, style: MomentStyle = "date_time") -> Moment:
    return Moment(at=at, style=style)
