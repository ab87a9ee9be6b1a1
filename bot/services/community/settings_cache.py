"""The communities' settings as last read, kept in the process.

Every command reads its community's settings first (is it set up, who facilitates, its
language), and they change only through :class:`~bot.services.community.CommunityService`
(set-up, the bot leaving or coming back, the purge of communities gone), which drops
what it changes here. A guild without a community is kept too (as None), so a command
in a server that never ran ``/plc setup`` reads nothing either.
"""

from __future__ import annotations

from bot.db.communities import Community


class SettingsCache:
    def __init__(self) -> None:
        self._kept: dict[int, Community | None] = {}
        self.generation = 0
        """Moved by every change: a read that started before one must not be kept."""

    def knows(self, guild_id: int) -> bool:
        return guild_id in self._kept

    def get(self, guild_id: int) -> Community | None:
        """What was kept (None: no community), once :meth:`knows` says something was."""
        return self._kept[guild_id]

    def keep(self, guild_id: int, community: Community | None, generation: int) -> None:
        """Keep what a read found, unless a change came while it read (``generation`` is
        the one it started at)."""
        if generation == self.generation:
            self._kept[guild_id] = community

    def forget(self, guild_id: int) -> None:
        self.generation += 1
        self._kept.pop(guild_id, None)

    def forget_all(self) -> None:
        self.generation += 1
        self._kept.clear()
