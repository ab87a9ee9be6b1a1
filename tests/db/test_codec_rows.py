"""``from_row``: a row's columns read by position, once each; joined rows by name."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from bot.db.codec import from_row, prefixed
from bot.db.facilitation.rotation import Volunteer

COLUMNS = (
    "guild_id", "user_id", "position", "active", "joined_at", "left_at", "times_assigned",
    "last_turn", "last_assigned_at", "first_in_line", "next_up", "extra",
)  # fmt: skip
VALUES = (1, 2, 3, 1, "2026-11-23T14:00:00.000000Z", None, 4, None, None, 0, 1, "unused")


class CountedRow:
    """A driver's row that counts how its columns are looked up."""

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._names, self._values = names, values
        self.by_name = 0
        self.by_position = 0

    def __getitem__(self, key: str | int, /) -> Any:
        if isinstance(key, int):
            self.by_position += 1
            return self._values[key]
        self.by_name += 1  # a driver compares the name with each column in turn
        return self._values[self._names.index(key)]

    def keys(self) -> list[str]:
        return list(self._names)


def test_a_rows_columns_are_read_by_position_once_each() -> None:
    row = CountedRow(COLUMNS, VALUES)
    volunteer = from_row(Volunteer, row)
    assert volunteer.joined_at == datetime(2026, 11, 23, 14, tzinfo=UTC)
    assert (volunteer.times_assigned, volunteer.next_up, volunteer.left_at) == (4, True, None)
    assert (row.by_name, row.by_position) == (0, len(Volunteer.model_fields))


def test_a_joined_tables_columns_are_read_by_position_too() -> None:
    row = CountedRow(("id", *(f"v__{name}" for name in COLUMNS)), (9, *VALUES))
    volunteer = from_row(Volunteer, prefixed(row, "v__"))
    assert (volunteer.user_id, volunteer.position) == (2, 3)
    assert (row.by_name, row.by_position) == (0, len(Volunteer.model_fields))


def test_of_two_columns_of_one_name_the_first_is_read_as_a_driver_reads_it() -> None:
    """``SELECT a.*, b.*``: a name both tables have reads the first table's, as before."""
    names = (*COLUMNS, "user_id", "position")
    row = CountedRow(names, (*VALUES, 98, 99))
    volunteer = from_row(Volunteer, row)
    assert (volunteer.user_id, volunteer.position) == (2, 3)
    assert volunteer == from_row(Volunteer, sqlite_row(names, (*VALUES, 98, 99)))


def sqlite_row(names: tuple[str, ...], values: tuple[Any, ...]) -> sqlite3.Row:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    columns = ", ".join(f"? AS {name}" for name in names)
    row: sqlite3.Row = conn.execute(f"SELECT {columns}", values).fetchone()
    conn.close()
    return row
