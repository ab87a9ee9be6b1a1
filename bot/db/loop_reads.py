"""Reads served on the event loop's own thread, from read-only connections.

A trip to aiosqlite's thread and back costs ~0.1 ms on a busy machine, far more than
SQLite's own work on a small indexed read, and a command reads a few times. In WAL mode
a reader never waits for the writer (and the bot's checkpoints are PASSIVE), so a read
runs at once on the loop's thread: each :meth:`Readers.snapshot` is one read transaction,
which sees every write committed before it began and nothing of one under way.

The connections are opened read-only: a read can never write to the file, damaged or
not. A read whose body suspends on something else keeps its connection meanwhile; a
read begun then gets another one from the pool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.db.connection import Connection
from bot.db.one_trip import ThreadConnection

#: A reader waits only while the WAL is recovered or reset: rare and short, and the loop
#: waits with it, so not for long.
BUSY_TIMEOUT_MS = 2_000
#: Connections kept for reads that overlap; more are opened when needed, then closed.
_KEPT = 4
#: A read's own brackets: no trip, no write, no lock; not what the read asked for.
_SNAPSHOT = frozenset({"BEGIN", "COMMIT"})


class Readers:
    """The read-only connections of one database file, used on the event loop's thread."""

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self._uri = f"{path.resolve().as_uri()}?mode=ro"
        self._timeout = busy_timeout_ms / 1000
        self._idle: list[sqlite3.Connection] = []
        self._trace: Callable[[str], object] | None = None
        self._closed = False

    def _connect(self) -> sqlite3.Connection:
        raw = sqlite3.connect(
            self._uri,
            uri=True,
            timeout=self._timeout,
            isolation_level=None,
            # Only ever used on the loop's thread; tests may run loops in other threads.
            check_same_thread=False,
        )
        raw.row_factory = sqlite3.Row
        raw.set_trace_callback(self._traced)
        return raw

    def _traced(self, sql: str) -> None:
        if self._trace is not None and sql not in _SNAPSHOT:
            self._trace(sql)

    def trace(self, statements: Callable[[str], object] | None) -> None:
        """Hand every statement a read runs to ``statements`` (None: stop)."""
        self._trace = statements

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction; its statements run at once, on the caller's thread."""
        if self._closed:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        raw = self._idle.pop() if self._idle else self._connect()
        try:
            raw.execute("BEGIN")
            yield ThreadConnection(raw)
        finally:
            self._give_back(raw)

    def _give_back(self, raw: sqlite3.Connection) -> None:
        try:
            if raw.in_transaction:
                raw.execute("COMMIT")
        except sqlite3.Error:
            # A read transaction holds nothing to lose; a connection in a doubtful state
            # is not kept.
            raw.close()
            return
        if self._closed or len(self._idle) >= _KEPT:
            raw.close()
        else:
            self._idle.append(raw)

    def close(self) -> None:
        self._closed = True
        while self._idle:
            self._idle.pop().close()
