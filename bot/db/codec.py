"""How instants and JSON values are written to SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from bot.db.connection import Row

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


ModelT = TypeVar("ModelT", bound=BaseModel)


def from_row(model: type[ModelT], row: Row, /, **values: Any) -> ModelT:
    """A model from a row: columns by field name, ``values`` overriding or adding.

    Pydantic reads the stored forms itself: instants (ISO 8601 with ``Z``), dates,
    0/1 booleans. JSON columns and renamed fields are passed in ``values``.
    """
    columns = set(row.keys())
    data = {name: row[name] for name in model.model_fields if name in columns}
    data.update(values)
    return model.model_validate(data)
