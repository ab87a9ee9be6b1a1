"""The write-ahead log: commits that did not wait for the disk, made durable within a
bound; and its copy into the database file off the request path.

A write that only records what was already done elsewhere (the close of a send: the
timer done, the delivery, the message id) commits with ``synchronous=NORMAL``
(``Database.in_one_trip(durable=False)``). In WAL mode such a commit survives the process
being killed; only a machine crash can lose it, and never corrupts the file. The log is
appended in order, so the next commit that waits for the disk syncs it too; failing one
within ``within`` seconds, :class:`LogSync` syncs the log itself, and again before the
database closes. A close lost to a crash all the same leaves its timer to run again,
its send carrying the same nonce, which the platform de-duplicates. A caller that shows
what it wrote before the disk has it (a session's turn, whose next prompt is posted)
syncs right after (:meth:`LogSync.make_durable`) and says it is saved only then.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

#: How long a commit made without waiting for the disk may stay unsynced at most.
DURABLE_WITHIN_SECONDS = 1.0


class LogSync:
    """The database's write-ahead log: whether it may hold an unsynced commit, and its sync."""

    def __init__(self, database: Path, within: float = DURABLE_WITHIN_SECONDS) -> None:
        self._log = database.with_name(database.name + "-wal")
        self.within = within
        self._written = 0
        """Commits made without waiting for the disk, counted from the start."""
        self._synced = 0
        """How many of them are known to be on the disk."""
        self._syncing: asyncio.Task[None] | None = None
        self._pending: asyncio.Task[None] | None = None
        self.syncs = 0
        """Syncs of the log made here (the bound, the close, a caller), for tests and
        measurements."""

    @property
    def unsynced(self) -> bool:
        """The log may hold a commit that did not wait for the disk, not synced since."""
        return self._synced < self._written

    @property
    def pending(self) -> asyncio.Task[None] | None:
        """The bound's sync, planned after a commit that did not wait for the disk."""
        return self._pending

    def committed(self, synced: bool) -> None:
        """A trip wrote: ``synced`` if its commit waited for the disk (which syncs every
        frame before it too)."""
        if synced:
            self._synced = self._written
            return
        self._written += 1
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._sync_after(self.within))

    async def _sync_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self.make_durable()
        except Exception:
            log.exception("could not sync the write-ahead log; the next commit will")

    async def make_durable(self) -> bool:
        """Sync the log if it may hold an unsynced commit: once this returns, every commit
        made before the call is on the disk. True if it waited for a sync.

        Callers at the same moment share one sync; one that comes while a sync runs
        waits for the next, which covers what was written meanwhile."""
        target = self._written
        waited = False
        while self._synced < target:
            if self._syncing is None:
                self._syncing = asyncio.ensure_future(self._sync())
            await asyncio.shield(self._syncing)  # a caller cancelled leaves it running
            waited = True
        return waited

    async def _sync(self) -> None:
        covers = self._written  # every commit counted so far is in the log already
        try:
            await asyncio.to_thread(_fdatasync, self._log)
        finally:
            self._syncing = None
        self._synced = max(self._synced, covers)
        self.syncs += 1

    async def stop(self) -> None:
        """Before the database closes: no sync planned any more, every commit on the disk."""
        if self._pending is not None:
            self._pending.cancel()
            await asyncio.wait({self._pending})
        await self.make_durable()


def _fdatasync(path: Path) -> None:
    # fdatasync flushes the file's data whichever descriptor it is called on: every frame
    # the writer appended to the log is on the disk once it returns.
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:  # no log (checkpointed away on closing): nothing unsynced
        return
    try:
        os.fdatasync(fd)
    finally:
        os.close(fd)


def passive_checkpoint(path: Path, busy_timeout_ms: int) -> tuple[int, int]:
    """Copy what can be copied of the log into the database file, on a connection of its
    own (a worker thread's): (pages in the log, pages copied)."""
    conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000)
    try:
        conn.execute("PRAGMA synchronous=FULL")
        row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return (int(row[1]), int(row[2])) if row else (0, 0)
