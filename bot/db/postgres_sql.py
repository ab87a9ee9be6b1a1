"""The repositories' SQL as PostgreSQL reads it, and the asyncpg connection behind the
:class:`~bot.db.connection.Connection` protocol.

Repositories write one SQL text for both engines, with ``?`` (or ``:name``) placeholders
as SQLite takes them; here each text becomes PostgreSQL's ``$1, $2…`` once and is kept.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

import asyncpg

from bot.db.connection import Cursor

# String literals, quoted names and comments are copied as they are; a placeholder is
# only ever outside them.
_TOKENS = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|::|\?|:[A-Za-z_]\w*""", re.DOTALL
)


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """``sql`` with ``$n`` placeholders, and the names that fill them in order (None when
    they are positional ``?``)."""
    names: list[str] = []
    positional = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal positional
        part = match.group(0)
        if part == "?":
            positional += 1
            return f"${positional}"
        if part.startswith(":") and part != "::":
            name = part[1:]
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        return part

    text = _TOKENS.sub(replace, sql)
    if positional and names:
        raise ValueError("a statement uses either ? or :name placeholders, not both")
    return text, (tuple(names) if names else None)


def arguments(names: tuple[str, ...] | None, parameters: Iterable[Any] | None) -> tuple[Any, ...]:
    if parameters is None:
        return ()
    if names is not None:
        assert isinstance(parameters, Mapping), "named placeholders take a mapping"
        return tuple(parameters[name] for name in names)
    return tuple(parameters)


class ConstraintViolation(sqlite3.IntegrityError):
    """A constraint refused the write on PostgreSQL. A subclass of SQLite's error, so a
    service catches a lost race the same way on both engines."""


def _rowcount(status: str) -> int:
    """``INSERT 0 3`` → 3; ``UPDATE 1`` → 1; a SELECT counts nothing (-1, as SQLite)."""
    verb, _, rest = status.partition(" ")
    if verb == "SELECT" or not rest:
        return -1
    try:
        return int(rest.rsplit(" ", 1)[-1])
    except ValueError:
        return -1


class PgCursor:
    """What a statement returned: its rows, read on the spot, and its row count."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._rowcount = rowcount

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        return None  # portable SQL asks with RETURNING id

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> Iterable[Any]:
        rows, self._rows = self._rows, []
        return rows


class PgConnection:
    """The :class:`~bot.db.connection.Connection` on a pooled asyncpg connection."""

    def __init__(
        self, raw: asyncpg.Connection, trace: Callable[[str], object] | None = None
    ) -> None:
        self._raw = raw
        self._trace = trace

    async def _run(self, sql: str, parameters: Iterable[Any] | None) -> tuple[list[Any], int]:
        text, names = to_postgres(sql)
        if self._trace is not None:
            self._trace(sql)
        try:
            # The statement cache's path that returns the rows and the command status
            # in one round trip (the public API returns one or the other).
            rows, status, _ = await self._raw._execute(
                text, arguments(names, parameters), 0, None, return_status=True
            )
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise ConstraintViolation(str(exc)) from exc
        except asyncpg.PostgresError as exc:
            exc.add_note(f"in: {text.strip()}")  # the statement, never its values
            raise
        return list(rows or []), _rowcount(status.decode() if status else "")

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None, /) -> Cursor:
        return PgCursor(*await self._run(sql, parameters))

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None, /
    ) -> Iterable[Any]:
        rows, _ = await self._run(sql, parameters)
        return rows

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]], /) -> Cursor:
        total = 0
        for row in parameters:
            _, count = await self._run(sql, row)
            total += max(count, 0)
        return PgCursor([], total)
