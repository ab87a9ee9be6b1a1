"""The anonymous pulse: no author, only a keyed hash allowing one vote per member."""

from __future__ import annotations

from bot.db.checkins.models import PulseTally
from bot.db.codec import exists, fetch_rows
from bot.db.connection import Connection


async def vote_pulse(conn: Connection, checkin_id: int, voter_hash: str, score: int) -> bool:
    """Record or change a vote; True if it is the voter's first vote on this check-in."""
    first = not await exists(
        conn,
        "SELECT 1 FROM checkin_pulse WHERE checkin_id = ? AND voter_hash = ?",
        (checkin_id, voter_hash),
    )
    await conn.execute(
        """
        INSERT INTO checkin_pulse (checkin_id, voter_hash, score) VALUES (?, ?, ?)
        ON CONFLICT (checkin_id, voter_hash) DO UPDATE SET score = excluded.score
        """,
        (checkin_id, voter_hash, score),
    )
    return first


async def pulse_tally(conn: Connection, checkin_id: int) -> PulseTally:
    [row] = await fetch_rows(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(score), 0) FROM checkin_pulse WHERE checkin_id = ?",
        (checkin_id,),
    )
    return PulseTally(count=row[0], total=row[1])
