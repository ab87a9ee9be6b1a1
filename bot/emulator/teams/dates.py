"""Adaptive Card date functions as the Teams client shows them to one reader.

A card writes ``{{DATE(2026-12-03T20:30:00Z, LONG)}}`` or ``{{TIME(2026-12-03T20:30:00Z)}}``;
each reader's Teams shows the instant in their own time zone and language: ``COMPACT``
"12/3/26", ``SHORT`` "Dec 3, 2026", ``LONG`` "Thursday, December 3, 2026", ``TIME``
"3:30 PM" (Microsoft's "Adaptive Cards: date/time formatting and localization").
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

_FUNCTION = re.compile(
    r"\{\{(?P<name>DATE|TIME)\((?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)(?:,\s*(?P<style>\w+))?\)\}\}"
)
_DATE_STYLES = {"COMPACT": "short", "SHORT": "medium", "LONG": "full"}


def render_card_dates(text: str, zone: str, locale: str) -> str:
    """``text`` with every date function written out for a reader in ``zone``."""
    language = locale.replace("-", "_")

    def written(match: re.Match[str]) -> str:
        at = datetime.fromisoformat(match["at"].replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
        if match["name"] == "TIME":
            return str(format_time(at, "short", locale=language))
        style = _DATE_STYLES.get((match["style"] or "COMPACT").upper(), "short")
        return str(format_date(at, style, locale=language))

    return _FUNCTION.sub(written, text)
