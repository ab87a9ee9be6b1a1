"""Teams' string ids as the core's integers, both ways, remembered in the adapter's table.

A team, a conversation (a channel, a reply chain ``19:…;messageid=…``, a 1:1 chat), a
member (``29:…``) and a message (an activity id) each get a negative number the first
time the adapter meets them; the numbers never change. Lookups are kept in memory.

What names a person is kept the way anonymous questions need it, as on Discord where a
member who only asks leaves nothing: with ``[privacy] secret`` set, a member's Teams id
and a chat's id are stored only as a keyed hash (HMAC-SHA256 with the secret), under a
random number (so the table's order tells nothing of when they were first seen). The
number still finds its Teams id again in this process (the adapter met it), from the
team's roster (:meth:`teams.runtime.TeamsRuntime.user_teams_id`), or, for a chat the
bot opened itself to write to a member, from the id :meth:`TeamsIds.reveal` stored.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from bot.db.engine import Engine
from teams import store
from teams.store import IdKind


def thread_of(conversation_id: str) -> tuple[str, str | None]:
    """``19:x@thread.tacv2;messageid=17`` → (``19:x@thread.tacv2``, ``17``)."""
    base, found, root = conversation_id.partition(";messageid=")
    return base, (root if found else None)


def is_channel(conversation_id: str) -> bool:
    """A team's channel (``19:…@thread.tacv2``, older ``@thread.skype``), not a chat."""
    base = thread_of(conversation_id)[0]
    return base.endswith(("@thread.tacv2", "@thread.skype"))


def is_private(kind: IdKind, teams_id: str) -> bool:
    """Whether the id names a person: a member, or a chat (a 1:1 chat is one member's)."""
    return kind == "user" or (kind == "conversation" and not is_channel(teams_id))


class UnknownTeamsId(LookupError):
    """A number that no Teams id was ever mapped to (a forged or foreign id)."""


class TeamsIds:
    def __init__(self, db: Engine, *, secret: str | None = None) -> None:
        self._db = db
        self._key = secret.encode() if secret else None
        self._numbers: dict[tuple[IdKind, str], int] = {}
        self._strings: dict[int, tuple[IdKind, str]] = {}

    def keyed(self, kind: IdKind, teams_id: str) -> str | None:
        """How ``teams_id`` is stored when it names a person (None: as it is)."""
        if self._key is None or not is_private(kind, teams_id):
            return None
        digest = hmac.new(self._key, f"plc-bot/v1|teams|{kind}|{teams_id}".encode(), "sha256")
        return store.KEYED + digest.hexdigest()

    def _remember(self, kind: IdKind, teams_id: str, number: int) -> int:
        self._numbers[(kind, teams_id)] = number
        self._strings[number] = (kind, teams_id)
        return number

    async def load(self) -> None:
        """Keep in memory what is stored as it is of ids that name a person (chats the bot
        opened to write to members, ids from before keyed storage): looking them up by
        their Teams id would put it in the database's debug log for anyone's turn."""
        async with self._db.read_in_thread() as conn:  # every such id, at start-up
            for number, kind, teams_id in await store.plain_private(conn):
                self._remember(kind, teams_id, number)

    async def _stored(self, kind: IdKind, teams_id: str) -> int | None:
        keyed = self.keyed(kind, teams_id)
        async with self._db.read() as conn:
            return await store.lookup(conn, kind, keyed or teams_id)

    async def number(self, kind: IdKind, teams_id: str) -> int:
        """The integer of ``teams_id``, allocated the first time."""
        found = await self.known(kind, teams_id)
        if found is not None:
            return found
        keyed = self.keyed(kind, teams_id)
        async with self._db.transaction() as conn:
            if keyed is None:
                found = await store.allocate(conn, kind, teams_id)
            else:
                found = await store.allocate_random(conn, kind, keyed, secrets.randbelow)
        return self._remember(kind, teams_id, found)

    async def known(self, kind: IdKind, teams_id: str) -> int | None:
        """The integer of ``teams_id`` if it has one (nothing is allocated)."""
        cached = self._numbers.get((kind, teams_id))
        if cached is not None:
            return cached
        found = await self._stored(kind, teams_id)
        return None if found is None else self._remember(kind, teams_id, found)

    async def reveal(self, kind: IdKind, teams_id: str) -> None:
        """Store ``teams_id`` itself, so its number finds it after a restart: a chat the bot
        opened to write to a member the core keeps (who is no anonymous asker)."""
        number = await self.number(kind, teams_id)
        async with self._db.transaction() as conn:
            await store.set_teams_id(conn, number, teams_id)

    async def string(self, number: int, kind: IdKind) -> str:
        """The Teams id behind ``number``; :class:`UnknownTeamsId` if none is known (a
        keyed one not met in this process) or it is of another kind."""
        cached = self._strings.get(number)
        if cached is None:
            async with self._db.read() as conn:
                stored = await store.teams_id(conn, number)
            if stored is not None and not stored[1].startswith(store.KEYED):
                self._remember(stored[0], stored[1], number)
                cached = stored
        if cached is None or cached[0] != kind:
            raise UnknownTeamsId(f"no Teams {kind} is known for the number {number}")
        return cached[1]

    async def find(self, number: int, kind: IdKind, candidates: Iterable[str]) -> str | None:
        """The Teams id behind ``number``: known, or the one of ``candidates`` (a team's
        roster) whose keyed hash was stored under it."""
        found = await self.maybe_string(number, kind)
        if found is not None:
            return found
        async with self._db.read() as conn:
            stored = await store.teams_id(conn, number)
        if stored is None or stored[0] != kind:
            return None
        for candidate in candidates:
            if self.keyed(kind, candidate) == stored[1]:
                self._remember(kind, candidate, number)
                return candidate
        return None

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
