"""IANA time zone names: validation, suggestions and autocomplete.

Only ``Area/Location`` names are accepted (``America/Toronto``): abbreviations such
as ``EST`` and fixed offsets such as ``UTC+5`` do not follow daylight saving time,
so a weekly meeting stored with them would drift by an hour twice a year.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.errors import UserError
from bot.text import folded

_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)

_EASTERN = ("America/Toronto", "America/New_York")
_ATLANTIC = ("America/Halifax", "America/Moncton")
_CENTRAL = ("America/Winnipeg", "America/Chicago")
_MOUNTAIN = ("America/Edmonton", "America/Denver")
_PACIFIC = ("America/Vancouver", "America/Los_Angeles")
_EUROPE = ("Europe/Paris", "Europe/Brussels")
_LONDON = ("Europe/London", "Africa/Abidjan")
# What people type instead of a zone name (accents, case and punctuation aside), and the
# zones they most likely mean: abbreviations, the names of the time in English and in
# Québec French (HNE: heure normale de l'Est), and cities that are not a zone's name.
_USUAL_MEANING = {
    **dict.fromkeys(
        ("est", "edt", "et", "eastern", "eastern time", "hne", "hae", "heure de l est"), _EASTERN
    ),
    **dict.fromkeys(
        ("ast", "adt", "atlantic", "atlantic time", "hna", "haa", "heure de l atlantique"),
        _ATLANTIC,
    ),
    **dict.fromkeys(("cst", "cdt", "central", "central time", "hnc", "heure du centre"), _CENTRAL),
    **dict.fromkeys(("mst", "mdt", "mountain", "hnr", "heure des rocheuses"), _MOUNTAIN),
    **dict.fromkeys(("pst", "pdt", "pacific", "hnp", "heure du pacifique"), _PACIFIC),
    **dict.fromkeys(("cet", "cest", "france", "paris", "bruxelles", "brussels"), _EUROPE),
    **dict.fromkeys(("gmt", "utc"), _LONDON),
    **dict.fromkeys(
        (
            "montreal", "quebec", "laval", "gatineau", "longueuil", "sherbrooke", "saguenay",
            "levis", "trois rivieres", "terrebonne", "ottawa", "canada",
        ),
        ("America/Toronto",),
    ),
}  # fmt: skip


class InvalidTimezone(ValueError):
    """Not an IANA ``Area/Location`` name; ``suggestions`` lists likely ones."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions


@cache
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(n for n in available_timezones() if n.split("/", 1)[0] in _AREAS))


def validate_timezone(name: str) -> str:
    """Return the canonical spelling of ``name`` or raise :class:`InvalidTimezone`."""
    cleaned = name.strip()
    by_lower = {z.lower(): z for z in zone_names()}
    match = by_lower.get(cleaned.lower())
    if match is None:
        raise InvalidTimezone(cleaned, suggest_timezones(cleaned))
    ZoneInfo(match)  # the tz database really has it
    return match


def require_timezone(name: str) -> str:
    """:func:`validate_timezone` for what a user typed: refused with suggestions."""
    try:
        return validate_timezone(name)
    except InvalidTimezone as exc:
        raise UserError(
            "errors.bad_timezone",
            name=exc.name or "∅",
            suggestions=", ".join(exc.suggestions) or "America/Toronto, Europe/Paris",
        ) from None


def suggest_timezones(text: str, limit: int = 3) -> list[str]:
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", folded(text)).split())  # "heure de l'Est"
    if key in _USUAL_MEANING:
        return list(_USUAL_MEANING[key][:limit])
    return search_timezones(text, limit) or difflib.get_close_matches(
        text.strip(), zone_names(), n=limit, cutoff=0.5
    )


def search_timezones(text: str, limit: int = 25) -> list[str]:
    """Autocomplete: zones whose name contains every word typed, cities first."""
    words = text.strip().lower().replace(" ", "_").split("/")
    words = [w for w in words if w]
    if not words:
        return list(_POPULAR[:limit])
    found = [z for z in zone_names() if all(w in z.lower() for w in words)]
    found.sort(key=lambda z: (not z.lower().split("/")[-1].startswith(words[-1]), z))
    return found[:limit]


_POPULAR = (
    "America/Toronto",
    "America/Montreal",
    "America/Moncton",
    "America/Halifax",
    "America/Winnipeg",
    "America/Edmonton",
    "America/Vancouver",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/London",
    "Africa/Casablanca",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Indian/Reunion",
    "America/Martinique",
    "Pacific/Noumea",
)
