"""Checking what a facilitator typed (the platform does not re-check option bounds), and
whether the bot can announce where it should."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from bot.actor import Actor
from bot.chat import ChannelRef, Chat
from bot.dates import LocalInstant, in_zone, parse_when
from bot.db.communities import Community
from bot.db.meetings import REPEATS, Repeat
from bot.errors import UserError
from bot.services.community import CommunityService
from bot.text import clean_text

TITLE_MAX = 100  # Discord's limit for a scheduled event's name
AGENDA_MAX = 1000
LINK_MAX = 512
DURATION_MAX = 24 * 60
PLACE_KINDS = frozenset({"voice", "stage"})
_LINK_FORBIDDEN = frozenset('<>[]"`')
_UNITS = {
    1: ("m", "mn", "min", "mins", "minute", "minutes"),
    60: ("h", "hr", "hrs", "hour", "hours", "heure", "heures"),
    1440: ("d", "day", "days", "j", "jour", "jours"),
    10080: ("w", "wk", "week", "weeks", "sem", "semaine", "semaines"),
}
_UNIT_MINUTES = {unit: minutes for minutes, units in _UNITS.items() for unit in units}
_OFFSET = re.compile(
    r"^(\d{1,5})\s*(" + "|".join(sorted(_UNIT_MINUTES, key=len, reverse=True)) + ")?$"
)
#: Between two times: commas, semicolons, spaces, "and" / "et" (before the next number).
_OFFSETS_APART = re.compile(r"(?:[,;\s]|\band\b|\bet\b)+(?=\d)", re.IGNORECASE)
MAX_REMINDERS = 4
MIN_REMINDER_MINUTES = 1
MAX_REMINDER_MINUTES = 14 * 1440

TextField = Literal["title", "agenda", "link"]
_TEXT_ERRORS: dict[tuple[TextField, str], str] = {
    ("title", "empty"): "meetings.errors.title_empty",
    ("title", "too_long"): "meetings.errors.title_too_long",
    ("agenda", "too_long"): "meetings.errors.agenda_too_long",
    ("link", "too_long"): "meetings.errors.link_too_long",
}


def _clean(
    name: TextField, value: str | None, limit: int, *, required: bool, multiline: bool = False
) -> str:
    try:
        return clean_text(
            value, field=name, max_length=limit, required=required, multiline=multiline
        )
    except UserError as exc:
        problem = "empty" if exc.key == "errors.text_empty" else "too_long"
        raise UserError(_TEXT_ERRORS[name, problem], **exc.params) from None


def check_title(value: str) -> str:
    return _clean("title", value, TITLE_MAX, required=True)


def check_agenda(value: str | None) -> str:
    return _clean("agenda", value, AGENDA_MAX, required=False, multiline=True)


def check_duration(minutes: int) -> int:
    if not 1 <= minutes <= DURATION_MAX:
        raise UserError("meetings.errors.duration", minutes=minutes, limit=DURATION_MAX)
    return minutes


def check_repeat(value: str) -> Repeat:
    for repeat in REPEATS:
        if value == repeat:
            return repeat
    raise UserError("meetings.errors.repeat", value=value[:40])


def check_link(value: str | None) -> str | None:
    """An http(s) address, shown as is: no spaces or brackets that could disguise it."""
    link = _clean("link", value, LINK_MAX, required=False)
    if not link:
        return None
    parts = urlsplit(link)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() or ch in _LINK_FORBIDDEN for ch in link)
    ):
        raise UserError("meetings.errors.link_scheme")
    return link


def check_reminders(value: str | None) -> tuple[int, ...] | None:
    """``"24h, 1h"`` or ``"1 day and 1 hour"`` → ``(1440, 60)``; empty means the
    community's offsets.

    Units, in English or French: minutes (the default: m, min…), hours (h, heures…), days
    (d, j, jours…), weeks (w, sem, semaines…). At most four, each 1 minute to 14 days.
    """
    text = (value or "").strip()
    if not text:
        return None
    offsets = {_reminder_minutes(part.strip(), text) for part in _OFFSETS_APART.split(text)}
    if len(offsets) > MAX_REMINDERS:
        raise UserError("meetings.errors.reminders_too_many", limit=MAX_REMINDERS)
    return tuple(sorted(offsets, reverse=True))


def _reminder_minutes(part: str, typed: str) -> int:
    """One reminder time in minutes; what cannot be read is refused with all that was
    typed, a time read but out of range with the limit it passes."""
    match = _OFFSET.match(part.lower())
    if match is None:
        raise UserError("meetings.errors.reminders_bad", text=typed)
    minutes = int(match.group(1)) * _UNIT_MINUTES.get(match.group(2), 1)
    if minutes < MIN_REMINDER_MINUTES:
        raise UserError(
            "meetings.errors.reminders_too_close", text=part, minutes=MIN_REMINDER_MINUTES
        )
    if minutes > MAX_REMINDER_MINUTES:
        days = MAX_REMINDER_MINUTES // 1440
        raise UserError("meetings.errors.reminders_too_far", text=part, days=days)
    return minutes


@dataclass(frozen=True, slots=True)
class Room:
    """A channel chosen for a meeting, with its kind as the platform reported it."""

    channel_id: int
    kind: str | None
    """``voice`` or ``stage`` are meeting rooms; anything else is refused."""


def check_room(room: Room | None) -> int | None:
    """Meetings happen in a voice or stage channel (or behind a link), never a text one."""
    if room is None:
        return None
    if room.kind not in PLACE_KINDS:
        raise UserError(
            "meetings.errors.channel_kind", channel=ChannelRef(channel_id=room.channel_id)
        )
    return room.channel_id


def announcements_channel(community: Community) -> int:
    """Where meetings are announced; refused when the community has none."""
    if community.announcements_channel_id is None:
        raise UserError("meetings.errors.no_announcements_channel")
    return community.announcements_channel_id


async def require_postable(chat: Chat, guild_id: int, channel_id: int) -> None:
    """Refuse before anything is saved if the bot cannot post in the announcements channel."""
    check = await chat.can_post(guild_id, channel_id)
    check.require(
        channel_id,
        gone="meetings.errors.announcements_missing",
        lacking="meetings.errors.announcements_permission",
    )


async def read_when(
    text: str, actor: Actor, community: Community, communities: CommunityService, now: datetime
) -> tuple[LocalInstant, LocalInstant | None]:
    """``when`` read in the member's zone and language, kept in the community's zone so
    its repeats follow the community's clock changes; with the member's own reading when
    their zone is another one (the replies show both)."""
    zone = await communities.reading_zone(community, actor.user_id)
    typed = parse_when(text, field="when", now=now, timezone=zone, language=actor.language)
    kept = in_zone(typed, community.timezone)
    return kept, (typed if zone != community.timezone else None)
