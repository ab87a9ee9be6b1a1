"""What happens to a timer that missed its moment: every timer kind declares it.

A timer is missed when it could not run within its grace (the bot was down, the clock
jumped) or when it failed for good. Each kind says, once, which of three things then
happens, and ``/plc status`` shows that declaration's sentence for each such timer, so
what it says is what was done:

- **tell**: its handler tells the facilitators (and does what the miss leaves to do,
  such as keeping a weekly chain going);
- **run late**: the kind's own handler runs anyway, however late; it checks what still
  applies (a meeting date still ahead), so the timer is missed only if it fails for good;
- **drop**: nothing is sent, because that late it no longer matters; the sentence says
  why. An optional clean-up handles what the miss leaves behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.db.timers import Timer

MissedPolicy = Literal["tell", "run_late", "drop"]
MissedResult = Literal["done", "moot", "undone"]
"""What the missed handler did: what was declared (``done``); nothing, because the
timer no longer applied (``moot``: its meeting was cancelled, its offer answered); or
not what was declared (``undone``: no channel the bot can write in to tell anyone)."""
MissedHandler = Callable[[Timer], Awaitable[MissedResult]]
MISSED_TARGET = "on_missed"
"""The ``timer_deliveries`` target under which a missed timer's result is recorded."""


@dataclass(frozen=True)
class WhenMissed:
    """One kind's declaration; build it with :meth:`tell`, :meth:`run_late` or :meth:`drop`.

    ``said`` is the catalog key of what ``/plc status`` says about such timers: a whole
    sentence taking ``{count}``.
    """

    policy: MissedPolicy
    said: str
    handler: MissedHandler | None = None

    @classmethod
    def tell(cls, handler: MissedHandler, *, said: str) -> WhenMissed:
        return cls("tell", said, handler)

    @classmethod
    def run_late(cls, *, said: str) -> WhenMissed:
        """``said`` is then only shown for a timer that failed for good."""
        return cls("run_late", said)

    @classmethod
    def drop(cls, *, said: str, cleanup: MissedHandler | None = None) -> WhenMissed:
        return cls("drop", said, cleanup)


__all__ = [
    "MISSED_TARGET",
    "MissedHandler",
    "MissedPolicy",
    "MissedResult",
    "WhenMissed",
]
