"""The database the core is given, whichever engine holds it, and the factory that opens
it from ``[database]``: the SQLite :class:`~bot.db.database.Database` (the embedded
default) or :class:`~bot.db.postgres.PostgresDatabase`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from importlib.resources.abc import Traversable
from typing import Protocol

from bot.db.connection import Connection
from bot.db.database import Database, DatabaseError
from bot.db.one_trip import Body, T
from bot.db.url import DatabaseUrl

log = logging.getLogger(__name__)

#: Seconds between the tries of work that cannot be asked for again (an event Discord
#: sends once): about ten minutes in all, for a server restarted or a network back.
OUTAGE_WAITS: tuple[float, ...] = (1, 2, 5, 10, 20, 30, 60, 60, 60, 60, 60, 60, 60, 60, 60)


class DatabaseUnavailable(DatabaseError):
    """The database server cannot be reached for now (restarted, connection cut, network
    down): nothing of the transaction under way was kept, and the same call works again
    once the engine reconnects, which it does by itself. A command answers "try again in
    a moment"; a timer stays due and is retried."""


class Engine(Protocol):
    """What the core, the scheduler and the services use of an open database."""

    pages_checked: bool
    shared: bool
    """Several processes may use it at once (PostgreSQL); SQLite's file serves one."""

    @property
    def name(self) -> str:
        """Where the data is, for the log (an SQLite file, a server without password)."""
        ...

    @property
    def damage(self) -> str | None: ...

    def transaction(self) -> AbstractAsyncContextManager[Connection]: ...

    def read(self, *, after_writes: bool = False) -> AbstractAsyncContextManager[Connection]:
        """Read what is committed, for a few rows by an index (``after_writes``: once this
        process's writes under way have ended)."""
        ...

    def read_in_thread(self) -> AbstractAsyncContextManager[Connection]:
        """A read that scans many rows, kept off the event loop where the engine would
        run it there."""
        ...

    async def in_one_trip(self, body: Body[T], *, durable: bool = True, linger: bool = False) -> T:
        """``body`` in one write transaction. ``durable=False``: its commit does not wait
        for the disk and is made durable within a bound (for bookkeeping a re-run
        recovers; what a member is told is saved waits for :meth:`make_durable` first).
        ``linger``: bookkeeping nobody waits for, which may share the transaction of a
        write queued in the same turn of the loop, where the engine groups writes."""
        ...

    async def make_durable(self) -> None:
        """Once this returns, every commit this process made before the call is on the
        disk, the ``durable=False`` ones too: a caller shows what it wrote before it
        is durable, and says it is saved only after."""
        ...

    async def schema_version(self) -> int: ...

    async def migrate(self, directory: Traversable | None = None) -> list[str]: ...

    async def trace(self, statements: Callable[[str], object] | None) -> None: ...

    async def mark_damaged(self, problem: str) -> bool: ...

    async def check_pages(self) -> str | None: ...

    async def checkpoint(self) -> bool: ...

    async def checkpoint_in_background(self) -> tuple[int, int]: ...

    def size_on_disk(self) -> int: ...

    async def close(self) -> None: ...


async def open_database(
    url: DatabaseUrl, *, migrate: bool = True, check_pages: bool = True
) -> Engine:
    """The database at ``url``, opened (and migrated unless ``migrate`` is False)."""
    if url.path is not None:
        return await Database.open(url.path, migrate=migrate, check_pages=check_pages)
    from bot.db.postgres import PostgresDatabase  # asyncpg only when PostgreSQL is used

    return await PostgresDatabase.open(url, migrate=migrate)


async def through_outage(
    call: Callable[[], Awaitable[T]], waits: Sequence[float] = OUTAGE_WAITS
) -> T:
    """``call``, tried again after each of ``waits`` while the database is out of reach
    (:class:`DatabaseUnavailable`); the last try's failure is raised."""
    for wait in waits:
        try:
            return await call()
        except DatabaseUnavailable as exc:
            log.warning("waiting %s s for the database to come back: %s", wait, exc)
            await asyncio.sleep(wait)
    return await call()
