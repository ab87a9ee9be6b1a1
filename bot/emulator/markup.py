"""Discord's ``<t:unix:style>`` markup as its client shows it, in the viewer's time zone.

Discord renders a timestamp in each viewer's own zone and locale; the playground
shows it for the acting member (their ``/me timezone``, else the community's), in
24-hour time as the French and British clients do.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")

_STYLES = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%d/%m/%Y",
    "D": "%-d %B %Y",
    "f": "%-d %B %Y %H:%M",
    "F": "%A %-d %B %Y %H:%M",
}
_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
    ("second", 1),
)


def relative(instant: datetime, now: datetime) -> str:
    """Discord's ``R`` style: "in 2 hours", "3 days ago"."""
    seconds = (instant - now).total_seconds()
    magnitude = abs(seconds)
    for unit, size in _UNITS:
        if magnitude >= size or unit == "second":
            count = round(magnitude / size)
            text = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {text}" if seconds >= 0 else f"{text} ago"
    raise AssertionError("unreachable")


def render_timestamp(unix: int, style: str | None, zone: str, now: datetime) -> str:
    instant = datetime.fromtimestamp(unix, UTC)
    if style == "R":
        return relative(instant, now)
    local = instant.astimezone(ZoneInfo(zone))
    return local.strftime(_STYLES[style or "f"])


def render_timestamps(text: str, zone: str, now: datetime) -> str:
    return TIMESTAMP.sub(lambda m: render_timestamp(int(m.group(1)), m.group(2), zone, now), text)
