"""Keeping the bot's requests under Teams' rate limits, before Teams has to answer 429.

Microsoft documents the limits of the bot APIs ("Optimize your bot with rate limiting
and best practices in Teams", learn.microsoft.com/microsoftteams/platform/bots/how-to/
rate-limit): per bot and per conversation (a chat or a channel thread), sending,
creating a conversation and the like allow 7 operations a second, 8 in 2 seconds, 60 in
30 seconds and 1,800 an hour; the global limit per app and tenant is 50 requests a
second. The exact values may change, so a 429 is still honoured where it happens
(:mod:`teams.transport`); pacing only makes it rare.

Each request takes the next free slot: it waits until every window of its conversation
and the global window have room. Waiting uses an injected clock and sleep, so tests
move time instead of waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: (seconds, operations) per bot and per conversation, as Microsoft documents them.
CONVERSATION_LIMITS: tuple[tuple[float, int], ...] = ((1, 7), (2, 8), (30, 60), (3600, 1800))
#: Per app and tenant, every request.
GLOBAL_LIMITS: tuple[tuple[float, int], ...] = ((1, 50),)


@dataclass
class PaceClock:
    """Monotonic seconds and a way to wait (real ones unless a test gives its own)."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass
class _Window:
    limits: tuple[tuple[float, int], ...]
    stamps: deque[float] = field(default_factory=deque)
    held_until: float = 0.0

    def wait(self, now: float) -> float:
        """How long until one more operation fits every limit."""
        longest = max(seconds for seconds, _ in self.limits)
        while self.stamps and self.stamps[0] <= now - longest:
            self.stamps.popleft()
        wait = max(0.0, self.held_until - now)
        for seconds, most in self.limits:
            recent = [s for s in self.stamps if s > now - seconds]
            if len(recent) >= most:
                wait = max(wait, recent[-most] + seconds - now)
        return wait


class Pacer:
    """One per process: the next free slot for a request to a conversation."""

    def __init__(self, clock: PaceClock | None = None) -> None:
        self.clock = clock or PaceClock()
        self._global = _Window(GLOBAL_LIMITS)
        self._conversations: dict[str, _Window] = {}
        self._lock = asyncio.Lock()
        #: Every wait taken, in seconds (what tests and logs look at).
        self.waits: list[float] = []

    def _window(self, conversation: str) -> _Window:
        window = self._conversations.get(conversation)
        if window is None:
            window = self._conversations[conversation] = _Window(CONVERSATION_LIMITS)
        return window

    async def slot(self, conversation: str | None) -> None:
        """Wait for room in the global window and in ``conversation``'s, then take it."""
        while True:
            async with self._lock:
                now = self.clock.now()
                windows = [self._global]
                if conversation is not None:
                    windows.append(self._window(conversation))
                wait = max(window.wait(now) for window in windows)
                if wait <= 0:
                    for window in windows:
                        window.stamps.append(now)
                    self._forget_idle(now)
                    return
            self.waits.append(wait)
            await self.clock.sleep(wait)

    def hold(self, conversation: str | None, seconds: float) -> None:
        """Teams said 429 with ``Retry-After``: nothing goes there before it is over."""
        until = self.clock.now() + seconds
        window = self._global if conversation is None else self._window(conversation)
        window.held_until = max(window.held_until, until)

    def _forget_idle(self, now: float) -> None:
        if len(self._conversations) < 1000:
            return
        longest = max(seconds for seconds, _ in CONVERSATION_LIMITS)
        for key in [
            k
            for k, w in self._conversations.items()
            if not w.stamps or w.stamps[-1] < now - longest
        ]:
            del self._conversations[key]
