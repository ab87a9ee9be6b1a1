"""Placeholder while the Discord side is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    return None
