"""A test's PostgreSQL database handed to the next test (``PostgresServer.recycle``) is as a
new copy of the migrated template: no row left, ids from 1 again, the schema's version."""

from __future__ import annotations

from bot.db.codec import fetch_value
from bot.db.postgres import PostgresDatabase
from tests.postgres_server import PostgresServer

NOW = "2026-11-23T14:00:00.000000Z"


async def _audit_once(db: PostgresDatabase) -> int:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO communities (guild_id, timezone, language, created_at, updated_at) "
            "VALUES (1, 'UTC', 'en', ?, ?)",
            (NOW, NOW),
        )
        cursor = await conn.execute(
            "INSERT INTO audit_log (guild_id, action, at) VALUES (1, 'setup', ?) RETURNING id",
            (NOW,),
        )
        [row] = await cursor.fetchall()
    return int(row[0])


async def test_a_recycled_database_is_as_good_as_a_new_one(
    postgres_server: PostgresServer,
) -> None:
    url = await postgres_server.fresh()
    db = await PostgresDatabase.open(url)
    first = await _audit_once(db)
    version = await db.schema_version()
    await db.close()

    await postgres_server.recycle(url)
    again = await postgres_server.fresh()
    assert again == url  # the emptied database, not a new copy
    db = await PostgresDatabase.open(again)
    try:
        async with db.read() as conn:
            assert await fetch_value(conn, "SELECT COUNT(*) FROM communities") == 0
            assert await fetch_value(conn, "SELECT COUNT(*) FROM audit_log") == 0
        assert await db.schema_version() == version
        assert await _audit_once(db) == first  # ids start again where a new copy's do
    finally:
        await db.close()
        await postgres_server.drop(again)
