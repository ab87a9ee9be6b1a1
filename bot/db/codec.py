"""How instants and JSON values are written to SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def instant_to_db(value: datetime) -> str:
    """UTC, fixed width, so text order is time order."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are never stored")
    return value.astimezone(UTC).strftime(_FORMAT)


def instant_from_db(value: str) -> datetime:
    return datetime.strptime(value, _FORMAT).replace(tzinfo=UTC)


def optional_instant(value: str | None) -> datetime | None:
    return instant_from_db(value) if value is not None else None


def json_to_db(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def json_from_db(value: str) -> Any:
    return json.loads(value)
