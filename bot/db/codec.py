"""How instants, JSON values and rows pass between SQLite and the models."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence, Sized
from datetime import UTC, datetime
from functools import cache, lru_cache
from types import UnionType
from typing import Any, Generic, TypeVar, Union, get_args, get_origin, overload

from pydantic import BaseModel

from bot.db.connection import Connection, Row

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def instant_to_db(value: datetime) -> str:
    """UTC, fixed width, so text order is time order."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are never stored")
    return value.astimezone(UTC).strftime(_FORMAT)


def instant_from_db(value: str) -> datetime:
    """An instant as ``instant_to_db`` stored it: the C ISO parser, ~50 times faster than
    ``strptime`` (many rows carry several instants); anything not in UTC is refused."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is not UTC:
        raise ValueError(f"not a stored UTC instant: {value!r}")
    return parsed


def json_to_db(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def json_from_db(value: str) -> Any:
    return json.loads(value)


ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


def from_row(model: type[ModelT], row: Row, /, **values: Any) -> ModelT:
    """A model from a row: columns by field name, ``values`` overriding or adding.

    Pydantic reads the stored forms itself: instants (ISO 8601 with ``Z``), dates,
    0/1 booleans. A field typed as a dict, list or tuple reads its column as JSON (what
    :func:`json_to_db` wrote). Computed or renamed fields are passed in ``values``.
    """
    # Columns read by position: a driver's row finds a name by comparing it with each
    # column in turn, and a list of 30 rows of 11 columns did that 330 times.
    if isinstance(row, _Prefixed):
        source, prefix = row._row, row._prefix
    else:
        source, prefix = row, ""
    data: dict[str, Any] = {}
    for name, at, is_json in _fields_read(model, tuple(source.keys()), prefix):
        value = source[at]
        data[name] = json_from_db(value) if is_json and value else value
    if values:
        data.update(values)
    return model.model_validate(data)


@lru_cache(maxsize=1024)
def _fields_read(
    model: type[BaseModel], columns: tuple[str, ...], prefix: str
) -> tuple[tuple[str, int, bool], ...]:
    """The fields of ``model`` found among ``columns`` (named ``prefix…``): name,
    position, read as JSON. The first column of a name, as a driver's row gives it."""
    json_fields = _json_fields(model)
    cut = len(prefix)
    at = {
        name[cut:]: position
        for position, name in reversed(list(enumerate(columns)))
        if name.startswith(prefix)
    }
    return tuple((name, at[name], name in json_fields) for name in model.model_fields if name in at)


def aliased_columns(model: type[BaseModel], table: str, prefix: str) -> str:
    """``m.id AS m__id, m.title AS m__title…``: a joined table's columns for ``model``,
    renamed so they stand beside another table's ``*`` in one row (read them back with
    :func:`prefixed`). Every field of ``model`` must be a column of ``table``."""
    return ", ".join(f"{table}.{name} AS {prefix}{name}" for name in model.model_fields)


class _Prefixed:
    """The columns of ``row`` named ``prefix…``, under their names without it."""

    def __init__(self, row: Row, prefix: str) -> None:
        self._row = row
        self._prefix = prefix

    def __getitem__(self, key: str | int, /) -> Any:
        return self._row[f"{self._prefix}{key}"]

    def keys(self) -> list[str]:
        cut, names = len(self._prefix), self._row.keys()  # a row iterates its values
        return [name[cut:] for name in names if name.startswith(self._prefix)]


def prefixed(row: Row, prefix: str) -> Row:
    """The part of ``row`` that :func:`aliased_columns` selected, as a row of its own."""
    return _Prefixed(row, prefix)


@cache
def _json_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` stored as JSON text: dicts, lists and tuples (or None)."""
    containers = (dict, list, tuple)

    def is_container(annotation: Any) -> bool:
        if get_origin(annotation) in (Union, UnionType):
            return any(is_container(arg) for arg in get_args(annotation))
        return annotation in containers or get_origin(annotation) in containers

    return frozenset(
        name for name, field in model.model_fields.items() if is_container(field.annotation)
    )


def _reader(build: type[BaseModel] | Callable[[Row], Any]) -> Callable[[Row], Any]:
    if isinstance(build, type) and issubclass(build, BaseModel):
        model = build
        return lambda row: from_row(model, row)
    return build


@overload
async def fetch_one(
    conn: Connection, build: type[ModelT], sql: str, parameters: Iterable[Any] = ()
) -> ModelT | None: ...


@overload
async def fetch_one(
    conn: Connection, build: Callable[[Row], T], sql: str, parameters: Iterable[Any] = ()
) -> T | None: ...


async def fetch_one(
    conn: Connection,
    build: type[BaseModel] | Callable[[Row], Any],
    sql: str,
    parameters: Iterable[Any] = (),
) -> Any:
    """The first row of ``sql`` as a model (a model class reads it with :func:`from_row`,
    a function builds it), or None when there is no row."""
    rows = await fetch_rows(conn, sql, parameters)
    return _reader(build)(rows[0]) if rows else None


@overload
async def fetch_all(
    conn: Connection, build: type[ModelT], sql: str, parameters: Iterable[Any] = ()
) -> list[ModelT]: ...


@overload
async def fetch_all(
    conn: Connection, build: Callable[[Row], T], sql: str, parameters: Iterable[Any] = ()
) -> list[T]: ...


async def fetch_all(
    conn: Connection,
    build: type[BaseModel] | Callable[[Row], Any],
    sql: str,
    parameters: Iterable[Any] = (),
) -> list[Any]:
    """Every row of ``sql`` as a model, in the query's order (see :func:`fetch_one`)."""
    read = _reader(build)
    return [read(row) for row in await fetch_rows(conn, sql, parameters)]


async def fetch_rows(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
    """Every row of ``sql`` as the driver gives it, in one trip to the database thread."""
    values = parameters if isinstance(parameters, (tuple, list, dict)) else tuple(parameters)
    return list(await conn.execute_fetchall(sql, values))


async def fetch_column(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
    """The first column of every row of ``sql``, in the query's order."""
    return [row[0] for row in await fetch_rows(conn, sql, parameters)]


async def fetch_value(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> Any:
    """The first column of the first row of ``sql`` (a count, a flag), or None."""
    rows = await fetch_rows(conn, sql, parameters)
    return rows[0][0] if rows else None


async def exists(conn: Connection, sql: str, parameters: Iterable[Any] = ()) -> bool:
    """Whether ``sql`` returns any row."""
    return bool(await fetch_rows(conn, sql, parameters))


def placeholders(values: Sized) -> str:
    """``?,?,?``: one placeholder per value, for ``IN (…)``."""
    return ",".join("?" * len(values))


async def fetch_in(conn: Connection, sql: str, values: Sequence[Any], *params: Any) -> list[Any]:
    """The rows of ``sql`` for a list of ``values``: its ``{values}`` becomes one placeholder
    per value, after the ``params`` of the placeholders before it. No values, no rows."""
    if not values:
        return []
    query = sql.format(values=placeholders(values))
    return await fetch_rows(conn, query, (*params, *values))


async def insert_returning_id(conn: Connection, sql: str, parameters: Iterable[Any]) -> int:
    """Run an INSERT and return the id the database gave the new row."""
    row_id = await insert_if_new(conn, sql, parameters)
    assert row_id is not None
    return row_id


async def insert_if_new(conn: Connection, sql: str, parameters: Iterable[Any]) -> int | None:
    """Run an ``INSERT … ON CONFLICT DO NOTHING``: the new row's id, or None when the row
    was already there. ``RETURNING id`` (on both engines), not SQLite's ``lastrowid``."""
    rows = await fetch_rows(conn, f"{sql.rstrip().rstrip(';')} RETURNING id", parameters)
    return int(rows[0][0]) if rows else None


class Table(Generic[T]):
    """One table's rows read as models: ``SELECT * FROM <name> WHERE <where>``.

    ``where`` is the rest of the query (conditions, then any ORDER BY or LIMIT), with
    ``?`` for each of ``params``.
    """

    @overload
    def __init__(self: Table[ModelT], name: str, build: type[ModelT]) -> None: ...

    @overload
    def __init__(self: Table[T], name: str, build: Callable[[Row], T]) -> None: ...

    def __init__(self, name: str, build: type[BaseModel] | Callable[[Row], Any]) -> None:
        self._name = name
        self._select = f"SELECT * FROM {name} WHERE"  # noqa: S608 - a repository constant
        self._read = _reader(build)

    async def get(self, conn: Connection, row_id: int) -> T:
        """The row with this ``id``, which must exist (one this transaction just wrote)."""
        found = await self.one(conn, "id = ?", row_id)
        if found is None:
            raise LookupError(f"{self._name} has no row {row_id}")
        return found

    async def one(self, conn: Connection, where: str, *params: Any) -> T | None:
        """The first row that matches, or None."""
        return await fetch_one(conn, self._read, f"{self._select} {where}", params)

    async def all(self, conn: Connection, where: str, *params: Any) -> list[T]:
        """Every row that matches, in the order ``where`` asks for."""
        return await fetch_all(conn, self._read, f"{self._select} {where}", params)
