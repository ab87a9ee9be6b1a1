"""The anonymous pulse: no author, only a keyed hash allowing one vote per member."""

from __future__ import annotations

from bot.db.checkins.models import PulseTally
from bot.db.connection import Connection


async def vote_pulse(conn: Connection, checkin_id: int, voter_hash: str, score: int) -> bool:
    """Record or change a vote; True if it is the voter's first vote on this check-in."""
    cursor = await conn.execute(
        "SELECT 1 FROM checkin_pulse WHERE checkin_id = ? AND voter_hash = ?",
        (checkin_id, voter_hash),
    )
    first = await cursor.fetchone() is None
    await conn.execute(
        """
        INSERT INTO checkin_pulse (checkin_id, voter_hash, score) VALUES (?, ?, ?)
        ON CONFLICT (checkin_id, voter_hash) DO UPDATE SET score = excluded.score
        """,
        (checkin_id, voter_hash, score),
    )
    return first


async def pulse_tally(conn: Connection, checkin_id: int) -> PulseTally:
    cursor = await conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(score), 0) FROM checkin_pulse WHERE checkin_id = ?",
        (checkin_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    return PulseTally(count=row[0], total=row[1])
