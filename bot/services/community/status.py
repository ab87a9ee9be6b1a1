"""``/plc status``: the settings, what each feature says is coming, what was missed, and
the bot's health, read in one go."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from bot import __version__
from bot.db import bot_state
from bot.db.codec import fetch_rows, instant_to_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.targets import PausedTarget
from bot.frozen import Frozen
from bot.missed import MISSED_TARGET
from bot.services.base import Core, StatusLine, StatusProvider, StatusRead

MISSED_SHOWN_FOR = timedelta(days=7)


class ErrorRecord(Frozen):
    """The reference an unexpected error was logged under, for ``/plc status``."""

    ref: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CommunityStatus:
    """What ``/plc status`` shows, gathered from values already checked: not validated
    again."""

    community: Community
    lines: list[StatusLine]
    missed: list[StatusLine]
    """What became of the timers missed in the last 7 days, as each kind declared it."""
    paused: list[PausedTarget]
    """Channels and roles the platform refused: what targets them waits for an admin."""
    database_bytes: int
    """The database file and its write-ahead log, on disk."""
    scheduled: int
    """Pending timers of this community (reminders, posts, check-ins, sessions…)."""
    last_error: ErrorRecord | None
    version: str = __version__
    latency: float | None = None
    """The platform's last round trip, in seconds (None: not measured yet, or never)."""


def last_error_key(guild_id: int) -> str:
    return f"last_error:{guild_id}"


class StatusReader:
    """Gathers a community's status from the features, the timers and the platform."""

    def __init__(self, core: Core) -> None:
        self._core = core

    async def read(self, community: Community, providers: list[StatusProvider]) -> CommunityStatus:
        guild_id = community.guild_id
        lines: list[StatusLine] = []
        since = self._core.clock.now() - MISSED_SHOWN_FOR
        async with self._core.db.read() as conn:
            read = StatusRead(conn, guild_id)
            for provider in providers:
                lines.extend(await provider.status_lines(read))
            own = await _own_part(conn, guild_id, since)
        latency = await self._core.chat.latency(guild_id)
        return CommunityStatus(
            community=community,
            lines=lines,
            missed=self._missed_lines(own.missed),
            paused=own.paused,
            database_bytes=self._core.db.size_on_disk(),
            scheduled=own.pending,
            last_error=ErrorRecord.model_validate_json(own.last_error) if own.last_error else None,
            latency=latency if latency is not None and math.isfinite(latency) else None,
        )

    def _missed_lines(self, missed: list[tuple[str, str | None, int]]) -> list[StatusLine]:
        """One line per outcome: the kind's declared sentence when its missed path did what
        it declared; a plain one when it could not (nobody to tell) or is unknown (a
        timer missed before kinds declared it, or a feature turned off since). ``missed``:
        each kind and outcome with its count, the earliest missed first."""
        counts: dict[str, int] = {}
        for kind, result, count in missed:
            declared = self._core.scheduler.when_missed(kind)
            if result == "moot":
                continue  # it no longer applied: nothing was missed
            if declared is None or result is None:
                key = "admin.status.missed"
            elif result == "undone" and declared.policy == "tell":
                key = "admin.status.missed_untold"
            else:
                key = declared.said
            counts[key] = counts.get(key, 0) + count
        return [StatusLine(key=key, params={"count": count}) for key, count in counts.items()]

    async def record_error(self, guild_id: int, ref: str) -> None:
        """Keep the reference of an unexpected error, so facilitators can quote it."""
        record = ErrorRecord(ref=ref, at=self._core.clock.now())
        async with self._core.db.transaction() as conn:
            await bot_state.put(conn, last_error_key(guild_id), record.model_dump_json())


class _OwnPart(NamedTuple):
    pending: int
    last_error: str | None
    paused: list[PausedTarget]
    missed: list[tuple[str, str | None, int]]


# The status's own part in one statement, a row per piece: the counts, each paused target,
# and the timers missed since a date by kind and by what their missed path recorded (the
# earliest first, as their lines are listed).
_OWN_PART = """
    SELECT 'counts' AS part, (SELECT value FROM bot_state WHERE key = :key) AS a, NULL AS b,
        (SELECT COUNT(*) FROM timers WHERE guild_id = :guild AND status = 'pending') AS n,
        NULL AS at
    UNION ALL
    SELECT 'paused', CAST(u.target_id AS TEXT), u.reason, NULL, u.since
    FROM unreachable_targets u WHERE u.guild_id = :guild
    UNION ALL
    SELECT 'missed', t.kind, d.outcome, COUNT(*), MIN(t.due_at)
    FROM timers t
        LEFT JOIN timer_deliveries d ON d.timer_id = t.id AND d.target = :target
    WHERE t.guild_id = :guild AND t.status IN ('missed', 'failed') AND t.finished_at >= :since
    GROUP BY t.kind, d.outcome
"""


async def _own_part(conn: Connection, guild_id: int, since: datetime) -> _OwnPart:
    """The community's pending timers, the last error recorded, the paused targets and the
    timers missed since ``since``, in one read."""
    rows = await fetch_rows(
        conn,
        _OWN_PART,
        {
            "guild": guild_id,
            "key": last_error_key(guild_id),
            "target": MISSED_TARGET,
            "since": instant_to_db(since),
        },
    )
    [counts] = [row for row in rows if row[0] == "counts"]
    paused = sorted(
        (
            PausedTarget(target_id=int(row[1]), reason=row[2], since=row[4])
            for row in rows
            if row[0] == "paused"
        ),
        key=lambda target: target.since,
    )
    missed = sorted((row for row in rows if row[0] == "missed"), key=lambda row: row[4])
    return _OwnPart(
        pending=int(counts[3]),
        last_error=counts[1],
        paused=paused,
        missed=[(row[1], row[2], int(row[3])) for row in missed],
    )
