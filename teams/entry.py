"""Teams' entry point of ``plc_bot.adapters``, kept light: the Agents SDK and the adapter
are imported only when ``[teams] app_id`` asks for Teams, so a bot serving Discord alone
neither loads nor pays for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Settings
from bot.running import RunOptions

if TYPE_CHECKING:
    from teams.adapter import TeamsAdapter


def adapter(settings: Settings, options: RunOptions) -> TeamsAdapter | None:
    """Served when ``[teams] app_id`` is set."""
    if settings.teams.app_id is None:
        return None
    from teams.adapter import TeamsAdapter

    return TeamsAdapter(settings)
