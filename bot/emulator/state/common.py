"""Shared basics of the emulated Discord: JSON, Discord's error bodies, timestamps, snowflakes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.clock import SystemClock

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000


class ApiError(Exception):
    """A Discord API error: HTTP status plus the JSON error body Discord sends."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown(what: str, code: int) -> ApiError:
    """404 ``Unknown <what>`` as Discord words it."""
    return ApiError(404, code, f"Unknown {what}")


def invalid(field: str, code: str, message: str) -> ApiError:
    """400 ``Invalid Form Body`` (50035) with one error on ``field``."""
    errors = {field: {"_errors": [{"code": code, "message": message}]}}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def iso(moment: dt.datetime) -> str:
    """Discord's timestamp format (ISO 8601, microseconds, +00:00)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


#: Discord's servers keep real time, whatever clock the bot under test is given.
WALL_CLOCK = SystemClock()


def now_iso() -> str:
    return iso(WALL_CLOCK.now())


def parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class SnowflakeGenerator:
    """Generates increasing snowflakes from the current time, like Discord."""

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._prefix = (worker_id & 0x1F) << 17 | (process_id & 0x1F) << 12
        self._last_ms = 0
        self._increment = 0

    @property
    def last_ms(self) -> int:
        """The time part of the last id given (ms since the Discord epoch)."""
        return self._last_ms

    def resume_after(self, last_ms: int) -> None:
        """Give only ids after those of a saved world, even if the machine's clock went back."""
        self._last_ms = max(self._last_ms, last_ms + 1)

    def next(self) -> int:
        ms = int(WALL_CLOCK.now().timestamp() * 1000) - DISCORD_EPOCH_MS
        if ms <= self._last_ms:
            ms = self._last_ms
            self._increment += 1
            if self._increment > 0xFFF:
                ms += 1
                self._increment = 0
        else:
            self._increment = 0
        self._last_ms = ms
        return ms << 22 | self._prefix | self._increment


def opt_str(value: int | None) -> str | None:
    """A snowflake as Discord serializes it (a string), or None."""
    return None if value is None else str(value)
