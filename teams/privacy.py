"""What the Teams adapter keeps about a member, in ``/me export`` and gone with ``/me delete``.

The adapter keeps, for a member who spoke to the bot, their locale, their 1:1 chat with
the bot and the team they last acted in: erased with the member (learnt again at their
next message). Their Teams id's number is erased too once no community keeps them as a
member, so nothing links the number to them any more.
"""

from __future__ import annotations

from typing import Any

from bot.db.connection import Connection
from teams import store
from teams.ids import TeamsIds


class TeamsPersonalData:
    name = "teams"

    def __init__(self, ids: TeamsIds, chats: dict[int, str]) -> None:
        self._ids = ids
        self._chats = chats

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        """What is kept of the member (their Teams id as this process knows it: the database
        may hold only its keyed hash, see :mod:`teams.ids`)."""
        if user_id >= 0:
            return {}
        found = await store.user(conn, user_id)
        return {
            "teams_id": await self._ids.maybe_string(user_id, "user"),
            "locale": found.locale if found else None,
            "personal_chat_known": bool(user_id in self._chats or (found and found.personal_chat)),
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        if user_id >= 0:
            return
        await store.forget_user(conn, user_id)
        self._chats.pop(user_id, None)
        if not await store.member_elsewhere(conn, guild_id, user_id):
            await store.forget_number(conn, user_id)
            self._ids.forget(user_id)
