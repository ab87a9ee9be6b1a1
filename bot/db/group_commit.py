"""Writes that wait for the writer at the same moment, committed together.

A small write spends most of its time in its ``COMMIT``, waiting for the disk (one
``fsync`` of the write-ahead log each). When several writes wait for the one writer at
once (members answering the same prompt as it opens, the posts that show their
answers), the first to get the writer takes every one waiting and runs them on the
database thread in one transaction, each in a savepoint of its own: one trip and one
``fsync`` for all of them. A write that fails is rolled back alone and its caller gets
its error; the others are kept. Every caller resumes only once the ``COMMIT`` that holds
its write has returned, so what a caller is told is saved is on disk. A write waiting
alone runs exactly as before, without savepoints, awaited in its caller's own task.

A write may ask not to wait for the disk (``durable=False``: bookkeeping a re-run
recovers, the close of a send): its ``COMMIT`` runs with ``synchronous=NORMAL``, set
around it in the same trip. A batch holding any other write waits for the disk. The
queue tells its owner, after each trip, whether the log may hold commits not yet synced
(``Committed``), so the owner can sync them within a bound.

Such bookkeeping, when nobody waits for it (``linger=True``: the close of a post whose
sender was answered once it was sent), waits one turn of the event loop in the queue
before it takes the writer: a write queued meanwhile (the member's next answer) takes it
into its own transaction, one trip and one commit for both, in the order they came.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.db.one_trip import Body, T, ThreadConnection, run_to_end, transaction

Outcome = tuple[bool, Any]
"""(True, the body's result) or (False, the exception it raised)."""
Committed = Callable[[bool], None]
"""Told after a trip that wrote: True if its commit waited for the disk (everything in
the log before it is synced too), False if it did not."""


@dataclass(eq=False)
class _Waiting:
    body: Body[Any]
    done: asyncio.Future[Any]
    durable: bool = True
    taken: bool = False


class GroupCommit:
    """The writer's queue: whoever gets ``lock`` first commits everything waiting."""

    def __init__(
        self,
        lock: asyncio.Lock,
        driver: aiosqlite.Connection,
        refuse: Callable[[], None],
        committed: Committed,
    ) -> None:
        self._lock = lock
        self._driver = driver
        self._refuse = refuse  # raises when nothing may be written any more
        self._committed = committed
        self._waiting: list[_Waiting] = []
        self.commits = 0
        """Transactions committed (or tried) by this queue: a measure of the grouping."""

    async def run(self, body: Body[T], *, durable: bool = True, linger: bool = False) -> T:
        mine = _Waiting(body, asyncio.get_running_loop().create_future(), durable)
        self._waiting.append(mine)
        try:
            if linger:
                await asyncio.sleep(0)  # what runs in this turn may queue a write to join
            async with self._lock:
                if self._waiting == [mine]:
                    return await self._alone(mine, body)
                if not mine.taken:
                    await self._commit_waiting()
        except BaseException:
            if mine.taken:
                mine.done.cancel()  # nobody will read what its batch did
            else:  # cancelled while it waited: it was never run
                self._waiting.remove(mine)
            raise
        result: T = await mine.done
        return result

    async def _alone(self, mine: _Waiting, body: Body[T]) -> T:
        # Nobody to answer but its caller: the trip is awaited in the caller's own task,
        # without a task of its own and the loop turns its result would take to come back.
        self._waiting = []
        mine.taken = True
        self._refuse()
        self.commits += 1
        [(ok, value)] = await self._run([body], mine.durable)
        if not ok:
            raise value
        result: T = value
        return result

    async def _commit_waiting(self) -> None:
        batch, self._waiting = self._waiting, []
        for waiting in batch:
            waiting.taken = True
        try:
            self._refuse()
            self.commits += 1
            # Its own task: the callers of the whole batch are answered even if the one
            # running it is cancelled meanwhile.
            durable = any(waiting.durable for waiting in batch)
            trip = asyncio.ensure_future(self._run([waiting.body for waiting in batch], durable))
        except Exception as exc:  # refused: each caller gets why
            _settle(batch, [(False, exc)] * len(batch))
            return
        trip.add_done_callback(lambda done: _settle(batch, _outcomes(done, len(batch))))
        await asyncio.wait({trip})

    async def _run(self, bodies: list[Body[Any]], durable: bool) -> list[Outcome]:
        # The driver's own thread and connection: statements stay in their one queue.
        done: list[Outcome]
        done, changed = await self._driver._execute(  # type: ignore[no-untyped-call]
            committing, self._driver._conn, bodies, durable
        )
        kept = [ok for ok, _ in done]
        if changed and durable and all(kept):
            # Rows changed and none rolled back to a savepoint: the commit wrote to the
            # log, and a commit that writes with FULL syncs the whole log.
            self._committed(True)
        elif changed and not durable and any(kept):
            self._committed(False)
        return done


def _outcomes(trip: asyncio.Future[list[Outcome]], count: int) -> list[Outcome]:
    if trip.cancelled():
        return [(False, asyncio.CancelledError())] * count
    failed = trip.exception()
    if failed is not None:
        return [(False, failed)] * count
    return trip.result()


def _settle(batch: list[_Waiting], outcomes: list[Outcome]) -> None:
    for waiting, (ok, value) in zip(batch, outcomes, strict=True):
        if waiting.done.done():  # its caller was cancelled
            continue
        if ok:
            waiting.done.set_result(value)
        else:
            waiting.done.set_exception(value)


def committing(
    raw: sqlite3.Connection, bodies: list[Body[Any]], durable: bool
) -> tuple[list[Outcome], bool]:
    """:func:`transactions`, its ``COMMIT`` waiting for the disk only if ``durable``; and
    whether any row changed. Runs on the database thread."""
    changes = raw.total_changes
    if durable:
        return transactions(raw, bodies), raw.total_changes != changes
    # SQLite refuses to change it inside a transaction: set before BEGIN, reset after.
    raw.execute("PRAGMA synchronous=NORMAL")
    try:
        outcomes = transactions(raw, bodies)
    finally:
        raw.execute("PRAGMA synchronous=FULL")
    return outcomes, raw.total_changes != changes


def transactions(raw: sqlite3.Connection, bodies: list[Body[Any]]) -> list[Outcome]:
    """Run ``bodies`` in one transaction on the database thread, each in a savepoint; what
    each returned or raised. An error that ends the whole transaction (the commit, the
    disk) is raised: none of them was kept."""
    if len(bodies) == 1:
        try:
            return [(True, transaction(raw, bodies[0]))]
        except Exception as exc:
            return [(False, exc)]
    raw.execute("BEGIN IMMEDIATE")
    try:
        outcomes = [_in_savepoint(raw, body) for body in bodies]
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.rollback()
        raise
    return outcomes


def _in_savepoint(raw: sqlite3.Connection, body: Body[Any]) -> Outcome:
    raw.execute("SAVEPOINT one_write")
    try:
        result = run_to_end(body(ThreadConnection(raw)))
    except Exception as exc:
        if not raw.in_transaction:
            # SQLite ended the whole transaction (an OR ROLLBACK conflict, a full disk):
            # the writes before this one went with it.
            raise
        raw.execute("ROLLBACK TO one_write")
        raw.execute("RELEASE one_write")
        return (False, exc)
    raw.execute("RELEASE one_write")
    return (True, result)
