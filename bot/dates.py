"""Reading dates people type, in French or English, in a community's time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.errors import UserError

MAX_AHEAD = timedelta(days=366)


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def parse_future_date(
    text: str, *, field: str, now: datetime, timezone: str, language: str
) -> date:
    """A calendar date from ``2026-12-03``, ``3 déc.``, ``Dec 3``, ``vendredi``…

    Today counts as future; past dates, nonsense and dates over a year ahead are refused.
    """
    cleaned = text.strip()
    if not cleaned:
        raise UserError("errors.date_empty", field=field)
    today = local_today(now, timezone)
    base = datetime.combine(today, datetime.min.time())
    parsed = dateparser.parse(
        cleaned,
        languages=[language, "en" if language == "fr" else "fr"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "STRICT_PARSING": False,
            "DATE_ORDER": "YMD" if cleaned[:4].isdigit() else "DMY",
        },
    )
    if parsed is None:
        raise UserError("errors.date_unreadable", field=field, text=cleaned)
    result: date = parsed.date()
    if result < today:
        raise UserError("errors.date_past", field=field, date=result.isoformat())
    if result > today + MAX_AHEAD:
        raise UserError("errors.date_too_far", field=field, date=result.isoformat())
    return result
