"""The bot paces its own REST requests under Discord's global limit, instead of hammering.

Discord allows a bot 50 requests per second over all routes; beyond, it answers 429
and discord.py sleeps and retries. When a thousand communities' check-ins open in the
same minute, the scheduler sends as fast as the loop turns, so about one request in
fifty came back 429 (measured by ``python -m benchmarks``: 11% of a burst). Too many
429s get a bot's IP banned for an hour (Discord's invalid-request limit).

:class:`Pacer` lets at most ``limit`` requests start in any ``period`` (with a small
margin for the time a request takes to arrive), first come first served. It is put in
front of discord.py's REST client (:func:`pace`), so every route counts, whoever
sends. Interaction responses and follow-ups don't go through that client (discord.py
sends them through its webhook adapter) and Discord does not count them: a member's
command is never queued behind a burst of reminders.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import discord

#: Discord's global limit: requests per second per bot token.
GLOBAL_LIMIT = 50
GLOBAL_PERIOD = 1.0
#: Kept between the 1st and the 51st request on top of the period: a request reaches
#: Discord a little after it leaves, and not always after the same delay.
ARRIVAL_MARGIN = 0.05


class Pacer:
    """At most ``limit`` starts in any ``period + margin`` seconds, in arrival order."""

    def __init__(
        self,
        limit: int = GLOBAL_LIMIT,
        period: float = GLOBAL_PERIOD,
        *,
        margin: float = ARRIVAL_MARGIN,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("a pacer needs limit >= 1 and period > 0")
        self.limit = limit
        self.window = period + margin
        self._monotonic = monotonic
        self._sleep = sleep
        self._started: deque[float] = deque()
        self._turn = asyncio.Lock()  # FIFO: waiters are woken in arrival order
        self.waited = 0.0
        """Seconds spent waiting for a turn, in total (for the benchmark and logs)."""

    async def turn(self) -> None:
        """Return when one more request may start now."""
        async with self._turn:
            now = self._monotonic()
            while True:
                while self._started and self._started[0] + self.window <= now:
                    self._started.popleft()
                if len(self._started) < self.limit:
                    break
                free_at = self._started[0] + self.window
                self.waited += free_at - now
                await self._sleep(free_at - now)
                # Never less than what was waited for (a clock read may round below it).
                now = max(self._monotonic(), free_at)
            self._started.append(now)


def pace(http: discord.http.HTTPClient, pacer: Pacer) -> None:
    """Make every request of discord.py's REST client wait for its turn first."""
    send = http.request

    async def paced(route: discord.http.Route, **kwargs: Any) -> Any:
        await pacer.turn()
        return await send(route, **kwargs)

    http.request = paced  # type: ignore[method-assign]
