"""A read is one trip to the database thread, whatever helper reads it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db import Database, bot_state
from bot.db import communities as communities_db
from bot.db import targets as targets_db
from bot.db import timers as timers_db
from bot.db.codec import fetch_all, fetch_column, fetch_in, fetch_one, fetch_value
from bot.db.communities import Community, CommunitySettings
from tests.db.trips import Trips

NOW = datetime(2026, 1, 12, 17, tzinfo=UTC)
GUILD = 7


async def test_every_codec_read_is_one_trip(db: Database) -> None:
    async with db.transaction() as conn:
        await communities_db.upsert(
            conn, GUILD, CommunitySettings(timezone="UTC", language="en"), [60], NOW
        )
    async with db.read() as conn:
        trips = Trips(conn)
        reads = [
            fetch_one(trips, Community, "SELECT * FROM communities WHERE guild_id = ?", (GUILD,)),
            fetch_all(trips, Community, "SELECT * FROM communities"),
            fetch_column(trips, "SELECT guild_id FROM communities"),
            fetch_value(trips, "SELECT COUNT(*) FROM communities"),
            fetch_in(trips, "SELECT * FROM communities WHERE guild_id IN ({values})", [GUILD, 8]),
            communities_db.get(trips, GUILD),
        ]
        for read in reads:
            before = trips.count
            assert await read
            assert trips.count == before + 1


async def test_small_repository_reads_are_one_trip_each(db: Database) -> None:
    async with db.read() as conn:
        trips = Trips(conn)
        assert await bot_state.get(trips, "nothing") is None
        assert not await targets_db.is_unreachable(trips, GUILD, 1)
        assert await targets_db.paused(trips, GUILD) == []
        assert await timers_db.count_pending(trips, GUILD) == 0
        assert await timers_db.next_wake(trips, ["checkin_open"]) is None
        assert await timers_db.deliveries(trips, 1) == {}
    assert trips.count == 6
