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

    def __init__(self, ids: TeamsIds) -> None:
        self._ids = ids

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        if user_id >= 0:
            return {}
        found = await store.user(conn, user_id)
        teams_id = await store.teams_id(conn, user_id)
        return {
            "teams_id": teams_id[1] if teams_id else None,
            "locale": found.locale if found else None,
            "personal_chat_known": bool(found and found.personal_chat),
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        if user_id >= 0:
            return
        await store.forget_user(conn, user_id)
        if not await store.member_elsewhere(conn, guild_id, user_id):
            await store.forget_number(conn, user_id)
            self._ids.forget(user_id)
