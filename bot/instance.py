"""One bot per SQLite database: an exclusive lock file beside it, and the record of its
last clean stop, which lets the next start leave the page check for after ready.

:func:`owned_database` is how a process that writes opens the database: the lock, the
page check the last stop calls for, and on closing, the clean-stop record.
:func:`owned` opens whichever engine ``[database]`` names. A PostgreSQL server keeps its
own pages sound and needs neither the lock file nor the record, and several processes
may share it: each claims the timers it fires (:mod:`bot.leases`) and the shards it
serves (:mod:`bot.shards`), and their writes take the database's write lock.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType

from bot.db.database import Database, DatabaseError
from bot.db.engine import Engine, open_database
from bot.db.url import DatabaseUrl

log = logging.getLogger(__name__)


class AlreadyRunning(Exception):
    pass


class InstanceLock:
    """``flock`` on ``<database>.lock``; released by the kernel even if the process dies."""

    def __init__(self, database_path: Path) -> None:
        self.path = Path(f"{database_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"another plc-bot is already running on {self.path.with_suffix('')} "
                f"(lock file {self.path}); stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def lock_holder(database_path: Path) -> int | None:
    """The pid of the plc-bot running on this database, or None if none is.

    Takes a shared lock for an instant to find out (flock has no "test" call), so a
    bot starting in that same microsecond would see it as busy; ``plc-bot health``
    without a health port is the only caller.
    """
    path = Path(f"{database_path}.lock")
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 32).decode(errors="replace").strip()
            return int(text) if text.isdigit() else 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class CleanStop:
    """``<database>.clean-stop``: the database file as the last clean stop left it.

    Written once the bot has closed the database itself; removed as the next start
    begins, so a crash or a kill leaves none behind. It lives beside the database, not
    in it, so a damaged or replaced file cannot vouch for itself.
    """

    def __init__(self, database_path: Path) -> None:
        self.database_path = Path(database_path)
        self.path = Path(f"{database_path}.clean-stop")

    def take(self) -> str | None:
        """Remove the record. Why every page must be checked now, or None when the file
        is exactly as the last clean stop left it."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return "no clean stop was recorded (a first start, a crash or a kill)"
        except OSError:
            text = ""
        _remove_durably(self.path)
        try:
            recorded = json.loads(text)
        except ValueError:
            return "the clean-stop record is unreadable"
        if recorded != _stamp(self.database_path):
            return "the file changed since the last clean stop"
        return None

    def write(self) -> None:
        """Record the file as it is now (it must be closed)."""
        stamp = _stamp(self.database_path)
        if stamp is None:
            return
        partial = self.path.with_name(self.path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(stamp).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, self.path)
        _sync_folder(self.path.parent)


def _stamp(database_path: Path) -> dict[str, int] | None:
    """What tells a file changed: its size, modification time and inode (a replaced
    file is a new inode)."""
    try:
        found = database_path.stat()
    except FileNotFoundError:
        return None
    return {"size": found.st_size, "mtime_ns": found.st_mtime_ns, "inode": found.st_ino}


def _remove_durably(path: Path) -> None:
    """Gone on disk before the database is opened, so a kill from now on leaves no record."""
    try:
        path.unlink(missing_ok=True)
        _sync_folder(path.parent)
    except OSError as exc:
        raise DatabaseError(
            f"cannot remove {path} ({exc.strerror or exc}); the database's folder must be "
            "writable by the bot"
        ) from None


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@asynccontextmanager
async def owned_database(
    path: Path, *, migrate: bool = True, always_check: bool = False
) -> AsyncIterator[Database]:
    """The database, for this process alone, checked as its last stop calls for.

    Every page is checked before it opens after a crash or a kill, or when the file
    changed since the last clean stop; otherwise ``db.pages_checked`` is False and the
    caller runs :meth:`Database.check_pages` once ready. Closing it records a clean
    stop, unless the file was found damaged meanwhile.
    """
    with InstanceLock(path):
        record = CleanStop(path)
        why = record.take()
        check = why is not None or always_check
        if check:
            log.info("checking every page of %s before using it: %s", path, why or "always here")
        else:
            log.info("%s is as the last clean stop left it; its pages are checked later", path)
        db = await Database.open(path, migrate=migrate, check_pages=check)
        try:
            yield db
        finally:
            await db.close()
            if db.damage is None:
                _record(record)
            else:
                log.warning("no clean stop recorded: the next start checks every page")


def _record(record: CleanStop) -> None:
    try:
        record.write()
    except OSError as exc:  # the next start checks every page, slower but sound
        log.warning("could not record the clean stop in %s: %s", record.path, exc)


@asynccontextmanager
async def owned(
    where: DatabaseUrl, *, migrate: bool = True, always_check: bool = False
) -> AsyncIterator[Engine]:
    """The database ``[database]`` names, opened for a process that writes: an SQLite file
    through :func:`owned_database`, a PostgreSQL database directly (other processes may
    have it open too)."""
    if where.path is not None:
        async with owned_database(where.path, migrate=migrate, always_check=always_check) as db:
            yield db
        return
    server = await open_database(where, migrate=migrate)
    try:
        yield server
    finally:
        await server.close()
