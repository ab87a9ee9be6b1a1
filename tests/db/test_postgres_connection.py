"""The ``Connection`` protocol as both engines give it (the asyncpg side is new): placeholders,
rows, row counts, constraint errors, transactions."""

from __future__ import annotations

import sqlite3

import pytest

from bot.db.engine import Engine
from bot.db.postgres_sql import to_postgres


def test_placeholders_outside_literals_become_numbered_once() -> None:
    sql = "SELECT '?', \"a?\" FROM t WHERE a = ? AND b = '--?' AND c = ? -- ?\n AND d = ?"
    text, names = to_postgres(sql)
    assert text == (
        "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b = '--?' AND c = $2 -- ?\n AND d = $3"
    )
    assert names is None
    assert to_postgres(sql) is to_postgres(sql)  # converted once, then kept


def test_named_placeholders_are_numbered_by_first_use() -> None:
    text, names = to_postgres("SELECT :b, :a, :b, '%H:%M', 'x:y' FROM t")
    assert text == "SELECT $1, $2, $1, '%H:%M', 'x:y' FROM t"
    assert names == ("b", "a")


def test_mixing_both_kinds_is_refused() -> None:
    with pytest.raises(ValueError, match="either"):
        to_postgres("SELECT ? , :a")


async def test_rows_by_name_and_position_and_counts_from_the_status(db: Engine) -> None:
    async with db.transaction() as conn:
        for key in ("a", "b", "c"):
            await conn.execute("INSERT INTO bot_state (key, value) VALUES (?, ?)", (key, "it's"))
        cursor = await conn.execute("UPDATE bot_state SET value = ? WHERE key <> ?", ("x", "a"))
        assert cursor.rowcount == 2
        many = await conn.executemany(
            "DELETE FROM bot_state WHERE key = ?", [("b",), ("c",), ("none",)]
        )
        assert many.rowcount == 2
    async with db.read() as conn:
        [row] = list(await conn.execute_fetchall("SELECT key, value FROM bot_state"))
        assert (row["key"], row[1], list(row.keys())) == ("a", "it's", ["key", "value"])
        cursor = await conn.execute("SELECT value FROM bot_state WHERE key = :k", {"k": "a"})
        assert (await cursor.fetchone())[0] == "it's"
        assert await cursor.fetchone() is None


async def test_a_constraint_refusal_is_sqlites_integrity_error_and_rolls_back(db: Engine) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'first')")
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'again')")
    async with db.read() as conn:
        assert list(await conn.execute_fetchall("SELECT * FROM bot_state")) == []
