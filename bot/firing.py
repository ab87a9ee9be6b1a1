"""What a timer's handler deals with: its firing (lateness, deliveries, nonces), its kind,
and the signals it may give (try again later; work a person is waiting for).

A handler may run again after a partial failure: what a firing already delivered is
recorded in ``timer_deliveries`` and skipped, and every send carries a nonce derived
from the timer and the target, so a retry never posts twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.db import Database
from bot.db import timers as timers_db
from bot.db.timers import Timer
from bot.missed import WhenMissed

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


@dataclass
class Firing:
    """What a handler gets besides the timer: lateness and delivery bookkeeping."""

    timer: Timer
    now: datetime
    lateness: timedelta
    late: bool
    """Later than ``late_note_after_minutes``: the message should say it is late."""
    _db: Database
    _delivered: dict[str, str] = field(default_factory=dict)
    _messages: dict[str, int] = field(default_factory=dict)

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
        async with self._db.transaction() as conn:
            await timers_db.record_delivery(
                conn, self.timer.id, str(target), outcome, message_id, self.now
            )
        self._delivered[str(target)] = outcome
        if message_id is not None:
            self._messages[str(target)] = message_id


Handler = Callable[[Timer, Firing], Awaitable[None]]


@dataclass(frozen=True)
class TimerKind:
    """A kind of timer and what runs it: every feature declares its kinds this way.

    ``on_missed`` is required: what happens when a timer misses its grace or fails for
    good (:class:`~bot.missed.WhenMissed`), which ``/plc status`` then says.
    """

    kind: str
    handler: Handler
    on_missed: WhenMissed
