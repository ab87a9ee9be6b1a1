"""Short texts the meeting cards and replies share: a length, a rule, a place, a time.

Each returns core text (catalog keys with typed values), drawn later in the reader's
language by the platform.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.chat import (
    CalendarDay,
    ChannelRef,
    Content,
    Join,
    Moment,
    Param,
    Text,
    TimeOfDay,
    Trusted,
)
from bot.dates import LocalInstant, day_in_words
from bot.db.meetings import Repeat
from bot.services.meetings.times import LAST, monthly_position

if TYPE_CHECKING:
    from bot.services.meetings.models import UpcomingMeeting

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


def text(key: str, /, **params: Param) -> Text:
    return Text(key=f"meetings.{key}", params=params)


def when(at: datetime) -> dict[str, Param]:
    """``when`` (the full date) and ``relative`` ("in 2 days") of an instant."""
    return {"when": Moment(at=at), "relative": Moment(at=at, style="relative")}


def duration(minutes: int) -> Text:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return text("duration.minutes", minutes=rest)
    if rest == 0:
        return text("duration.hours", hours=hours)
    # "1 h 05": the minutes of an hour are written on two digits.
    return text("duration.hours_minutes", hours=hours, minutes=Trusted(text=f"{rest:02d}"))


def lead(minutes: int) -> Text:
    """How soon a start is, in a reminder's sentence: whole days and hours in words ("in
    1 day", « dans 2 heures »), anything else as a length ("in 1 h 30", "in 40 min")."""
    if minutes % 1440 == 0:
        return text("lead.days", count=minutes // 1440)
    if minutes % 60 == 0:
        return text("lead.hours", count=minutes // 60)
    return duration(minutes)


def repeat(rule: Repeat, first_date: date) -> Text:
    weekday = Text(key=_WEEKDAYS[first_date.weekday()])
    if rule == "monthly":
        position = Text(key=_POSITIONS[monthly_position(first_date)])
        return text("repeat.monthly", weekday=weekday, position=position)
    return Text(key=_REPEATS[rule], params={"weekday": weekday})


def place(channel_id: int | None, link: str | None) -> Text:
    # A link is a checked http(s) address without spaces or brackets: shown as typed so
    # it stays a link.
    shown = Trusted(text=link) if link else None
    if channel_id is not None and shown is not None:
        return text("place.both", channel=ChannelRef(channel_id=channel_id), link=shown)
    if channel_id is not None:
        return text("place.channel", channel=ChannelRef(channel_id=channel_id))
    if shown is not None:
        return text("place.link", link=shown)
    return text("place.none")


def clock(value: time) -> TimeOfDay:
    """A time on the community's clock, written the reader's way ("02:30", « 2 h 30 »)."""
    return TimeOfDay(at=value)


def local(instant: LocalInstant) -> Content:
    """The date and time as read, on its zone's wall clock, written the reader's way with
    its weekday (a misreading shows): « jeudi 3 décembre 2026 15 h 30 », "Thursday
    3 December 2026 15:30" (not ``2026-12-03 15:30``)."""
    return Join(parts=(day_in_words(instant.local_date), TimeOfDay(at=instant.local_time)), sep=" ")


def zone(name: str) -> Trusted:
    """An IANA zone name the bot checked (``America/Toronto``)."""
    return Trusted(text=name)


def typed_notes(kept: LocalInstant, typed: LocalInstant | None) -> list[Content]:
    """How ``when`` was read when the member's zone is not the community's, and that zone's
    clock-change warnings (the community's come from :func:`clock_change_notes`)."""
    if typed is None:
        return []
    read = text(
        "schedule.typed",
        zone=zone(typed.timezone),
        local=local(typed),
        community_zone=zone(kept.timezone),
    )
    return [read, *clock_change_notes(typed)]


def clock_change_notes(instant: LocalInstant) -> list[Content]:
    """The warnings of a chosen time on a night the clocks change: a time that does not
    exist (moved later) or one that happens twice (the first is meant)."""
    params: dict[str, Param] = {
        "time": clock(instant.local_time),
        "date": CalendarDay(day=instant.local_date),
        "zone": zone(instant.timezone),
    }
    if instant.shifted_to is not None:
        return [text("schedule.gap", shifted=clock(instant.shifted_to), **params)]
    if instant.repeated:
        return [text("schedule.repeated", **params)]
    return []


AGENDA_SHOWN = 150
"""How much of an agenda a change line quotes, before and after (the announcement has all
of the new one)."""


def changes(before: UpcomingMeeting, after: UpcomingMeeting) -> tuple[Text, ...]:
    """What an edit changed, a line each, the old value beside the new ("Duration: 1 h 30
    → 30 min"), so members told of a change need not compare for themselves."""
    old, new = before.meeting, after.meeting
    lines: list[Text] = []
    if old.title != new.title:
        lines.append(text("changed.title", old=old.title, new=new.title))
    if before.occurrence.starts_at != after.occurrence.starts_at:
        lines.append(
            text(
                "changed.when",
                old=Moment(at=before.occurrence.starts_at),
                new=Moment(at=after.occurrence.starts_at),
            )
        )
    if old.duration_minutes != new.duration_minutes:
        lines.append(
            text(
                "changed.duration",
                old=duration(old.duration_minutes),
                new=duration(new.duration_minutes),
            )
        )
    if (old.channel_id, old.link) != (new.channel_id, new.link):
        lines.append(
            text(
                "changed.place",
                old=place(old.channel_id, old.link),
                new=place(new.channel_id, new.link),
            )
        )
    if old.agenda != new.agenda:
        was, now = _excerpt(old.agenda), _excerpt(new.agenda)
        if not now:
            lines.append(text("changed.no_agenda", old=was))
        else:
            lines.append(text("changed.agenda", old=was or "—", new=now))
    return tuple(lines)


def _excerpt(agenda: str) -> str:
    """An agenda on one line, cut at :data:`AGENDA_SHOWN` characters."""
    line = " ".join(agenda.split())
    return line if len(line) <= AGENDA_SHOWN else f"{line[: AGENDA_SHOWN - 1]}…"
