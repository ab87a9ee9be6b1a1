"""A write transaction that fails while another writer is under way, to show that the other
writer's COMMIT never commits the failing one's half-done work."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.db import Database
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings

_NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
_SETTINGS = CommunitySettings(timezone="UTC", language="en")


async def beside_a_failing_writer(db: Database, write: Callable[[], Awaitable[object]]) -> None:
    """Run ``write`` once a transaction has written community 1; that transaction then
    fails (after ``write`` tried to commit) and rolls back."""
    started = asyncio.Event()

    async def failing_writer() -> None:
        async with db.transaction() as conn:
            await communities_db.upsert(conn, 1, _SETTINGS, [60], _NOW)
            started.set()
            await asyncio.sleep(0.05)
            raise RuntimeError("fails after the other tried to commit")

    async def other_writer() -> None:
        await started.wait()
        await write()

    results = await asyncio.gather(failing_writer(), other_writer(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
