"""One year of activity for N communities, written with direct SQL (fast, no Discord).

The database is first created by the bot's own ``Database.open`` (every migration),
then filled in one ``sqlite3`` transaction. Each community has 30 members and, for
each of the 52 past weeks: a meeting occurrence with RSVPs, its reminders (timers
and their DM deliveries), a rotation assignment, a live session with its turns,
notes, actions and ~25 posts (each a ``session_post`` timer), a check-in with its
answers, a posted anonymous question with upvotes, and audit rows. Keys and JSON
come from the bot's own helpers and models, so rows look like the bot's.

A live community also has what is pending now (its meeting's next occurrence with
its reminders, next week's check-in); the measured community gets its live state
through the real commands instead. Parts: ``spec.py`` (ids), ``rows.py`` (batched
writing, finished timers), ``weeks.py`` (one week), ``history.py`` (a year).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.db import Database

from .history import History
from .rows import Ids, Rows, instant
from .spec import (
    FIXTURE_NOW,
    MEMBERS,
    WEEKS,
    ZONE,
    CommunitySpec,
    synthetic_community,
)

__all__ = [
    "FIXTURE_NOW",
    "MEMBERS",
    "ZONE",
    "CommunitySpec",
    "FixtureStats",
    "add_communities",
    "build",
    "instant",
    "synthetic_community",
]


@dataclass(frozen=True)
class FixtureStats:
    communities: int
    rows: int
    seconds: float
    bytes: int


async def create_schema(path: Path) -> None:
    """The bot's own schema: every migration, applied by ``Database.open``."""
    db = await Database.open(path)
    await db.close()


async def build(
    path: Path, communities: Sequence[CommunitySpec], now: datetime, *, live: bool = True
) -> FixtureStats:
    """Add one year of history (ending at ``now``) for ``communities`` to ``path``
    (created with every migration if it does not exist).

    ``live``: each community also has what a running community has now (its weekly
    meeting's next occurrence with its pending reminders, next week's check-in
    opening). Without it, the history's meeting series is over and nothing is pending:
    the caller makes the live state through the real commands.
    """
    started = time.perf_counter()
    if not _exists(path):
        await create_schema(path)
    rows = _fill(path, communities, now, live)
    return FixtureStats(
        communities=len(communities),
        rows=rows,
        seconds=time.perf_counter() - started,
        bytes=_size(path),
    )


async def add_communities(
    path: Path,
    communities: Sequence[CommunitySpec],
    now: datetime,
    dm_channels: Mapping[int, int] | None = None,
) -> FixtureStats:
    """Only the communities (set up, as ``/plc setup`` leaves them) and their members,
    with the DM channels the bot already had with some of them (``dm_channels``)."""
    started = time.perf_counter()
    if not _exists(path):
        await create_schema(path)
    rows = _fill(path, communities, now, live=False, history=False, dm_channels=dm_channels)
    return FixtureStats(len(communities), rows, time.perf_counter() - started, _size(path))


def _exists(path: Path) -> bool:
    return path.exists()


def _size(path: Path) -> int:
    return path.stat().st_size


def _fill(
    path: Path,
    communities: Sequence[CommunitySpec],
    now: datetime,
    live: bool,
    history: bool = True,
    dm_channels: Mapping[int, int] | None = None,
) -> int:
    """The rows, in one transaction (no fsync: a crash here only loses the fixture)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        rows = Rows(db)
        writer = History(rows, Ids(db), now, live, dm_channels or {})
        for spec in communities:
            if history:
                writer.community(spec)
            else:
                writer.setup(spec, now - timedelta(weeks=WEEKS + 1))
        rows.flush()
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return rows.count
