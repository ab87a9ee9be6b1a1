"""The one SQLite connection: pragmas, migrations, transactions, backups, the page check.

Writers are serialized by one lock and every write runs inside ``BEGIN IMMEDIATE``
… ``COMMIT`` (two interleaved transactions on one aiosqlite connection would commit each
other's half-done work).

Once the file is known damaged (:meth:`Database.mark_damaged`), every write path
refuses with :class:`DatabaseDamaged` and closing leaves the file as it is.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import aiosqlite

from bot.db.connection import Connection
from bot.db.group_commit import GroupCommit
from bot.db.log_sync import LogSync, passive_checkpoint
from bot.db.loop_reads import Readers
from bot.db.one_trip import Body, T
from bot.db.pages import PageCheck, read_only, verdict

log = logging.getLogger(__name__)

# The repository's top-level migrations/ folder, shipped as this package (setup.py).
MIGRATIONS_PACKAGE = "bot.migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 10_000

# Set on every connect, then read back: a pragma that silently did not take
# (a read-only file system refusing WAL, say) stops start-up.
_PRAGMAS: tuple[tuple[str, str, object], ...] = (
    ("journal_mode", "WAL", "wal"),
    ("synchronous", "FULL", 2),
    ("foreign_keys", "ON", 1),
    ("busy_timeout", str(BUSY_TIMEOUT_MS), BUSY_TIMEOUT_MS),
    ("secure_delete", "ON", 1),
    # No checkpoint inside a member's COMMIT: on a big file it stalled that command for
    # 100+ ms (python -m benchmarks). The bot checkpoints from another connection, in a
    # worker thread, every WAL_CHECKPOINT_SECONDS (checkpoint_in_background).
    ("wal_autocheckpoint", "0", 0),
)
#: How often the running bot copies the WAL back into the database file.
WAL_CHECKPOINT_SECONDS = 30
#: What an operator does about a damaged file (the README's section).
RESTORE_ADVICE = "restore the latest backup (see README, Operations: Backup and restore)"


class DatabaseError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


class DatabaseDamaged(DatabaseError):
    """The file failed its page check while the bot ran: nothing more is written to it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: the database is damaged ({problem}); {RESTORE_ADVICE}")
        self.problem = problem


class Database:
    """An open database. Build it with :meth:`open`; close it with :meth:`close`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._readers = Readers(path)
        self._lock = asyncio.Lock()
        self.log = LogSync(path)  # the commits made without waiting for the disk
        self._writes = GroupCommit(self._lock, conn, self._refuse_if_damaged, self.log.committed)
        self._checkpointing = asyncio.Lock()
        self._damage: str | None = None
        self.pages_checked = False  # every page checked at opening (or there was no file)
        self.shared = False  # one process only (the instance lock): timers are never claimed

    @property
    def name(self) -> str:
        """The file, for the log."""
        return str(self.path)

    @classmethod
    async def open(cls, path: Path, *, migrate: bool = True, check_pages: bool = True) -> Database:
        """Connect, check the file, set and verify the pragmas, apply migrations.

        ``check_pages=False`` leaves the page check (``PRAGMA quick_check``, every page
        of the file: seconds on a big one) to :meth:`check_pages`, run later.
        """
        path = Path(path)
        if path.exists() and not path.is_file():
            raise DatabaseError(f"{path}: not a file; set [database] path to a file")
        if not path.parent.exists():
            raise DatabaseError(f"{path}: folder {path.parent} does not exist")
        existed = path.exists() and path.stat().st_size > 0
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(f"{path}: cannot open the database: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await db._configure(existed and check_pages)
            db.pages_checked = check_pages or not existed
            if migrate:
                await db.migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self, check_pages: bool) -> None:
        try:
            if check_pages:
                problem = verdict(await self._conn.execute_fetchall("PRAGMA quick_check"))
                if problem is not None:
                    raise DatabaseError(
                        f"{self.path}: the database is damaged ({problem}); {RESTORE_ADVICE}"
                    )
            for name, value, _ in _PRAGMAS:
                await self._conn.execute(f"PRAGMA {name}={value}")
            for name, _, expected in _PRAGMAS:
                row = await (await self._conn.execute(f"PRAGMA {name}")).fetchone()
                actual = row[0] if row else None
                if actual != expected:
                    raise DatabaseError(
                        f"{self.path}: PRAGMA {name} is {actual!r}, expected {expected!r}"
                    )
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(
                f"{self.path}: not a usable SQLite database ({exc}); "
                "restore the latest backup or point [database] path elsewhere"
            ) from exc

    async def pragmas(self) -> dict[str, object]:
        """The pragmas as SQLite reports them now (for /plc status and tests)."""
        result: dict[str, object] = {}
        async with self._lock:
            for name, _, _ in _PRAGMAS:
                row = await (await self._conn.execute(f"PRAGMA {name}")).fetchone()
                result[name] = row[0] if row else None
        return result

    # -- migrations ---------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await (await self._conn.execute("PRAGMA user_version")).fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, directory: Traversable | None = None) -> list[str]:
        """Apply the migrations newer than the database, each in its own transaction."""
        migrations = available_migrations(directory)
        if not migrations:
            # Never "up to date": an install that lost its SQL files must not
            # leave an empty database behind and crash later on a missing table.
            where = MIGRATIONS_PACKAGE if directory is None else directory
            raise DatabaseError(
                f"no migrations found in the installed package ({where}); reinstall plc-bot"
            )
        latest = migrations[-1][0]
        applied: list[str] = []
        async with self._lock:
            self._refuse_if_damaged()
            current = await self.schema_version()
            if current > latest:
                raise DatabaseError(
                    f"{self.path}: the database is at schema {current}, newer than this "
                    f"plc-bot ({latest}); upgrade plc-bot or restore an older backup"
                )
            for number, file in migrations:
                if number <= current:
                    continue
                script = file.read_text(encoding="utf-8")
                # executescript() commits any open transaction first, so the
                # transaction and the version bump live inside the script itself.
                try:
                    await self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                    )
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        await self._conn.rollback()
                    raise DatabaseError(f"migration {file.name} failed: {exc}") from exc
                log.info("applied migration %s", file.name)
                applied.append(file.name)
        return applied

    # -- transactions -------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One write transaction; commits on success, rolls back on any error. Refused
        with :class:`DatabaseDamaged` once the file is known damaged."""
        async with self._lock:
            self._refuse_if_damaged()
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                try:
                    await self._conn.commit()
                except BaseException:
                    await self._conn.rollback()
                    raise

    async def in_one_trip(self, body: Body[T], *, durable: bool = True, linger: bool = False) -> T:
        """:meth:`transaction` for a ``body`` that only awaits its connection: run whole on
        the database thread, one trip there and back instead of one per statement; bodies
        waiting at the same moment share one transaction and its commit (``group_commit``).
        ``durable=False``: a commit not waited for on the disk, synced soon (``log_sync``);
        with ``linger``, it first waits a turn of the loop for a write to share its trip.

        Refused with :class:`DatabaseDamaged` once the file is known damaged; a body that
        awaits anything else is rolled back with :class:`~bot.db.one_trip.BodySuspended`.
        """
        return await self._writes.run(body, durable=durable, linger=linger)

    async def make_durable(self) -> None:
        """Every commit made before the call, ``durable=False`` ones too, is on the disk
        once this returns (one sync of the log, shared by callers at once)."""
        await self.log.make_durable()

    @asynccontextmanager
    async def read(self, *, after_writes: bool = False) -> AsyncIterator[Connection]:
        """Read what is committed, at once on the event loop's thread, for a few rows by
        an index (``bot/db/loop_reads.py``); a read that scans uses :meth:`read_in_thread`.

        Never waits for a write under way, unless ``after_writes``."""
        if after_writes:
            async with self._lock:  # handed on in turn: the writes before have ended
                pass
        with self._readers.snapshot() as conn:
            yield conn

    @asynccontextmanager
    async def read_in_thread(self) -> AsyncIterator[Connection]:
        """Read on the database thread, for reads that scan many rows: the loop serves
        other commands meanwhile. Waits for a write in progress."""
        async with self._lock:
            yield self._conn

    async def trace(self, statements: Callable[[str], object] | None) -> None:
        """Hand every statement run from now on to ``statements`` (None: stop); for tests
        and measurements that hold a piece of work to the statements it needs."""
        self._readers.trace(statements)
        await self._conn.set_trace_callback(statements)  # type: ignore[arg-type] # None stops

    # -- damage -------------------------------------------------------------------

    @property
    def damage(self) -> str | None:
        """What the page check found wrong, once the file is known damaged."""
        return self._damage

    async def mark_damaged(self, problem: str) -> bool:
        """From now on nothing is written to the file: every write path refuses.

        Waits for a write or a checkpoint under way, so none lands after this returns.
        True the first time.
        """
        async with self._lock, self._checkpointing:
            if self._damage is not None:
                return False
            self._damage = problem
            return True

    def _refuse_if_damaged(self) -> None:
        if self._damage is not None:
            raise DatabaseDamaged(self.path, self._damage)

    async def check_pages(self) -> str | None:
        """``PRAGMA quick_check`` of every page (``PageCheck``: read-only, in a worker
        thread, cancellable): what is wrong, or None if the file is sound. Errors other
        than damage (the file busy, unreadable for a while) are raised."""
        check = PageCheck(self.path)
        running = asyncio.ensure_future(asyncio.to_thread(check.run))
        try:
            return await asyncio.shield(running)
        except asyncio.CancelledError:
            check.stop()
            await asyncio.wait({running})
            raise

    # -- maintenance --------------------------------------------------------------

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database, checked with ``integrity_check``."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise DatabaseError("the backup must not overwrite the live database")
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        try:
            async with aiosqlite.connect(tmp) as dest:
                async with self._lock:
                    await self._conn.backup(dest)
                row = await (await dest.execute("PRAGMA integrity_check")).fetchone()
                if row is None or row[0] != "ok":
                    raise DatabaseError(f"backup failed its integrity check: {row}")
                await dest.execute("PRAGMA journal_mode=DELETE")
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error):
                raise DatabaseError(f"{target}: cannot write the backup ({exc})") from exc
            raise
        tmp.replace(target)

    async def checkpoint(self) -> bool:
        """Copy the WAL into the database file and truncate the WAL to zero bytes.

        After an erasure (``/me delete``) the WAL still holds the pages as they were
        before; ``secure_delete`` only zeroes what is written back, and an erased member
        must leave no trace in either file.
        False if a reader kept it from completing (logged; the next one catches up).
        """
        async with self._lock:
            self._refuse_if_damaged()
            row = await (await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")).fetchone()
        done = row is not None and row[0] == 0
        if not done:
            log.warning("WAL checkpoint could not complete (busy); it will be retried")
        return done

    async def checkpoint_in_background(self) -> tuple[int, int]:
        """Copy what it can of the WAL into the database file, off the request path.

        A ``PASSIVE`` checkpoint on a connection of its own, in a worker thread: it
        takes no lock the bot's connection waits for, so commands go on meanwhile.
        Returns (pages in the WAL, pages copied).
        """
        async with self._checkpointing:
            self._refuse_if_damaged()
            return await asyncio.to_thread(passive_checkpoint, self.path, BUSY_TIMEOUT_MS)

    def size_on_disk(self) -> int:
        """Bytes of the database file and its write-ahead log."""
        total = 0
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            with suppress(FileNotFoundError):
                total += path.stat().st_size
        return total

    async def close(self) -> None:
        await self.log.stop()
        self._readers.close()
        async with self._lock:
            if self._damage is None:
                await self._conn.close()
                return
            # The last connection to close copies the WAL into the file: never into a
            # damaged one. A read-only connection open meanwhile makes this one not the
            # last, and a read-only connection never copies anything on closing.
            keeper = await asyncio.to_thread(read_only, self.path)
            try:
                await self._conn.close()
            finally:
                keeper.close()


def migrations_directory() -> Traversable:
    """The SQL files shipped with the code (``bot.migrations``)."""
    try:
        return resources.files(MIGRATIONS_PACKAGE)
    except ModuleNotFoundError:
        raise DatabaseError(
            f"no migrations found in the installed package ({MIGRATIONS_PACKAGE} is missing); "
            "reinstall plc-bot"
        ) from None


def available_migrations(directory: Traversable | None = None) -> list[tuple[int, Traversable]]:
    """``NNNN_name.sql`` files in order; an empty list if there are none."""
    folder = migrations_directory() if directory is None else directory
    found: list[tuple[int, Traversable]] = []
    if not folder.is_dir():
        return found
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    for file in files:
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise DatabaseError(f"migration file {file.name} is not named NNNN_name.sql")
        found.append((int(match.group(1)), file))
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers) or 0 in numbers:
        raise DatabaseError(f"migration numbers must be unique and start at 1, got {numbers}")
    return found
