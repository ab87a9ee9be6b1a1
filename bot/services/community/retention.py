"""The retention purge: what is kept, and for how long.

Each rule is an idempotent delete of rows older than a cutoff, so running the purge
twice, or after a crash halfway, gives the same result. Features add their own
rules with :meth:`RetentionService.add_rule`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.db import audit, members
from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.services.base import Core
from bot.services.community.members import MemberService
from bot.services.community.service import CommunityService

log = logging.getLogger(__name__)

MEMBER_GONE = timedelta(days=30)
AUDIT_KEPT = timedelta(days=365)
TIMERS_KEPT = timedelta(days=30)

Rule = Callable[[Connection, datetime], Awaitable[int]]


class RetentionService:
    def __init__(
        self, core: Core, members_service: MemberService, community: CommunityService
    ) -> None:
        self._core = core
        self._members = members_service
        self._rules: list[tuple[str, Rule]] = [
            ("communities gone 30 days", community.purge_gone),
            ("audit log over 12 months", self._purge_audit),
            ("finished timers over 30 days", self._purge_timers),
        ]

    def add_rule(self, name: str, rule: Rule) -> None:
        self._rules.append((name, rule))

    async def purge(self) -> dict[str, int]:
        """Run every rule, each in its own transaction; returns rows removed per rule."""
        now = self._core.clock.now()
        removed: dict[str, int] = {}
        cutoff = now - MEMBER_GONE
        async with self._core.db.read_in_thread() as conn:  # every community's members
            departed = await members.left_before(conn, cutoff)
        for guild_id, user_id in departed:
            await self._members.delete(guild_id, user_id)
        removed["members gone 30 days"] = len(departed)
        for name, rule in self._rules:
            async with self._core.db.transaction() as conn:
                removed[name] = await rule(conn, now)
        if any(removed.values()):
            log.info("retention purge: %s", removed)
        return removed

    @staticmethod
    async def _purge_audit(conn: Connection, now: datetime) -> int:
        return await audit.purge_before(conn, now - AUDIT_KEPT)

    @staticmethod
    async def _purge_timers(conn: Connection, now: datetime) -> int:
        return await timers_db.purge_finished_before(conn, now - TIMERS_KEPT)
