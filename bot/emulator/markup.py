"""Discord's markup as its client shows it, to one viewer: ``<t:unix:style>`` and mentions.

Discord renders a timestamp in each viewer's own zone and language; the playground
shows it for the acting member (their ``/me timezone``, else the community's; their
Discord language), in 24-hour time as the French and British clients do. Month and
day names and the relative style ("in 2 days", "dans 2 jours") come from CLDR
through Babel, the data Discord's client uses too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta

TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_CHANNEL = re.compile(r"<#(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_USER = re.compile(r"<@!?(\d+)>")

_STYLES = {
    "t": "HH:mm",
    "T": "HH:mm:ss",
    "d": "dd/MM/y",
    "D": "d MMMM y",
    "f": "d MMMM y HH:mm",
    "F": "EEEE d MMMM y HH:mm",
}
_Unit = Literal["year", "month", "day", "hour", "minute", "second"]
#: Discord's relative style counts in one unit (no weeks: "in 13 days").
_UNITS: tuple[tuple[_Unit, int], ...] = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
    ("second", 1),
)


def viewer_language(discord_locale: str) -> str:
    """The language a Discord client shows timestamps in: French for ``fr``, else English."""
    return "fr" if discord_locale.lower().startswith("fr") else "en"


def relative(instant: datetime, now: datetime, language: str = "en") -> str:
    """Discord's ``R`` style: "in 2 hours", "3 days ago", "dans 2 heures", "il y a 3 jours"."""
    seconds = (instant - now).total_seconds()
    magnitude = abs(seconds)
    unit, size = next((u, s) for u, s in _UNITS if magnitude >= s or u == "second")
    counted = timedelta(seconds=math.copysign(round(magnitude / size) * size, seconds))
    # An infinite threshold makes Babel keep the unit chosen here.
    text: str = format_timedelta(
        counted, granularity=unit, threshold=math.inf, add_direction=True, locale=language
    )
    return text


def render_timestamp(
    unix: int, style: str | None, zone: str, now: datetime, language: str = "en"
) -> str:
    instant = datetime.fromtimestamp(unix, UTC)
    if style == "R":
        return relative(instant, now, language)
    local = instant.astimezone(ZoneInfo(zone))
    text: str = format_datetime(local, _STYLES[style or "f"], locale=language)
    return text


def render_timestamps(text: str, zone: str, now: datetime, language: str = "en") -> str:
    return TIMESTAMP.sub(
        lambda m: render_timestamp(int(m.group(1)), m.group(2), zone, now, language), text
    )


def render_mentions(
    text: str,
    channels: Mapping[int, str],
    users: Mapping[int, str],
    roles: Mapping[int, str],
) -> str:
    """``#channel``, ``@role`` and ``@member`` for the mentions whose names are known; an
    unknown channel stays as written, an unknown role or member shows its id."""
    text = _CHANNEL.sub(
        lambda m: f"#{channels[int(m.group(1))]}" if int(m.group(1)) in channels else m.group(0),
        text,
    )
    text = _ROLE.sub(lambda m: f"@{roles.get(int(m.group(1)), m.group(1))}", text)
    return _USER.sub(lambda m: f"@{users.get(int(m.group(1)), m.group(1))}", text)
