"""Teams' string ids as the core's integers, both ways, remembered in the adapter's table.

A team, a conversation (a channel, a reply chain ``19:…;messageid=…``, a 1:1 chat), a
member (``29:…``) and a message (an activity id) each get a negative number the first
time the adapter meets them; the numbers never change. Lookups are kept in memory.
"""

from __future__ import annotations

from bot.db.database import Database
from teams import store
from teams.store import IdKind


class UnknownTeamsId(LookupError):
    """A number that no Teams id was ever mapped to (a forged or foreign id)."""


class TeamsIds:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._numbers: dict[tuple[IdKind, str], int] = {}
        self._strings: dict[int, tuple[IdKind, str]] = {}

    def _remember(self, kind: IdKind, teams_id: str, number: int) -> int:
        self._numbers[(kind, teams_id)] = number
        self._strings[number] = (kind, teams_id)
        return number

    async def number(self, kind: IdKind, teams_id: str) -> int:
        """The integer of ``teams_id``, allocated the first time."""
        cached = self._numbers.get((kind, teams_id))
        if cached is not None:
            return cached
        async with self._db.read() as conn:
            found = await store.lookup(conn, kind, teams_id)
        if found is None:
            async with self._db.transaction() as conn:
                found = await store.allocate(conn, kind, teams_id)
        return self._remember(kind, teams_id, found)

    async def known(self, kind: IdKind, teams_id: str) -> int | None:
        """The integer of ``teams_id`` if it has one (nothing is allocated)."""
        cached = self._numbers.get((kind, teams_id))
        if cached is not None:
            return cached
        async with self._db.read() as conn:
            found = await store.lookup(conn, kind, teams_id)
        return None if found is None else self._remember(kind, teams_id, found)

    async def string(self, number: int, kind: IdKind) -> str:
        """The Teams id behind ``number``; :class:`UnknownTeamsId` if none (or another kind)."""
        cached = self._strings.get(number)
        if cached is None:
            async with self._db.read() as conn:
                cached = await store.teams_id(conn, number)
            if cached is not None:
                self._remember(cached[0], cached[1], number)
        if cached is None or cached[0] != kind:
            raise UnknownTeamsId(f"no Teams {kind} has the number {number}")
        return cached[1]

    async def maybe_string(self, number: int, kind: IdKind) -> str | None:
        try:
            return await self.string(number, kind)
        except UnknownTeamsId:
            return None

    def forget(self, number: int) -> None:
        """The number was erased (a member's data deleted): forget it here too."""
        known = self._strings.pop(number, None)
        if known is not None:
            self._numbers.pop(known, None)
