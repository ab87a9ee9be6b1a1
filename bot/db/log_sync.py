"""Commits that did not wait for the disk, made durable within a bound.

A write that only records what was already done elsewhere (the close of a send: the
timer done, the delivery, the message id) commits with ``synchronous=NORMAL``
(``Database.in_one_trip(durable=False)``). In WAL mode such a commit survives the process
being killed; only a machine crash can lose it, and never corrupts the file. The log is
appended in order, so the next commit that waits for the disk syncs it too; failing one
within ``within`` seconds, :class:`LogSync` syncs the log itself, and again before the
database closes. A close lost to a crash all the same leaves its timer to run again,
its send carrying the same nonce, which the platform de-duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

#: How long a commit made without waiting for the disk may stay unsynced at most.
DURABLE_WITHIN_SECONDS = 1.0


class LogSync:
    """The database's write-ahead log: whether it may hold an unsynced commit, and its sync."""

    def __init__(self, database: Path, within: float = DURABLE_WITHIN_SECONDS) -> None:
        self._log = database.with_name(database.name + "-wal")
        self.within = within
        self._unsynced = False
        self._pending: asyncio.Task[None] | None = None
        self.syncs = 0
        """Syncs of the log made here (the bound, the close), for tests and measurements."""

    @property
    def unsynced(self) -> bool:
        """The log may hold a commit that did not wait for the disk, not synced since."""
        return self._unsynced

    @property
    def pending(self) -> asyncio.Task[None] | None:
        """The bound's sync, planned after a commit that did not wait for the disk."""
        return self._pending

    def committed(self, synced: bool) -> None:
        """A trip wrote: ``synced`` if its commit waited for the disk (which syncs every
        frame before it too)."""
        if synced:
            self._unsynced = False
            return
        self._unsynced = True
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._sync_after(self.within))

    async def _sync_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self.make_durable()
        except Exception:
            log.exception("could not sync the write-ahead log; the next commit will")

    async def make_durable(self) -> bool:
        """Sync the log if it may hold an unsynced commit: once this returns, that commit
        is on the disk. True if it synced."""
        if not self._unsynced:
            return False
        self._unsynced = False  # a commit from now on asks again
        try:
            await asyncio.to_thread(_fdatasync, self._log)
        except BaseException:
            self._unsynced = True
            raise
        self.syncs += 1
        return True

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
