"""Discord's rate limits, enforced by the emulator when a test asks (off by default).

Two limits, as Discord documents them
(https://discord.com/developers/docs/topics/rate-limits):

- **Global**: at most ``global_limit`` requests per second per bot token (50 on
  Discord), over any one-second window.  Beyond it: 429, body
  ``{"message": …, "retry_after": x, "global": true}``, headers ``Retry-After``,
  ``X-RateLimit-Global: true`` and ``X-RateLimit-Scope: global``.  Interaction
  callbacks and interaction webhooks are not bound to it.
- **Per route**: a bucket per route template *and* its major parameters
  (``channel_id``, ``guild_id``, or the webhook's id and token).  Each answer
  carries ``X-RateLimit-Limit``, ``-Remaining``, ``-Reset`` (epoch seconds),
  ``-Reset-After`` (seconds) and ``-Bucket`` (the same hash for every route that
  shares the limit); a request over the limit gets a 429 with
  ``{"message": …, "retry_after": x, "global": false}`` and
  ``X-RateLimit-Scope: user``.  A bucket's window opens at its first request and
  resets ``per`` seconds later, like Discord's.

Limits are configured per route template (``"POST /channels/{id}/messages"``:
parameter names don't matter), so a test can make one bucket small.  Time is
read from the emulator's wall clock (:data:`bot.emulator.state.WALL_CLOCK`), or
from the clock given, since the bot under test waits real seconds.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.clock import Clock

from .faults import normalize_template
from .state import WALL_CLOCK

RATE_LIMITED = "You are being rate limited."
#: Discord's global limit per bot token.
GLOBAL_LIMIT = 50
GLOBAL_WINDOW = 1.0
#: Path parameters that make a bucket of their own, as on Discord: the channel or the
#: guild; for a webhook its id and token (an interaction's webhook id is the
#: application's id); for an interaction callback, the interaction.
MAJOR_PARAMETERS = ("channel_id", "guild_id")
WEBHOOK_MAJOR_PARAMETERS = ("application_id", "token")
CALLBACK_MAJOR_PARAMETERS = ("interaction_id", "token")
#: Routes outside the global limit (interaction endpoints).
_GLOBAL_EXEMPT = ("/interactions/", "/webhooks/")


@dataclass(frozen=True)
class RouteLimit:
    """``limit`` requests per ``per`` seconds in one bucket."""

    limit: int
    per: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.per <= 0:
            raise ValueError(f"a rate limit needs limit >= 1 and per > 0, got {self}")


#: Limits close to those Discord announces for the routes a bot uses most; every
#: other route gets :data:`DEFAULT_ROUTE_LIMIT`.
DEFAULT_ROUTE_LIMITS: dict[str, RouteLimit] = {
    "POST /channels/{}/messages": RouteLimit(5, 5.0),
    "PATCH /channels/{}/messages/{}": RouteLimit(5, 5.0),
    "DELETE /channels/{}/messages/{}": RouteLimit(5, 1.0),
    "PUT /channels/{}/messages/{}/reactions/{}/@me": RouteLimit(1, 0.25),
    "PATCH /channels/{}": RouteLimit(2, 600.0),
    "POST /users/@me/channels": RouteLimit(5, 1.0),
    "POST /webhooks/{}/{}": RouteLimit(5, 5.0),
    "PATCH /webhooks/{}/{}/messages/{}": RouteLimit(5, 5.0),
}
DEFAULT_ROUTE_LIMIT = RouteLimit(50, 1.0)


@dataclass(frozen=True)
class Refusal:
    """A 429 to answer instead of running the request."""

    retry_after: float
    global_: bool
    headers: dict[str, str]

    def body(self) -> dict[str, object]:
        return {"message": RATE_LIMITED, "retry_after": self.retry_after, "global": self.global_}


@dataclass
class _Bucket:
    limit: RouteLimit
    opened_at: float = 0.0
    used: int = 0

    def reset_at(self) -> float:
        return self.opened_at + self.limit.per

    def refresh(self, now: float) -> None:
        if self.used and now >= self.reset_at():
            self.used = 0
        if self.used == 0:
            self.opened_at = now


@dataclass
class RateLimits:
    """What the REST pipeline asks for each request; see the module docstring.

    ``emu.rate_limits.enable()`` turns both limits on (Discord's defaults);
    ``enable(global_limit=None)`` only the per-route buckets;
    ``set_route("POST /channels/{id}/messages", limit=2, per=1.0)`` makes one small.
    """

    clock: Clock = WALL_CLOCK
    enabled: bool = False
    global_limit: int | None = GLOBAL_LIMIT
    per_route: bool = True
    default: RouteLimit = DEFAULT_ROUTE_LIMIT
    routes: dict[str, RouteLimit] = field(default_factory=lambda: dict(DEFAULT_ROUTE_LIMITS))
    _global: dict[str, deque[float]] = field(default_factory=dict)
    _buckets: dict[tuple[str, tuple[str, ...]], _Bucket] = field(default_factory=dict)

    def enable(
        self,
        *,
        global_limit: int | None = GLOBAL_LIMIT,
        per_route: bool = True,
        routes: Mapping[str, tuple[int, float] | RouteLimit] | None = None,
        default: RouteLimit | None = None,
    ) -> RateLimits:
        """Enforce the limits from now on; ``routes`` adds or overrides limits by template."""
        self.enabled = True
        self.global_limit = global_limit
        self.per_route = per_route
        if default is not None:
            self.default = default
        for template, limit in (routes or {}).items():
            self.set_route(template, *_as_pair(limit))
        return self

    def disable(self) -> None:
        self.enabled = False
        self._global.clear()
        self._buckets.clear()

    def set_route(self, template: str, limit: int, per: float) -> None:
        """``template`` is ``"METHOD /path/{param}/..."``; parameter names don't matter."""
        method, _, route = template.partition(" ")
        if not route.startswith("/"):
            raise ValueError(f"expected 'METHOD /path', got {template!r}")
        self.routes[_route_key(method, route)] = RouteLimit(limit, per)
        self._buckets.clear()

    def limit_for(self, method: str, route: str) -> RouteLimit:
        return self.routes.get(_route_key(method, route), self.default)

    @staticmethod
    def bucket_hash(method: str, route: str) -> str:
        """The ``X-RateLimit-Bucket`` of a route: shared by its major parameters' buckets."""
        return hashlib.sha1(_route_key(method, route).encode()).hexdigest()[:32]

    # ----- the check -----------------------------------------------------------------
    def check(
        self, *, method: str, route: str, params: Mapping[str, str], authorization: str | None
    ) -> Refusal | None:
        """Count the request, or say which 429 it gets; called before the request runs."""
        if not self.enabled:
            return None
        now = self.clock.now().timestamp()
        window = None
        if self.global_limit is not None and _globally_limited(route, authorization):
            assert authorization is not None
            window = self._window(authorization, now)
            if len(window) >= self.global_limit:
                return _global_refusal(round(max(window[0] + GLOBAL_WINDOW - now, 0.001), 3))
        if self.per_route:
            bucket = self._bucket(method, route, params)
            bucket.refresh(now)
            if bucket.used >= bucket.limit.limit:
                retry_after = round(bucket.reset_at() - now, 3)
                headers = {
                    **self._headers(method, route, bucket, now),
                    **_retry_headers(retry_after),
                    "X-RateLimit-Scope": "user",
                }
                return Refusal(retry_after=retry_after, global_=False, headers=headers)
            bucket.used += 1
        if window is not None:
            window.append(now)
        return None

    def headers(
        self, *, method: str, route: str, params: Mapping[str, str]
    ) -> dict[str, str] | None:
        """The bucket headers of an answered request (None when per-route limits are off)."""
        if not (self.enabled and self.per_route):
            return None
        now = self.clock.now().timestamp()
        return self._headers(method, route, self._bucket(method, route, params), now)

    def _window(self, authorization: str, now: float) -> deque[float]:
        window = self._global.setdefault(authorization, deque())
        while window and now - window[0] >= GLOBAL_WINDOW:
            window.popleft()
        return window

    def _bucket(self, method: str, route: str, params: Mapping[str, str]) -> _Bucket:
        names = (
            WEBHOOK_MAJOR_PARAMETERS
            if route.startswith("/webhooks/")
            else CALLBACK_MAJOR_PARAMETERS
            if route.startswith("/interactions/")
            else MAJOR_PARAMETERS
        )
        major = tuple(f"{name}={params[name]}" for name in names if name in params)
        key = (self.bucket_hash(method, route), major)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.limit_for(method, route))
        return bucket

    def _headers(self, method: str, route: str, bucket: _Bucket, now: float) -> dict[str, str]:
        reset_at = bucket.reset_at() if bucket.used else now + bucket.limit.per
        return {
            "X-RateLimit-Limit": str(bucket.limit.limit),
            "X-RateLimit-Remaining": str(max(bucket.limit.limit - bucket.used, 0)),
            "X-RateLimit-Reset": f"{reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{max(reset_at - now, 0.0):.3f}",
            "X-RateLimit-Bucket": self.bucket_hash(method, route),
        }


def most_in_one_second(times: list[float]) -> int:
    """The most of these instants any one window of the global limit holds: what a test
    of the recorded requests compares with :data:`GLOBAL_LIMIT`."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= GLOBAL_WINDOW:
            first += 1
        most = max(most, last - first + 1)
    return most


def _route_key(method: str, route: str) -> str:
    return f"{method.upper()} {normalize_template(route)}"


def _as_pair(limit: tuple[int, float] | RouteLimit) -> tuple[int, float]:
    return (limit.limit, limit.per) if isinstance(limit, RouteLimit) else limit


def _globally_limited(route: str, authorization: str | None) -> bool:
    return authorization is not None and not route.startswith(_GLOBAL_EXEMPT)


def _global_refusal(retry_after: float) -> Refusal:
    headers = {
        **_retry_headers(retry_after),
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
    }
    return Refusal(retry_after=retry_after, global_=True, headers=headers)


def _retry_headers(retry_after: float) -> dict[str, str]:
    # discord.py treats a 429 without ``Via`` as a Cloudflare ban, as Discord's own carry it.
    return {"Retry-After": str(max(1, math.ceil(retry_after))), "Via": "1.1 google"}
