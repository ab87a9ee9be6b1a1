"""``/plc status``: the settings, what each feature says is coming, what was missed, and
the bot's health, read in one go."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import __version__
from bot.db import bot_state
from bot.db import timers as timers_db
from bot.db.codec import fetch_rows, from_row
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
            missed = await self._missed_lines(conn, guild_id, since)
            scheduled, last_error, paused = await _counts_and_paused(conn, guild_id)
        latency = await self._core.chat.latency()
        return CommunityStatus(
            community=community,
            lines=lines,
            missed=missed,
            paused=paused,
            database_bytes=self._core.db.size_on_disk(),
            scheduled=scheduled,
            last_error=ErrorRecord.model_validate_json(last_error) if last_error else None,
            latency=latency if latency is not None and math.isfinite(latency) else None,
        )

    async def _missed_lines(
        self, conn: Connection, guild_id: int, since: datetime
    ) -> list[StatusLine]:
        """One line per outcome: the kind's declared sentence when its missed path did what
        it declared; a plain one when it could not (nobody to tell) or is unknown (a
        timer missed before kinds declared it, or a feature turned off since)."""
        counts: dict[str, int] = {}
        for timer, result in await timers_db.recent_missed(conn, guild_id, since, MISSED_TARGET):
            declared = self._core.scheduler.when_missed(timer.kind)
            if result == "moot":
                continue  # it no longer applied: nothing was missed
            if declared is None or result is None:
                key = "admin.status.missed"
            elif result == "undone" and declared.policy == "tell":
                key = "admin.status.missed_untold"
            else:
                key = declared.said
            counts[key] = counts.get(key, 0) + 1
        return [StatusLine(key=key, params={"count": count}) for key, count in counts.items()]

    async def record_error(self, guild_id: int, ref: str) -> None:
        """Keep the reference of an unexpected error, so facilitators can quote it."""
        record = ErrorRecord(ref=ref, at=self._core.clock.now())
        async with self._core.db.transaction() as conn:
            await bot_state.put(conn, last_error_key(guild_id), record.model_dump_json())


async def _counts_and_paused(
    conn: Connection, guild_id: int
) -> tuple[int, str | None, list[PausedTarget]]:
    """The community's pending timers, the last error recorded and the paused targets, in
    one read: one row per paused target, each with the counts (one row of counts alone
    when nothing is paused)."""
    rows = await fetch_rows(
        conn,
        """
        SELECT n.pending, n.last_error, u.target_id, u.reason, u.since
        FROM (
            SELECT (SELECT COUNT(*) FROM timers WHERE guild_id = :guild AND status = 'pending')
                    AS pending,
                (SELECT value FROM bot_state WHERE key = :key) AS last_error
        ) n
            LEFT JOIN unreachable_targets u ON u.guild_id = :guild
        ORDER BY u.since
        """,
        {"guild": guild_id, "key": last_error_key(guild_id)},
    )
    paused = [from_row(PausedTarget, row) for row in rows if row["target_id"] is not None]
    return int(rows[0]["pending"]), rows[0]["last_error"], paused
