"""``/rotation show`` counts how often each volunteer facilitated in the database, with the
line: the meetings tell the rotation when a date took place (over, never cancelled), which
marks its assignment held, and the line's read counts each volunteer's held assignments in
their index. Before, every assignment of the community's year was read, then the past
ones' ids sent back to the meetings to learn which were held; then each date a volunteer
was ever given was looked up in the meetings' table at every show.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot.db import Database
from tests.services.facilitation_world import World, member
from tests.services.sample import ALICE

pytestmark = pytest.mark.sqlite_only  # SQLite's statements and query plans

TABLES = ("facilitator_assignments", "meeting_occurrences", "rotation_volunteers", "members")


async def shown_statements(world: World) -> list[str]:
    """The statements one ``/rotation show`` runs."""
    statements: list[str] = []
    await world.core.db.trace(statements.append)
    try:
        await world.rotation.show(member(ALICE))
    finally:
        await world.core.db.trace(None)
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


async def held_weeks(world: World) -> None:
    """Three volunteers, a weekly meeting, several weeks of it held."""
    for user_id in (ALICE, ALICE + 1, ALICE + 2):
        assert await world.rotation.join(member(user_id))
    await world.schedule("2026-12-03 15:30", repeat="weekly")
    for _ in range(6):
        await world.advance(timedelta(days=7))


async def test_the_dates_held_are_counted_with_the_line(world: World) -> None:
    await held_weeks(world)
    view = await world.rotation.show(member(ALICE))
    counts = [entry.times_facilitated for entry in view.line]
    assert sum(counts) >= 5 and max(counts) - min(counts) <= 1, counts  # each in turn
    statements = await shown_statements(world)
    # The line with its counts, the coming dates, their assignments (4 before: every
    # assignment of the year, then which of the past ones were held).
    assert len(statements) == 3, statements
    assert not any("meeting_occurrences WHERE status" in s for s in statements), statements


async def test_the_count_seeks_each_volunteers_assignments(world: World) -> None:
    """The count reads a volunteer's held assignments in their index alone: never every
    assignment of every community, and no date of the meetings' table."""
    await held_weeks(world)
    statements = await shown_statements(world)
    db = world.core.db
    assert isinstance(db, Database)
    explain = sqlite3.connect(db.path)
    try:
        for sql in statements:
            plan = [row[3] for row in explain.execute(f"EXPLAIN QUERY PLAN {sql}")]
            scans = [step for step in plan if step.split()[:2] in (["SCAN", t] for t in TABLES)]
            assert scans == [], (sql, plan)
            if "facilitator_assignments a" in sql:
                counted = [s for s in plan if "facilitator_assignments_member" in s]
                assert counted and all("COVERING INDEX" in s for s in counted), plan
                assert "held=?" in counted[0], plan
                assert "meeting_occurrences" not in sql, sql
                searched = [step for step in plan if step.startswith("SEARCH")]
                assert len(searched) == 3, plan  # volunteers, members, the count
    finally:
        explain.close()
