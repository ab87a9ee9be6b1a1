"""The database interface the repositories and services are written against.

Services and repositories name :class:`Connection` and :class:`Row`, never a driver's
types: the SQLite driver (aiosqlite) satisfies these protocols, and so does PostgreSQL's
adapter (:class:`bot.db.postgres_sql.PgConnection`, on asyncpg), without touching a service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, Protocol


class Row(Protocol):
    """A result row, read by column name or position."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    async def fetchone(self) -> Any: ...

    async def fetchall(self) -> Iterable[Any]: ...


class Connection(Protocol):
    """One transaction's view of the database (from ``Database.transaction/read``).

    Each call is one trip to the driver's thread and back (aiosqlite: ~0.1 ms on a
    shared 2-core machine, far more than SQLite's own work on a small read), so a read
    is one :meth:`execute_fetchall`, never ``execute`` then ``fetchone``. A write that
    only awaits its connection runs whole in one trip (``Database.in_one_trip``), where
    every call finishes at once.
    """

    def execute(
        self, sql: str, parameters: Iterable[Any] | None = None, /
    ) -> Awaitable[Cursor]: ...

    def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None, /
    ) -> Awaitable[Iterable[Any]]:
        """Run ``sql`` and return all its rows, in one trip."""
        ...

    def executemany(
        self, sql: str, parameters: Iterable[Iterable[Any]], /
    ) -> Awaitable[Cursor]: ...
