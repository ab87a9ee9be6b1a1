"""The playground as a facilitator uses it: a scripted console, the real bot, the emulator."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ControlledClock
from bot.emulator.markup import relative, render_timestamp
from bot.playground import play

NOV23 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


async def _transcript(tmp_path: Path, script: str) -> str:
    out = io.StringIO()
    code = await play(
        tmp_path / "p.sqlite3", io.StringIO(script), out, clock=ControlledClock(NOV23)
    )
    assert code == 0
    return out.getvalue()


async def test_times_show_in_the_acting_members_zone(tmp_path: Path) -> None:
    """Discord shows each viewer their own local time; so does the playground."""
    text = await _transcript(
        tmp_path,
        '/meeting schedule title:"Team meeting" when:"2026-12-01 16:00"\n'
        ":click 1\n"
        ":read #announcements\n"
        ":as bob\n"
        "/me timezone name:Europe/Paris\n"
        ":read #announcements\n"
        ":quit\n",
    )
    toronto, paris = text.split("bob> /me timezone", 1)
    assert "Tuesday 1 December 2026 16:00" in toronto
    assert "Tuesday 1 December 2026 22:00" in paris
    assert "UTC" not in text.replace("(UTC)", "")


def test_timestamp_styles_follow_discords() -> None:
    unix = int(datetime(2026, 12, 1, 21, 0, tzinfo=UTC).timestamp())
    zone = "America/Toronto"
    assert render_timestamp(unix, "t", zone, NOV23) == "16:00"
    assert render_timestamp(unix, "T", zone, NOV23) == "16:00:00"
    assert render_timestamp(unix, "d", zone, NOV23) == "01/12/2026"
    assert render_timestamp(unix, "D", zone, NOV23) == "1 December 2026"
    assert render_timestamp(unix, None, zone, NOV23) == "1 December 2026 16:00"
    assert render_timestamp(unix, "F", zone, NOV23) == "Tuesday 1 December 2026 16:00"
    assert render_timestamp(unix, "R", zone, NOV23) == "in 8 days"
    assert relative(NOV23, datetime(2026, 11, 23, 16, 0, tzinfo=UTC)) == "2 hours ago"
