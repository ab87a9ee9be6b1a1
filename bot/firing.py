"""What a timer's handler deals with: its firing (lateness, deliveries, nonces), its kind,
and the signals it may give (try again later; work a person is waiting for).

A handler may run again after a partial failure: what a firing already delivered is
recorded in ``timer_deliveries`` and skipped, and every send carries a nonce derived
from the timer and the target, so a retry never posts twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.db.engine import Engine
from bot.db.timers import Timer
from bot.missed import MissedHandler, WhenMissed

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # Discord's limit


def nonce_for(*parts: object) -> str:
    """A deterministic message nonce (≤ 25 characters) for an action and its target."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()
    return digest[:NONCE_LENGTH]


INTERACTIVE: ContextVar[bool] = ContextVar("interactive", default=False)
"""True while the bot does work a person is waiting for (:meth:`Scheduler.run_now`): a
platform serves its requests before those of bulk work (reminders, digests)."""


class RetryLater(Exception):
    """A handler hit a passing failure (Discord 5xx, rate limit): try again soon."""


class FiringLocks:
    """A lock per timer being fired, by kind and key, so the scheduler's two lanes never
    run one timer twice; each is dropped once nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, list[int]]] = {}
        self.bulk_takes = 0
        """How many timers the lanes that read what they fire (bulk, take-over) have
        taken: unchanged since a :class:`Handed` timer was planned, none of them took it."""

    @asynccontextmanager
    async def holding(self, kind: str, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault((kind, key), (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[(kind, key)]


@dataclass
class Handed:
    """A timer its planner runs itself once its transaction committed, as that
    transaction wrote it (a key never used before, no deliveries yet), so
    :meth:`~bot.scheduler.Scheduler.run_now` need not read it back: once, and only if no
    other lane may have taken it since (``bulk_takes``, :attr:`FiringLocks.bulk_takes`
    then)."""

    timer: Timer
    bulk_takes: int
    used: bool = False

    @classmethod
    def written(
        cls,
        timer_id: int,
        where: dict[str, Any],
        due_at: datetime,
        payload: dict[str, Any],
        lease: tuple[str, datetime] | None,
        takes: int,
    ) -> Handed:
        """``where``: the timer's guild_id, kind and key."""
        owner, until = lease or (None, None)
        timer = Timer.model_validate(
            {**where, "id": timer_id, "payload": payload, "status": "pending", "attempts": 0}
            | {"due_at": due_at.astimezone(UTC), "retry_at": None}
            | {"late": False, "note": None, "finished_at": None}
            | {"lease_owner": owner, "lease_until": until}
        )
        return cls(timer, takes)


async def pending(
    db: Engine, locks: FiringLocks, kind: str, key: str, handed: Handed | None
) -> tuple[Timer, timers_db.Deliveries] | None:
    """A timer to run at once, under its firing lock, and what it reached: as handed over
    if no lane that reads what it fires took one since, else as stored (None: not
    pending, run or cancelled meanwhile)."""
    if handed is not None and not handed.used and locks.bulk_takes == handed.bulk_takes:
        handed.used = True  # a second run of it reads what the first left
        return handed.timer, {}
    async with db.read() as conn:
        return await timers_db.pending_with_deliveries(conn, kind=kind, key=key)


@dataclass(frozen=True)
class HandedBack:
    """What a handler ran at once hands back to the one who ran it
    (:meth:`~bot.scheduler.Scheduler.run_now_unclosed`), before its close is written:
    what it did (for a post, the message that shows it; None: the platform refused it)."""

    value: Any = None


class InteractiveRuns:
    """The work people started that the scheduler runs at once (its interactive lane):
    how much is under way, and the closes written behind callers already answered."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing: set[asyncio.Future[bool]] = set()

    @property
    def busy(self) -> bool:
        return self._count > 0

    def begins(self) -> None:
        self._count += 1
        self._idle.clear()

    def ends(self) -> None:
        self._count -= 1
        if not self._count:
            self._idle.set()

    async def idle(self) -> None:
        await self._idle.wait()

    def behind(self, run: asyncio.Future[bool], ran: asyncio.Future[HandedBack | None]) -> None:
        """``run`` goes on after its caller is answered through ``ran``: keep it until it
        ends, then answer the caller if it was not yet, or say what went wrong after."""
        self._closing.add(run)
        run.add_done_callback(lambda done: self._settled(done, ran))

    async def closes_written(self) -> None:
        while self._closing:
            await asyncio.wait(set(self._closing))

    def _settled(self, run: asyncio.Future[bool], ran: asyncio.Future[HandedBack | None]) -> None:
        self._closing.discard(run)
        failed = None if run.cancelled() else run.exception()
        if ran.done():
            if failed is not None:  # after its caller was answered: nobody else will say it
                log.error("closing a timer run at once failed", exc_info=failed)
        elif run.cancelled():
            ran.cancel()
        elif failed is not None:
            ran.set_exception(failed)
        else:
            ran.set_result(None)  # it did not run to its end: not pending, or failed


AfterClose = Callable[[], Awaitable[None]]
"""What to do once the timer's closing transaction committed."""
CloseWrite = Callable[[Connection], Awaitable[AfterClose | None]]
"""A write that goes into the transaction closing the timer. It awaits only its
connection: the close runs whole on the database thread (``Database.in_one_trip``);
anything else to do goes in what it returns."""


@dataclass
class Firing:
    """What a handler gets besides the timer: lateness and delivery bookkeeping."""

    timer: Timer
    now: datetime
    lateness: timedelta
    late: bool
    """Later than ``late_note_after_minutes``: the message should say it is late."""
    _db: Engine
    _delivered: dict[str, str] = field(default_factory=dict)
    _messages: dict[str, int] = field(default_factory=dict)
    _at_close: list[CloseWrite] = field(default_factory=list)
    _records_at_close: bool = False
    handed_back: HandedBack = HandedBack()
    """What the handler handed back (:meth:`hand_back`)."""

    def hand_back(self, value: object) -> None:
        """Tell whoever ran this timer at once what the handler did (the message it
        posted), without waiting for the close."""
        self.handed_back = HandedBack(value)

    def nonce(self, target: object) -> str:
        return nonce_for(self.timer.kind, self.timer.key, target)

    def already_delivered(self, target: object) -> bool:
        return str(target) in self._delivered

    def outcome(self, target: object) -> str | None:
        return self._delivered.get(str(target))

    def message_id(self, target: object) -> int | None:
        """The message this firing (or an earlier try of it) left for ``target``."""
        return self._messages.get(str(target))

    async def delivered(
        self, target: object, outcome: str = "sent", message_id: int | None = None
    ) -> None:
        """Record that ``target`` was reached, so a re-run skips it."""
        if self._records_at_close:
            self.at_close(_record(self.timer.id, str(target), outcome, message_id, self.now))
        else:
            async with self._db.transaction() as conn:
                await timers_db.record_delivery(
                    conn, self.timer.id, str(target), outcome, message_id, self.now
                )
        self._delivered[str(target)] = outcome
        if message_id is not None:
            self._messages[str(target)] = message_id

    def record_at_close(self) -> None:
        """For a handler that sends one message: its delivery is recorded in the transaction
        that closes the timer, one write instead of two. A crash before that write leaves
        the timer to run again, and its send, with the same nonce, posts nothing twice; as
        a crash between the send and a record of its own would."""
        self._records_at_close = True

    def at_close(self, write: CloseWrite) -> None:
        """Have ``write`` run in the transaction that closes the timer (what the send
        changed: the message id of a post); what it returns runs once that committed."""
        self._at_close.append(write)

    async def close_writes(self, conn: Connection) -> list[AfterClose]:
        """Run the writes planned for the close (the scheduler calls this)."""
        after = []
        for write in self._at_close:
            then = await write(conn)
            if then is not None:
                after.append(then)
        return after


def _record(
    timer_id: int, target: str, outcome: str, message_id: int | None, now: datetime
) -> CloseWrite:
    async def write(conn: Connection) -> None:
        await timers_db.record_delivery(conn, timer_id, target, outcome, message_id, now)

    return write


Handler = Callable[[Timer, Firing], Awaitable[None]]


@dataclass(frozen=True)
class TimerKind:
    """A kind of timer and what runs it: every feature declares its kinds this way.

    ``on_missed`` is required: what happens when a timer misses its grace or fails for
    good (:class:`~bot.missed.WhenMissed`), which ``/plc status`` then says. Features
    declare a kind with :meth:`tell`, :meth:`run_late` or :meth:`drop`, which name that
    policy beside the kind and its handler.
    """

    kind: str
    handler: Handler
    on_missed: WhenMissed

    @classmethod
    def tell(cls, kind: str, handler: Handler, missed: MissedHandler, *, said: str) -> TimerKind:
        """A missed timer runs ``missed``, which tells the facilitators."""
        return cls(kind, handler, WhenMissed.tell(missed, said=said))

    @classmethod
    def run_late(cls, kind: str, handler: Handler, *, said: str) -> TimerKind:
        """A missed timer's own handler runs anyway, however late."""
        return cls(kind, handler, WhenMissed.run_late(said=said))

    @classmethod
    def drop(
        cls, kind: str, handler: Handler, *, said: str, cleanup: MissedHandler | None = None
    ) -> TimerKind:
        """A missed timer sends nothing; ``cleanup`` handles what the miss leaves behind."""
        return cls(kind, handler, WhenMissed.drop(said=said, cleanup=cleanup))
