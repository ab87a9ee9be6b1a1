"""Action items: commitments taken in sessions, reviewed and reminded (SQL only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from bot.db.codec import Table, fetch_column, insert_returning_id, instant_to_db
from bot.db.connection import Connection
from bot.db.erasure import delete_rows, unsign
from bot.frozen import Frozen

ActionStatus = Literal["open", "done", "carried"]
PENDING: tuple[ActionStatus, ...] = ("open", "carried")


class ActionItem(Frozen):
    id: int
    guild_id: int
    session_id: int | None
    text: str
    owner_id: int
    due_on: date | None
    status: ActionStatus
    created_by: int | None
    created_at: datetime
    done_at: datetime | None
    reviewed_in: int | None
    carried_count: int

    @property
    def pending(self) -> bool:
        return self.status in PENDING


_ACTION_ITEMS = Table("action_items", ActionItem)


async def insert(
    conn: Connection,
    guild_id: int,
    session_id: int | None,
    text: str,
    owner_id: int,
    due_on: date | None,
    created_by: int,
    now: datetime,
) -> ActionItem:
    action_id = await insert_returning_id(
        conn,
        """
        INSERT INTO action_items (guild_id, session_id, text, owner_id, due_on, created_by,
                                  created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        (
            guild_id,
            session_id,
            text,
            owner_id,
            due_on.isoformat() if due_on else None,
            created_by,
            instant_to_db(now),
        ),
    )
    return await _ACTION_ITEMS.get(conn, action_id)


async def get(conn: Connection, action_id: int) -> ActionItem | None:
    return await _ACTION_ITEMS.one(conn, "id = ?", action_id)


async def of_session(conn: Connection, session_id: int) -> list[ActionItem]:
    return await _ACTION_ITEMS.all(conn, "session_id = ? ORDER BY id", session_id)


async def pending_before(conn: Connection, guild_id: int, session_id: int) -> list[ActionItem]:
    """Open and carried-over actions not taken in ``session_id``: what it reviews."""
    return await _ACTION_ITEMS.all(
        conn,
        """
        guild_id = ? AND status IN ('open', 'carried')
          AND (session_id IS NULL OR session_id <> ?)
        ORDER BY due_on IS NULL, due_on, id
        """,
        guild_id,
        session_id,
    )


async def listing(
    conn: Connection, guild_id: int, owner_id: int | None, include_done: bool
) -> list[ActionItem]:
    """Actions of the community (or of one owner), pending first, soonest due first."""
    conditions = ["guild_id = ?"]
    params: list[object] = [guild_id]
    if owner_id is not None:
        conditions.append("owner_id = ?")
        params.append(owner_id)
    if not include_done:
        conditions.append("status IN ('open', 'carried')")
    return await _ACTION_ITEMS.all(
        conn,
        f"""
        {" AND ".join(conditions)}
        ORDER BY status = 'done', due_on IS NULL, due_on, id
        """,
        *params,
    )


async def mark_done(conn: Connection, action_id: int, now: datetime) -> bool:
    cursor = await conn.execute(
        """
        UPDATE action_items SET status = 'done', done_at = ?
        WHERE id = ? AND status IN ('open', 'carried')
        """,
        (instant_to_db(now), action_id),
    )
    return cursor.rowcount > 0


async def mark_carried(conn: Connection, action_id: int, session_id: int) -> bool:
    """Carried over by a review; once per reviewing session."""
    cursor = await conn.execute(
        """
        UPDATE action_items SET status = 'carried', carried_count = carried_count + 1,
            reviewed_in = ?
        WHERE id = ? AND status IN ('open', 'carried')
          AND (reviewed_in IS NULL OR reviewed_in <> ?)
        """,
        (session_id, action_id, session_id),
    )
    return cursor.rowcount > 0


async def set_reviewed(conn: Connection, action_id: int, session_id: int) -> None:
    await conn.execute(
        "UPDATE action_items SET reviewed_in = ? WHERE id = ?", (session_id, action_id)
    )


async def member_actions(conn: Connection, guild_id: int, user_id: int) -> list[ActionItem]:
    return await _ACTION_ITEMS.all(
        conn,
        """
        guild_id = ? AND (owner_id = ? OR created_by = ?)
        ORDER BY id
        """,
        guild_id,
        user_id,
        user_id,
    )


async def forget_member(conn: Connection, guild_id: int, user_id: int) -> list[int]:
    """Delete the member's own actions and unsign those they wrote for others."""
    owned = await fetch_column(
        conn, "SELECT id FROM action_items WHERE guild_id = ? AND owner_id = ?", (guild_id, user_id)
    )
    await delete_rows(conn, "action_items", guild_id, user_id, column="owner_id")
    await unsign(conn, "action_items", "created_by", guild_id, user_id)
    return owned
