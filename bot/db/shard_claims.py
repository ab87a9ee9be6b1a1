""":class:`~bot.shards.ShardClaims` in the PostgreSQL database itself (``shard_claims``),
so processes on several hosts see each other's claims.

Each call is one short transaction on a connection of its own, holding the table's lock
for its read and its write, run from the worker thread :func:`bot.shards.holding_shards`
calls claims from
(or its own thread). The first claim applies the migrations (the table is one of them):
shards are claimed before the database is opened.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

import asyncpg

from bot.db.codec import instant_from_db, instant_to_db
from bot.db.database import DatabaseError
from bot.db.postgres import CONNECT_TIMEOUT_SECONDS, PostgresDatabase
from bot.db.url import DatabaseUrl
from bot.shards import ShardClaim, admitting

_Change = Callable[[list[ShardClaim]], list[ShardClaim]]
T = TypeVar("T")


def _run(work: Coroutine[Any, Any, T]) -> T:
    """``work`` to its end from synchronous code: on a loop of its own, in a thread of its
    own when the caller's thread already runs one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, work).result()


class PostgresShardClaims:
    def __init__(self, url: DatabaseUrl) -> None:
        self.url = url

    def claim(self, claim: ShardClaim, now: datetime) -> None:
        _run(self._migrate())

        _run(self._change(admitting(claim, now)))

    def renew(self, claim: ShardClaim, now: datetime) -> None:
        def change(held: list[ShardClaim]) -> list[ShardClaim]:
            others = [other for other in held if other.holder != claim.holder]
            return [*others, claim.model_copy(update={"heartbeat": now})]

        _run(self._change(change))

    def release(self, claim: ShardClaim) -> None:
        _run(self._change(lambda held: [o for o in held if o.holder != claim.holder]))

    def held(self) -> list[ShardClaim]:
        found: list[ShardClaim] = []

        def keep(held: list[ShardClaim]) -> list[ShardClaim]:
            found.extend(held)
            return held

        _run(self._change(keep))
        return found

    async def _migrate(self) -> None:
        db = await PostgresDatabase.open(self.url)
        await db.close()

    async def _change(self, change: _Change) -> None:
        try:
            conn = await asyncpg.connect(self.url.dsn, timeout=CONNECT_TIMEOUT_SECONDS)
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            raise DatabaseError(
                f"{self.url.shown}: cannot connect to PostgreSQL to claim shards ({exc})"
            ) from None
        try:
            async with conn.transaction():
                # Readers of the claims wait too: two processes claiming at once decide
                # one after the other.
                await conn.execute("LOCK TABLE shard_claims IN EXCLUSIVE MODE")
                before = [_claim(row) for row in await conn.fetch("SELECT * FROM shard_claims")]
                after = change(before)
                if after != before:
                    await conn.execute("DELETE FROM shard_claims")
                    await conn.executemany(
                        "INSERT INTO shard_claims (holder, pid, host, shard_count, shard_ids, "
                        "heartbeat) VALUES ($1, $2, $3, $4, $5, $6)",
                        [_row(c) for c in after],
                    )
        finally:
            await conn.close()


def _claim(row: asyncpg.Record) -> ShardClaim:
    return ShardClaim(
        holder=row["holder"],
        pid=row["pid"],
        host=row["host"],
        shard_count=row["shard_count"],
        shard_ids=tuple(json.loads(row["shard_ids"])),
        heartbeat=instant_from_db(row["heartbeat"]),
    )


def _row(claim: ShardClaim) -> tuple[object, ...]:
    return (
        claim.holder,
        claim.pid,
        claim.host,
        claim.shard_count,
        json.dumps(list(claim.shard_ids)),
        instant_to_db(claim.heartbeat),
    )
