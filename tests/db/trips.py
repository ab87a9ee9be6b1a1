"""Counting the trips a piece of code makes to the database thread.

Each call on an aiosqlite connection (``execute``, ``execute_fetchall``, a cursor's
``fetchone``…) is one trip to its thread and back, which costs far more than SQLite's
own work on a small read. :class:`Trips` wraps a real connection and counts them, so
a test can hold a read or a write to the trips it needs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from bot.db import Database
from bot.db.connection import Connection, Cursor
from bot.db.engine import Engine


class _CountedCursor:
    """The real cursor, its fetches counted (``rowcount`` and ``lastrowid`` are read
    without a trip: they come through as they are)."""

    def __init__(self, cursor: Cursor, trips: Trips) -> None:
        self._cursor = cursor
        self._trips = trips

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    async def fetchone(self) -> Any:
        self._trips.count += 1
        return await self._cursor.fetchone()

    async def fetchall(self) -> Iterable[Any]:
        self._trips.count += 1
        return await self._cursor.fetchall()


class Trips:
    """A :class:`Connection` that counts its trips and the statements it ran."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.count = 0
        self.statements: list[str] = []

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None, /) -> Cursor:
        self.count += 1
        self.statements.append(sql)
        return _CountedCursor(await self._conn.execute(sql, parameters), self)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]], /) -> Cursor:
        self.count += 1
        self.statements.append(sql)
        return _CountedCursor(await self._conn.executemany(sql, parameters), self)

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None, /
    ) -> Iterable[Any]:
        self.count += 1
        self.statements.append(sql)
        return await self._conn.execute_fetchall(sql, parameters)


class ThreadTrips:
    """Every trip to a :class:`Database`'s thread, whoever makes it (a transaction's
    ``BEGIN`` and ``COMMIT`` included): the driver's one way there is spied on."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        self._driver = db._conn
        self._go = db._conn._execute

    async def _counted(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return await self._go(fn, *args, **kwargs)

    def __enter__(self) -> ThreadTrips:
        self._driver._execute = self._counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self._driver._execute


@asynccontextmanager
async def traced(db: Engine) -> AsyncIterator[list[str]]:
    """Every statement ``db`` runs inside the block, in order, on either engine."""
    statements: list[str] = []
    await db.trace(statements.append)
    try:
        yield statements
    finally:
        await db.trace(None)
