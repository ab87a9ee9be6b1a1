"""The one place where the bot reads the time.

Everything else receives a :class:`Clock` and asks it for ``now()``, so tests and
the playground can move time without patching ``datetime``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

_Listener = Callable[[], Awaitable[None]]


class Clock(Protocol):
    """Something that tells the current instant, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ControlledClock:
    """A clock that stands still until told to move (tests, the playground).

    Listeners registered with :meth:`on_change` are awaited after every move, which
    is how the scheduler runs what became due without anyone sleeping.
    """

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("ControlledClock needs an aware datetime")
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._listeners: list[_Listener] = []

    def now(self) -> datetime:
        return self._now

    def on_change(self, listener: _Listener) -> None:
        self._listeners.append(listener)

    async def advance(self, delta: timedelta) -> None:
        await self.set(self._now + delta)

    async def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (forwards or backwards) and notify the listeners."""
        if instant.tzinfo is None:
            raise ValueError("ControlledClock needs an aware datetime")
        self._now = instant.astimezone(UTC)
        for listener in list(self._listeners):
            await listener()
