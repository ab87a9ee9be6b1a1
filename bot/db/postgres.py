"""PostgreSQL (15 or newer) through an asyncpg pool: the same transactions, reads and
migrations as the SQLite :class:`~bot.db.database.Database`, on a server.

What is SQLite's own (pragmas, the page check, backups, WAL checkpoints) has nothing to
do here: the server keeps its files sound, and ``pg_dump`` backs them up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from importlib.resources.abc import Traversable
from typing import Any

import asyncpg

from bot.db.connection import Connection
from bot.db.database import DatabaseError, available_migrations, migrations_directory
from bot.db.engine import DatabaseUnavailable
from bot.db.one_trip import Body, T
from bot.db.postgres_sql import PgConnection
from bot.db.url import DatabaseUrl

log = logging.getLogger(__name__)

OLDEST_SERVER = 15
CONNECT_TIMEOUT_SECONDS = 10
POOL_SIZE = 10
#: The migrations written for PostgreSQL, beside SQLite's in the same package.
MIGRATIONS_FOLDER = "postgresql"
#: The one row that says which migrations were applied (SQLite keeps it in user_version).
_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS plc_bot_schema (version INTEGER NOT NULL)"
# Taken by every migrating process, so two starting together apply each file once.
_MIGRATION_LOCK = 0x706C63626F74  # "plcbot"
# Taken by every write transaction, whichever process runs it, until it ends.
WRITE_LOCK = 0x706C63777269  # "plcwri"
#: The server said the connection is gone (cut, shut down, restarting).
_SERVER_GONE: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)
#: Also raised by a lost socket; only counted as such when the connection is closed.
_SOCKET_GONE: tuple[type[Exception], ...] = (OSError, asyncpg.InterfaceError)


class PostgresDatabase:
    """An open PostgreSQL database. Build it with :meth:`open`; close it with :meth:`close`."""

    def __init__(self, pool: asyncpg.Pool, url: DatabaseUrl) -> None:
        self._pool = pool
        self.url = url
        # One writer at a time in this process (and WRITE_LOCK across processes), as on
        # SQLite: the services' read-then-write transactions rely on it.
        self._lock = asyncio.Lock()
        self._trace: Callable[[str], object] | None = None
        self._size = 0
        #: The server keeps its pages sound: nothing is left to check.
        self.pages_checked = True
        #: Several processes may use it: each claims the timers it fires.
        self.shared = True

    @property
    def name(self) -> str:
        return self.url.shown

    @property
    def damage(self) -> str | None:
        return None

    @classmethod
    async def open(cls, url: DatabaseUrl, *, migrate: bool = True) -> PostgresDatabase:
        """Connect (a pool), check the server's version, apply migrations."""
        try:
            pool = await asyncpg.create_pool(
                url.dsn,
                min_size=1,
                max_size=POOL_SIZE,
                timeout=CONNECT_TIMEOUT_SECONDS,
                server_settings={"application_name": "plc-bot"},
            )
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            raise DatabaseError(
                f"{url.shown}: cannot connect to PostgreSQL ({exc or type(exc).__name__}); "
                "check [database] url and that the server is running"
            ) from None
        db = cls(pool, url)
        try:
            await db._check_server()
            if migrate:
                await db.migrate()
            await db._measure()
        except asyncpg.PostgresError as exc:  # a role without the rights it needs, say
            await pool.close()
            raise DatabaseError(f"{url.shown}: {exc}") from exc
        except BaseException:
            await pool.close()
            raise
        return db

    async def _check_server(self) -> None:
        async with self._connection() as raw:
            version = raw.get_server_version()
        if version.major < OLDEST_SERVER:
            raise DatabaseError(
                f"{self.name}: PostgreSQL {version.major} is too old; "
                f"plc-bot needs PostgreSQL {OLDEST_SERVER} or newer"
            )

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection. A server that cannot be reached, or a connection lost on
        the way, is :class:`DatabaseUnavailable`; the pool drops a closed connection and
        opens a new one at the next acquire, so the engine recovers by itself."""
        try:
            raw = await self._pool.acquire()
        except (*_SERVER_GONE, *_SOCKET_GONE) as exc:
            raise self._unavailable(exc) from exc
        try:
            yield raw
        except asyncpg.InternalClientError as exc:
            # The server's goodbye (a restart) reached the idle connection as a statement
            # went out: the driver lost track of it. Never handed out again.
            _terminate(raw)
            raise self._unavailable(exc) from exc
        except (*_SERVER_GONE, *_SOCKET_GONE) as exc:
            if isinstance(exc, _SERVER_GONE) or _closed(raw):
                raise self._unavailable(exc) from exc
            raise
        finally:
            try:
                await self._pool.release(raw)
            except (*_SERVER_GONE, *_SOCKET_GONE) as exc:  # it is terminated, not reused
                log.debug("a lost connection was dropped from the pool: %s", exc)

    def _unavailable(self, exc: BaseException) -> DatabaseUnavailable:
        reason = str(exc) or type(exc).__name__
        return DatabaseUnavailable(f"{self.name}: the database cannot be reached ({reason})")

    # -- migrations ---------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._connection() as raw:
            return await _version(raw)

    async def migrate(self, directory: Traversable | None = None) -> list[str]:
        """Apply the migrations newer than the database, each in its own transaction."""
        folder = directory or migrations_directory() / MIGRATIONS_FOLDER
        migrations = available_migrations(folder)
        if not migrations:
            raise DatabaseError(
                f"no PostgreSQL migrations found in the installed package ({folder}); "
                "reinstall plc-bot"
            )
        latest = migrations[-1][0]
        applied: list[str] = []
        async with self._lock, self._connection() as raw:
            for number, file in migrations:
                async with raw.transaction():
                    await raw.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                    current = await _version(raw)
                    if current > latest:
                        raise DatabaseError(
                            f"{self.name}: the database is at schema {current}, newer than "
                            f"this plc-bot ({latest}); upgrade plc-bot"
                        )
                    if number <= current:
                        continue
                    try:
                        await raw.execute(file.read_text(encoding="utf-8"))
                    except asyncpg.PostgresError as exc:
                        raise DatabaseError(f"migration {file.name} failed: {exc}") from exc
                    await raw.execute("DELETE FROM plc_bot_schema")
                    await raw.execute("INSERT INTO plc_bot_schema (version) VALUES ($1)", number)
                log.info("applied migration %s", file.name)
                applied.append(file.name)
        return applied

    # -- transactions -------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One write transaction; commits on success, rolls back on any error.

        It holds the database's write lock to its end, so several processes write one at a
        time as one process does: every repository's read, then write (the next position,
        a counter, a check before an insert) sees the last committed write, never loses
        one. Finer locks (a community's, a row's) would need each of those reads found and
        changed; the writes are short, and SQLite has always taken them one at a time.
        """
        async with self._lock, self._connection() as raw, raw.transaction():
            await raw.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            yield PgConnection(raw, self._trace)

    async def in_one_trip(self, body: Body[T], *, durable: bool = True, linger: bool = False) -> T:
        """:meth:`transaction` around ``body``. Each statement is one trip to the server
        whatever is done; as on SQLite, a cancelled caller still gets the whole transaction.
        ``durable=False``: its commit does not wait for the server's log flush, which the
        server's WAL writer makes within a bounded time (three ``wal_writer_delay``).
        ``linger`` changes nothing here: each write is its own transaction."""

        async def whole() -> T:
            async with self.transaction() as conn:
                if not durable:
                    await conn.execute("SET LOCAL synchronous_commit = off")
                return await body(conn)

        return await asyncio.shield(asyncio.ensure_future(whole()))

    async def make_durable(self) -> None:
        """Once this returns, every commit made before the call is in the server's flushed
        log, the ``durable=False`` ones too. A commit that writes to the log and waits for
        its flush flushes everything before it: here one that writes no row, only a
        message to the log, made to wait whatever the server's default."""
        async with self._connection() as raw, raw.transaction():
            await raw.execute("SET LOCAL synchronous_commit = on")
            await raw.execute("SELECT pg_logical_emit_message(true, 'plc-bot', 'durable')")

    @asynccontextmanager
    async def read(self, *, after_writes: bool = False) -> AsyncIterator[Connection]:
        """Read committed data, on a pooled connection of its own; with ``after_writes``,
        once the writes under way in this process have ended."""
        if after_writes:
            async with self._lock:  # handed on in turn: the writes before have ended
                pass
        async with self._connection() as raw:
            yield PgConnection(raw, self._trace)

    def read_in_thread(self) -> AbstractAsyncContextManager[Connection]:
        """A read that scans: the server does the work, the loop only awaits it, so it
        is an ordinary :meth:`read`."""
        return self.read()

    async def trace(self, statements: Callable[[str], object] | None) -> None:
        """Hand every statement run from now on to ``statements`` (None: stop)."""
        self._trace = statements

    # -- what SQLite needs and a server does itself ---------------------------------

    async def mark_damaged(self, problem: str) -> bool:
        raise DatabaseError(f"{self.name}: no page check runs on PostgreSQL ({problem})")

    async def check_pages(self) -> str | None:
        return None

    async def checkpoint(self) -> bool:
        return True

    async def checkpoint_in_background(self) -> tuple[int, int]:
        """Nothing to copy on a server; measures the database's size for the status (the
        last size stays while the server is out of reach, which health reports)."""
        with suppress(DatabaseUnavailable):
            await self._measure()
        return (0, 0)

    async def _measure(self) -> None:
        async with self._connection() as raw:
            size: Any = await raw.fetchval("SELECT pg_database_size(current_database())")
        self._size = int(size or 0)

    def size_on_disk(self) -> int:
        """Bytes of the database on the server, as last measured (every 30 s)."""
        return self._size

    async def close(self) -> None:
        await self._pool.close()


def _terminate(raw: asyncpg.Connection) -> None:
    with suppress(asyncpg.InterfaceError):  # released already: closed
        raw.terminate()


def _closed(raw: asyncpg.Connection) -> bool:
    try:
        return bool(raw.is_closed())
    except asyncpg.InterfaceError:  # the pool took it back already: it closed
        return True


async def _version(raw: asyncpg.Connection) -> int:
    await raw.execute(_VERSION_TABLE)
    value: Any = await raw.fetchval("SELECT max(version) FROM plc_bot_schema")
    return int(value or 0)
