"""The bot paces its own REST requests under Discord's global limit, instead of hammering.

Discord allows a bot 50 requests per second over all routes; beyond, it answers 429
and discord.py sleeps and retries. When a thousand communities' check-ins open in the
same minute, the scheduler sends as fast as the loop turns, so about one request in
fifty came back 429 (measured by ``python -m benchmarks``: 11% of a burst). Too many
429s get a bot's IP banned for an hour (Discord's invalid-request limit).

:class:`Pacer` lets a request start only when fewer than ``limit`` requests were
answered in the last ``period`` (plus a small margin) and none is still waiting for its
answer beyond that count, first come first served. Counting from the *answer* rather
than the start is what keeps it under Discord's count however long a request takes to
arrive: Discord counted it before it answered. Requests also keep a steady pace, one
per ``window / limit`` seconds, two at once at most (:data:`BULK_BURST`): a burst that
took a whole window's slots at once left a live session's next turn waiting for the
window to pass (~1 s under 1,000 reminders, found by ``python -m benchmarks``); spread
out, the window's slots come free one by one.

It is put in front of discord.py's REST client (:func:`pace`), so every route counts,
whoever sends. Interaction responses and follow-ups don't go through that client
(discord.py sends them through its webhook adapter) and Discord does not count them: a
member's command is never queued behind a burst of reminders. Posts that follow a
member's action (a live session's next turn) are sent from the scheduler's interactive
lane (:data:`bot.scheduler.INTERACTIVE`): they may run one step ahead of the pace, take
the next free slot before any bulk request waiting for one, and have a slot of the
window kept for them (:data:`KEPT_FOR_PRIORITY`): a burst at full pace filled every
slot, and a turn's post waited 11-35 ms for one to come free. More than one step ahead
is not theirs either: a thread's notes posted faster than the pace then filled the
window, and each waited for its end (55-138 ms at p99 in the benchmark, 10 ms paced).

Several bot processes share one token, and so one global limit: each process keeping
to 50 a second would make 100 together. They send through one REST proxy
(:mod:`cogs.rest_proxy`) that paces them all with this same :class:`Pacer`. The lane
crosses the hop as a header (:data:`LANE_HEADER`) the proxy reads and removes. Each
process keeps its own pacer too: alone (no proxy) it is what keeps the bot under the
limit, and behind a proxy it never holds a request longer than the proxy would (the
same limit, shared), while it bounds what one process puts in the proxy's queue.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord

from bot.scheduler import INTERACTIVE

#: Discord's global limit: requests per second per bot token.
GLOBAL_LIMIT = 50
GLOBAL_PERIOD = 1.0
#: On top of the period: the clocks of the bot and of Discord are not the same clock.
ARRIVAL_MARGIN = 0.02
#: How many requests may start ahead of the steady pace (one per window / limit): two
#: posts in a row go out together. More would fill the window ahead of its time and
#: leave a gap as long, where even a priority request waits.
BULK_BURST = 1
#: Slots of the window bulk requests leave free for priority ones: a burst goes at 49
#: requests a second (2% slower), a member's turn finds a slot at once.
KEPT_FOR_PRIORITY = 1

#: The header that carries the interactive lane to a REST proxy, which removes it; never
#: set when the bot talks to Discord itself.
LANE_HEADER = "X-Plc-Lane"
INTERACTIVE_LANE = "interactive"

Done = Callable[[], None]


class Pacer:
    """At most ``limit`` requests in flight or answered in the last ``period + margin``."""

    def __init__(
        self,
        limit: int = GLOBAL_LIMIT,
        period: float = GLOBAL_PERIOD,
        *,
        margin: float = ARRIVAL_MARGIN,
        kept_for_priority: int = KEPT_FOR_PRIORITY,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("a pacer needs limit >= 1 and period > 0")
        self.limit = limit
        self.window = period + margin
        self._monotonic = monotonic
        self._sleep = sleep
        self._in_flight = 0
        """Requests started and not answered yet: each holds a slot until its answer."""
        self._answers: deque[float] = deque()
        """When the requests of the last window were answered, oldest first. Kept apart
        from those in flight: a request that waits for its own route's bucket inside
        discord.py (a thread's five posts in five seconds) holds one slot, not the
        window's others behind it."""
        self._turn = asyncio.Lock()  # FIFO: waiters are woken in arrival order
        self._priority_turn = asyncio.Lock()
        self._priority_waiting = 0
        self._bulk_limit = max(1, limit - kept_for_priority)
        self._step = self.window / self._bulk_limit
        self._due = -math.inf
        """When the next request is due at the steady pace (one per ``_step``): a bulk
        request may start up to BULK_BURST steps ahead of it, a priority one one more."""
        self._answered = asyncio.Event()
        self._held_until = -math.inf
        """No request starts before then: Discord answered a global 429."""
        self.waited = 0.0
        """Seconds spent waiting for a turn, in total (for the benchmark and logs)."""

    def hold(self, seconds: float) -> None:
        """Start nothing for ``seconds``: Discord said the global limit was passed (another
        client of the same token, or clocks apart), and every request would get a 429."""
        self._held_until = max(self._held_until, self._monotonic() + seconds)

    async def turn(self, *, priority: bool = False) -> Done:
        """Return when one more request may start; call what it returns once answered.

        A ``priority`` request takes the next free slot before bulk requests waiting."""
        if priority:
            self._priority_waiting += 1
        try:
            async with self._priority_turn if priority else self._turn:
                return await self._take_slot(priority)
        finally:
            if priority:
                self._priority_waiting -= 1
                self._answered.set()  # a bulk request may have let it pass

    async def _take_slot(self, priority: bool) -> Done:
        now = self._monotonic()
        ahead = self._step * (BULK_BURST + priority)
        while True:
            while self._answers and self._answers[0] + self.window <= now:
                self._answers.popleft()
            used = self._in_flight + len(self._answers)
            free = used < (self.limit if priority else self._bulk_limit)
            paced = now >= self._due - ahead
            its_turn = priority or not self._priority_waiting
            held = now < self._held_until
            if free and paced and its_turn and not held:
                break
            started = now
            if held:
                await self._sleep(self._held_until - now)
                now = max(self._monotonic(), self._held_until)
            elif free and its_turn:  # ahead of the steady pace: wait for it
                await self._sleep(self._due - ahead - now)
                now = max(self._monotonic(), self._due - ahead)
            elif free or not self._answers:
                # A priority request goes first, or every slot is still out: an answer.
                self._answered.clear()
                await self._answered.wait()
                now = self._monotonic()
            else:
                free_at = self._answers[0] + self.window
                await self._sleep(free_at - now)
                # Never less than what was waited for (a clock read may round below it).
                now = max(self._monotonic(), free_at)
            self.waited += now - started
        self._due = max(self._due, now) + self._step
        self._in_flight += 1
        done = False

        def answered() -> None:
            nonlocal done
            if done:
                return
            done = True
            self._in_flight -= 1
            self._answers.append(self._monotonic())
            self._answered.set()

        return answered


def pace(http: discord.http.HTTPClient, pacer: Pacer, *, mark_lane: bool = True) -> None:
    """Make every request of discord.py's REST client wait for its turn first, and, with
    ``mark_lane`` (REST goes to a proxy, not to Discord itself), tell the proxy which lane
    it comes from."""
    send = http.request
    if mark_lane:
        http.http_trace = lane_marker()  # read when discord.py opens its session, at login

    async def paced(route: discord.http.Route, **kwargs: Any) -> Any:
        answered = await pacer.turn(priority=INTERACTIVE.get())
        try:
            return await send(route, **kwargs)
        finally:
            answered()

    http.request = paced  # type: ignore[method-assign]


def lane_marker() -> aiohttp.TraceConfig:
    """Marks the interactive lane's requests with :data:`LANE_HEADER`.

    discord.py builds each request's headers itself, replacing any given; aiohttp lets a
    trace change the headers of the request about to start (same task, so the lane's
    context variable is the sender's)."""
    trace = aiohttp.TraceConfig()

    async def on_start(
        _session: aiohttp.ClientSession, _ctx: Any, params: aiohttp.TraceRequestStartParams
    ) -> None:
        if INTERACTIVE.get():
            params.headers[LANE_HEADER] = INTERACTIVE_LANE

    trace.on_request_start.append(on_start)
    return trace
