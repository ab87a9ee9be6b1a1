"""A feature's lines of ``/plc status``, read on their own as the status reads them."""

from __future__ import annotations

from bot.services.base import Core, StatusLine, StatusProvider, StatusRead


async def status_lines(core: Core, provider: StatusProvider, guild_id: int) -> list[StatusLine]:
    async with core.db.read() as conn:
        return await provider.status_lines(StatusRead(conn, guild_id))
