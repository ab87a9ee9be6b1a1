"""A write transaction run whole on the database thread: one trip instead of one per
statement.

Each call on the aiosqlite connection is a trip to its thread and back (a thread wake-up
each way), which costs far more than SQLite's own work on a small write: an answer's
transaction of seven statements spent most of its time travelling. Here the repositories'
code runs unchanged on the database thread, against a :class:`Connection` whose calls
finish at once, so the coroutine never suspends and is driven to its end in one step.

A body may only await its connection: anything else (a lock, the network, the event
loop) would suspend it, which is refused (the transaction rolls back).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

from bot.db.connection import Connection, Cursor

T = TypeVar("T")
Body = Callable[[Connection], Coroutine[Any, Any, T]]
"""A transaction's work: reads and writes on the connection it is given, nothing else."""


class BodySuspended(RuntimeError):
    """A body run on the database thread awaited something other than its connection."""


class _DoneCursor:
    """A cursor whose rows are read on the spot (we are on the database thread)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> Iterable[Any]:
        return self._cursor.fetchall()


class ThreadConnection:
    """A :class:`Connection` used on the thread its ``sqlite3`` connection lives on: every
    call runs the statement at once (a body on the database thread; a read on the event
    loop's, ``bot/db/loop_reads.py``)."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None, /) -> Cursor:
        return _DoneCursor(self._raw.execute(sql, _values(parameters)))

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None, /
    ) -> Iterable[Any]:
        return self._raw.execute(sql, _values(parameters)).fetchall()

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]], /) -> Cursor:
        return _DoneCursor(self._raw.executemany(sql, [_values(row) for row in parameters]))


def _values(parameters: Iterable[Any] | None) -> Any:
    if parameters is None:
        return ()
    return parameters if isinstance(parameters, (tuple, list, dict)) else tuple(parameters)


def run_to_end(work: Awaitable[T]) -> T:
    """Drive ``work`` to its result without an event loop; it must never suspend."""
    coroutine = work.__await__()
    try:
        coroutine.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
    raise BodySuspended("a transaction run on the database thread awaited something else")


def transaction(raw: sqlite3.Connection, body: Body[T]) -> T:
    """``BEGIN IMMEDIATE``, the body, ``COMMIT``; a rollback on any error. Runs on the
    database thread."""
    raw.execute("BEGIN IMMEDIATE")
    try:
        result = run_to_end(body(ThreadConnection(raw)))
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.rollback()
        raise
    return result
