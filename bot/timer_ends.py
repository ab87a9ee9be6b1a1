"""How a fired timer ends when it does not end well: missed (past its grace), or failed
(retried with a growing delay, and given up after :data:`MAX_ATTEMPTS` unless the cause
is a passing outage). Either way, what its kind declared for a missed timer
(:class:`~bot.missed.WhenMissed`) then runs, and how that went is recorded for
``/plc status``."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.db import timers as timers_db
from bot.db.engine import DatabaseUnavailable, Engine
from bot.db.timers import Timer
from bot.firing import RetryLater
from bot.missed import MISSED_TARGET, MissedResult, WhenMissed

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


async def missed(db: Engine, declared: WhenMissed, timer: Timer, now: datetime) -> int:
    """Close ``timer`` as missed (1), unless something closed it meanwhile (0)."""
    lateness = now - timer.due_at
    note = f"missed by {int(lateness.total_seconds() // 60)} min (grace exceeded)"
    async with db.transaction() as conn:
        closed = await timers_db.finish(conn, timer.id, "missed", now, late=True, note=note)
    if closed:
        log.warning("timer %s (%s %s) %s", timer.id, timer.kind, timer.key, note)
        await after_miss(db, declared, timer, now)
    return int(closed)


async def failed_attempt(
    db: Engine, declared: WhenMissed, timer: Timer, now: datetime, exc: Exception
) -> int:
    """Record a failed run: retried later, or failed for good (1) after its last attempt."""
    note = f"{type(exc).__name__}: {exc}"[:300]
    backoff = timedelta(seconds=min(30 * 2**timer.attempts, 1800))
    async with db.transaction() as conn:
        attempts = await timers_db.record_failure(conn, timer.id, now + backoff, note)
        # A passing outage (Discord's, the database's) never fails the timer for good.
        passing = isinstance(exc, RetryLater | DatabaseUnavailable)
        gave_up = attempts >= MAX_ATTEMPTS and not passing
        if gave_up:
            await timers_db.finish(conn, timer.id, "failed", now, note=note)
    if passing:
        log.warning("timer %s (%s) will retry: %s", timer.id, timer.kind, note)
    else:
        log.error("timer %s (%s) failed (attempt %s)", timer.id, timer.kind, attempts, exc_info=exc)
    if gave_up:
        await after_miss(db, declared, timer, now)
    return int(gave_up)


async def after_miss(db: Engine, declared: WhenMissed, timer: Timer, now: datetime) -> None:
    """Do what the kind declared for a missed timer and record how it went, so
    ``/plc status`` says what really happened."""
    result: MissedResult = "done"
    if declared.handler is not None:
        try:
            result = await declared.handler(timer)
        except Exception:
            log.exception("the missed path of timer %s failed", timer.id)
            result = "undone"
    async with db.transaction() as conn:
        await timers_db.record_delivery(conn, timer.id, MISSED_TARGET, result, None, now)
