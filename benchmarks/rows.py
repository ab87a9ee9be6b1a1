"""Writing rows fast: batched ``executemany`` per table, ids handed out in order, and
the rows every part of the history shares (finished timers and their deliveries)."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.db.codec import instant_to_db

from .spec import SYNTHETIC_BASE


class Ids:
    """Row ids handed out by the fixture (tables with INTEGER PRIMARY KEY), after the
    ones already in the file, so a community can be added to a built history."""

    TABLES = (
        "timers",
        "meetings",
        "meeting_occurrences",
        "checkin_schedules",
        "checkins",
        "checkin_answers",
        "goals",
        "questions",
        "sessions",
        "action_items",
    )

    def __init__(self, db: sqlite3.Connection) -> None:
        self._next: dict[str, int] = {}
        for table in self.TABLES:
            (highest,) = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
            self._next[table] = highest + 1

    def take(self, table: str) -> int:
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


class Rows:
    """Rows per table, flushed with ``executemany`` in batches."""

    BATCH = 50_000

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._rows: dict[str, list[tuple[Any, ...]]] = {}
        self._sql: dict[tuple[str, str], str] = {}
        self.count = 0

    def add(self, table: str, columns: str, row: tuple[Any, ...]) -> None:
        sql = self._sql.get((table, columns))
        if sql is None:
            marks = ", ".join("?" * len(row))
            sql = self._sql[table, columns] = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        batch = self._rows.setdefault(sql, [])
        batch.append(row)
        self.count += 1
        if len(batch) >= self.BATCH:
            self._db.executemany(sql, batch)
            batch.clear()

    def flush(self) -> None:
        for sql, rows in self._rows.items():
            if rows:
                self._db.executemany(sql, rows)
                rows.clear()


@functools.lru_cache(maxsize=65_536)
def _at(value: datetime) -> str:
    # Every community shares the same calendar, so instants repeat: format each once.
    return instant_to_db(value)


def instant(value: datetime) -> str:
    """An instant as the bot stores it."""
    return _at(value)


def as_json(value: Any) -> str:
    if not value:
        return "{}"
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


class Writer:
    """Adds rows; knows how the bot stores a finished timer and what it delivered."""

    def __init__(
        self, rows: Rows, ids: Ids, now: datetime, live: bool, dm_channels: Mapping[int, int]
    ) -> None:
        self.rows, self.ids, self.now, self.live = rows, ids, now, live
        self.dm_channels = dm_channels

    def add(self, table: str, columns: str, *row: Any) -> None:
        self.rows.add(table, columns, row)

    def message_id(self) -> int:
        """A Discord message (or event, or thread) id the bot would have stored."""
        return self.ids.take("messages") + SYNTHETIC_BASE * 10

    def timer(self, guild: int, kind: str, key: str, due: datetime, payload: dict[str, Any]) -> int:
        timer_id = self.ids.take("timers")
        self.add(
            "timers",
            "id, guild_id, kind, key, due_at, payload, status, created_at, finished_at",
            timer_id,
            guild,
            kind,
            key,
            _at(due),
            as_json(payload),
            "done",
            _at(due - timedelta(days=7)),
            _at(due + timedelta(seconds=1)),
        )
        return timer_id

    def delivery(self, timer_id: int, target: str, at: datetime) -> None:
        message_id = self.message_id()
        self.add(
            "timer_deliveries",
            "timer_id, target, outcome, message_id, at",
            timer_id,
            target,
            "sent",
            message_id,
            _at(at),
        )

    def pending_timer(
        self, guild: int, kind: str, key: str, due: datetime, payload: dict[str, Any]
    ) -> None:
        self.add(
            "timers",
            "id, guild_id, kind, key, due_at, payload, created_at",
            self.ids.take("timers"),
            guild,
            kind,
            key,
            _at(due),
            as_json(payload),
            _at(self.now - timedelta(days=4)),
        )
