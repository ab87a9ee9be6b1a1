"""Two processes writing one PostgreSQL database (two connection pools of one real
server): a read, then a write, in one process's transaction is never lost to the
other's, as on SQLite's one writer."""

from __future__ import annotations

import asyncio

import asyncpg

from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.engine import open_database
from bot.db.facilitation import rotation as rotation_db
from tests.conftest import START
from tests.postgres_server import PostgresServer

GUILD = 1


async def _waiting_for_a_lock(dsn: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        found = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    finally:
        await conn.close()
    return bool(found)


async def test_two_processes_joining_the_rotation_together_get_distinct_positions(
    postgres_server: PostgresServer,
) -> None:
    url = await postgres_server.fresh()
    first, second = await open_database(url), await open_database(url)
    try:
        async with first.transaction() as conn:
            await communities_db.upsert(
                conn, GUILD, CommunitySettings(timezone="UTC", language="en"), [60], START
            )

        async def join_in_second() -> None:
            async with second.transaction() as conn:
                await rotation_db.join(conn, GUILD, 2, START)

        # The first process's join (the next position read, then written) is not yet
        # committed when the second's starts.
        async with first.transaction() as conn:
            await rotation_db.join(conn, GUILD, 1, START)
            other = asyncio.create_task(join_in_second())
            for _ in range(500):
                if other.done() or await _waiting_for_a_lock(url.dsn or ""):
                    break
                await asyncio.sleep(0.01)
        await other
        async with first.read() as conn:
            line = await rotation_db.line(conn, GUILD)
        assert sorted(v.position for v in line) == [1, 2]
    finally:
        await first.close()
        await second.close()
        await postgres_server.drop(url)
