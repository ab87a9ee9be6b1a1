"""Bookkeeping of what Discord refused: closed DMs, lost channels (RELIABILITY D5, D6)."""

from __future__ import annotations

import logging

from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.services.base import Core

log = logging.getLogger(__name__)


class DeliveryService:
    def __init__(self, core: Core) -> None:
        self._core = core

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        """Remember that this member's DMs are closed; True the first time (log once)."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, now)
            first = await members_db.mark_dm_closed(conn, guild_id, user_id, now)
        if first:
            log.info(
                "DMs closed for a member of guild %s; reminders fall back to the channel", guild_id
            )
        return first

    async def dms_known_closed(self, guild_id: int, user_id: int) -> bool:
        async with self._core.db.read() as conn:
            member = await members_db.get(conn, guild_id, user_id)
        return member is not None and member.dm_closed_at is not None

    async def dm_channel(self, guild_id: int, user_id: int) -> int | None:
        """The DM channel Discord gave for this member before, if any."""
        async with self._core.db.read() as conn:
            return await members_db.dm_channel(conn, guild_id, user_id)

    async def remember_dm_channel(
        self, guild_id: int, user_id: int, channel_id: int | None
    ) -> None:
        """Keep (or, with None, forget) the member's DM channel: the next DM goes straight
        to it, without asking Discord for the channel again."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, now)
            await members_db.set_dm_channel(conn, guild_id, user_id, channel_id)

    async def target_unreachable(self, guild_id: int, target_id: int, reason: str) -> bool:
        """Pause a channel Discord refused; True the first time (tell admins once)."""
        async with self._core.db.transaction() as conn:
            first = await targets_db.mark_unreachable(
                conn, guild_id, target_id, reason, self._core.clock.now()
            )
        if first:
            log.warning("guild %s: target %s paused (%s)", guild_id, target_id, reason)
        return first

    async def is_paused(self, guild_id: int, target_id: int) -> bool:
        async with self._core.db.read() as conn:
            return await targets_db.is_unreachable(conn, guild_id, target_id)

    async def resume_targets(self, guild_id: int, target_ids: list[int]) -> None:
        """An admin fixed things (``/plc setup``): try these targets again."""
        async with self._core.db.transaction() as conn:
            await targets_db.clear(conn, guild_id, target_ids)
