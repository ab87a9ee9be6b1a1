from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.db import members as members_db
from bot.db.communities import CommunitySettings
from bot.errors import UserError
from bot.services.base import Core
from bot.services.community import CommunityService, MemberService
from tests.db.trips import traced

GUILD = 100
USER = 424242424242424242


@pytest.fixture
async def members(core: Core) -> MemberService:
    community = CommunityService(core)
    await community.setup(
        GUILD,
        1,
        CommunitySettings(
            timezone="America/Toronto",
            language="en",
        ),
    )
    return MemberService(core, community)


async def test_timezone_is_validated_and_canonical(members: MemberService) -> None:
    assert await members.set_timezone(GUILD, USER, "europe/paris") == "Europe/Paris"
    with pytest.raises(UserError, match="errors.bad_timezone"):
        await members.set_timezone(GUILD, USER, "CET")
    member = await members.get(GUILD, USER)
    assert member is not None and member.timezone == "Europe/Paris"


async def test_away_until_a_date_then_back(members: MemberService, clock: ControlledClock) -> None:
    until = await members.set_away(GUILD, USER, "2026-12-18", "en")
    assert until.day == date(2026, 12, 18)
    assert await members.is_away(GUILD, USER)
    await clock.advance(timedelta(days=26))  # the 19th, local time: back by itself
    assert not await members.is_away(GUILD, USER)
    await members.set_away(GUILD, USER, "20 décembre", "fr")
    assert await members.back(GUILD, USER)
    assert not await members.back(GUILD, USER)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-02-30", "errors.date_impossible"),
        ("2025-01-01", "errors.date_past"),
        ("2028-06-01", "errors.date_too_far"),
        ("   ", "errors.date_empty"),
    ],
)
async def test_bad_away_dates_are_refused_naming_the_field(
    members: MemberService, text: str, key: str
) -> None:
    with pytest.raises(UserError) as caught:
        await members.set_away(GUILD, USER, text, "en")
    assert caught.value.key == key
    assert caught.value.params["field"] == "until"
    assert await members.get(GUILD, USER) is None  # nothing half-written


async def test_reminders_toggle_and_reopen_closed_dms(core: Core, members: MemberService) -> None:
    await members.set_dm_reminders(GUILD, USER, False)
    delivery = core.chat
    assert await delivery.dm_closed(GUILD, USER)
    assert not await delivery.dm_closed(GUILD, USER)  # logged once
    await members.set_dm_reminders(GUILD, USER, True)
    member = await members.get(GUILD, USER)
    assert member is not None and member.dm_reminders and member.dm_closed_at is None


async def _written(core: Core, work: Awaitable[object]) -> list[str]:
    """The statements ``work`` ran that write."""
    async with traced(core.db) as statements:
        await work
    return [sql for sql in statements if re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql.upper())]


async def test_choosing_the_reminders_already_chosen_writes_nothing(
    core: Core, members: MemberService, clock: ControlledClock
) -> None:
    """Nothing to save, the same reply: no write transaction (before: an upsert each time).
    Whatever the choice would still change is written: a new member's row, DMs known
    closed reopened by "on", a member who left back, the other choice."""
    assert await _written(core, members.set_dm_reminders(GUILD, USER, True))  # the row made
    assert not await _written(core, members.set_dm_reminders(GUILD, USER, True))
    assert await core.chat.dm_closed(GUILD, USER)
    assert await _written(core, members.set_dm_reminders(GUILD, USER, True))
    member = await members.get(GUILD, USER)
    assert member is not None and member.dm_reminders and member.dm_closed_at is None
    assert await _written(core, members.set_dm_reminders(GUILD, USER, False))
    assert not await _written(core, members.set_dm_reminders(GUILD, USER, False))
    assert await core.chat.dm_closed(GUILD, USER)
    assert not await _written(core, members.set_dm_reminders(GUILD, USER, False))  # kept closed
    async with core.db.transaction() as conn:
        await members_db.mark_left(conn, GUILD, USER, clock.now())
    assert await _written(core, members.set_dm_reminders(GUILD, USER, False))
    member = await members.get(GUILD, USER)
    assert member is not None and member.left_at is None and not member.dm_reminders
    assert member.dm_closed_at is not None


async def test_export_holds_the_caller_only(members: MemberService) -> None:
    await members.set_timezone(GUILD, USER, "Europe/Paris")
    await members.set_timezone(GUILD, 555, "America/Toronto")
    data = await members.export(GUILD, USER)
    assert data["member"]["user_id"] == USER
    assert "555" not in str(data)


@pytest.mark.sqlite_only  # reads the SQLite file and its WAL
async def test_delete_leaves_no_trace_in_the_file(
    core: Core, members: MemberService, db_path: Path
) -> None:
    await members.set_timezone(GUILD, USER, "Europe/Paris")
    await members.set_away(GUILD, USER, "2026-12-18", "en")
    await members.delete(GUILD, USER)
    assert await members.get(GUILD, USER) is None
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    assert str(USER).encode() not in raw
    assert USER.to_bytes(8, "big") not in raw
