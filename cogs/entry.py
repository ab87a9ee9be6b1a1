"""Discord's entry point of ``plc_bot.adapters``, kept light: discord.py and the adapter
are imported only when a token asks for Discord, so a bot serving Teams alone neither
loads nor pays for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Settings
from bot.running import RunOptions

if TYPE_CHECKING:
    from cogs.client import DiscordAdapter


def adapter(settings: Settings, options: RunOptions) -> DiscordAdapter | None:
    """Served when ``[discord] token`` is set."""
    if settings.discord.token is None:
        return None
    from cogs.client import DiscordAdapter

    return DiscordAdapter(settings, force_sync=options.force_sync)
