"""The Teams adapter's tables (``migrations/0009_teams.sql``): ids, teams, members.

Every Teams id the core ever sees is mapped to a negative integer, allocated once and
kept: the same string always gives the same number, in this process and after a
restart. Teams and members carry what writing to them later needs (the service URL
and tenant a turn came from, a member's 1:1 chat and locale).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from bot.db.codec import fetch_all, fetch_one, instant_to_db
from bot.db.connection import Connection
from bot.frozen import Frozen

IdKind = Literal["team", "conversation", "user", "message"]


async def lookup(conn: Connection, kind: IdKind, teams_id: str) -> int | None:
    row = await (
        await conn.execute(
            "SELECT id FROM teams_ids WHERE kind = ? AND teams_id = ?", (kind, teams_id)
        )
    ).fetchone()
    return int(row[0]) if row else None


async def allocate(conn: Connection, kind: IdKind, teams_id: str) -> int:
    """The number of ``teams_id``, given the next free negative one the first time."""
    found = await lookup(conn, kind, teams_id)
    if found is not None:
        return found
    await conn.execute(
        """
        INSERT INTO teams_ids (id, kind, teams_id)
        VALUES ((SELECT COALESCE(MIN(id), 0) - 1 FROM teams_ids WHERE id > ?), ?, ?)
        """,
        (SEQUENTIAL_MIN, kind, teams_id),
    )
    allocated = await lookup(conn, kind, teams_id)
    assert allocated is not None
    return allocated


KEYED = "k:"
"""The prefix of a Teams id stored as a keyed hash (:mod:`teams.ids`)."""
SEQUENTIAL_MIN = -(2**31)
"""Numbers given in order stay above this; random ones are below it."""
RANDOM_MIN = -(2**52)
"""Random numbers stay above this: a number in a card's data goes through Teams' client
(JavaScript), whose numbers are exact up to 2**53."""


async def allocate_random(
    conn: Connection, kind: IdKind, stored: str, randbelow: Callable[[int], int]
) -> int:
    """The number of ``stored`` (a keyed hash), a random free one the first time."""
    found = await lookup(conn, kind, stored)
    while found is None:
        candidate = RANDOM_MIN + randbelow(SEQUENTIAL_MIN - RANDOM_MIN)
        cursor = await conn.execute(
            "INSERT INTO teams_ids (id, kind, teams_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (candidate, kind, stored),
        )
        if cursor.rowcount:
            found = candidate
    return found


async def plain_private(conn: Connection) -> list[tuple[int, IdKind, str]]:
    """Member and chat ids stored as they are (not as a keyed hash)."""
    cursor = await conn.execute(
        """
        SELECT id, kind, teams_id FROM teams_ids
        WHERE kind IN ('user', 'conversation') AND substr(teams_id, 1, ?) <> ?
        """,
        (len(KEYED), KEYED),
    )
    return [(int(row[0]), row[1], str(row[2])) for row in await cursor.fetchall()]


async def set_teams_id(conn: Connection, number: int, teams_id: str) -> None:
    await conn.execute("UPDATE teams_ids SET teams_id = ? WHERE id = ?", (teams_id, number))


async def teams_id(conn: Connection, number: int) -> tuple[IdKind, str] | None:
    row = await (
        await conn.execute("SELECT kind, teams_id FROM teams_ids WHERE id = ?", (number,))
    ).fetchone()
    return (row[0], str(row[1])) if row else None


class Reach(Frozen):
    """What writing to a team or member later needs: the service URL and tenant the
    turn came from."""

    service_url: str
    tenant_id: str


class TeamRecord(Reach):
    team_id: int
    name: str | None = None


class UserRecord(Reach):
    user_id: int
    personal_chat: str | None = None
    locale: str | None = None
    last_team_id: int | None = None


async def team(conn: Connection, team_id: int) -> TeamRecord | None:
    return await fetch_one(
        conn, TeamRecord, "SELECT * FROM teams_teams WHERE team_id = ?", (team_id,)
    )


async def teams(conn: Connection) -> list[TeamRecord]:
    return await fetch_all(conn, TeamRecord, "SELECT * FROM teams_teams ORDER BY team_id DESC")


async def save_team(conn: Connection, record: TeamRecord, now: datetime) -> None:
    await conn.execute(
        """
        INSERT INTO teams_teams (team_id, service_url, tenant_id, name, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (team_id) DO UPDATE SET service_url = excluded.service_url,
            tenant_id = excluded.tenant_id, name = COALESCE(excluded.name, teams_teams.name),
            updated_at = excluded.updated_at
        """,
        (record.team_id, record.service_url, record.tenant_id, record.name, instant_to_db(now)),
    )


async def user(conn: Connection, user_id: int) -> UserRecord | None:
    return await fetch_one(
        conn, UserRecord, "SELECT * FROM teams_users WHERE user_id = ?", (user_id,)
    )


async def save_user(conn: Connection, record: UserRecord, now: datetime) -> None:
    """Keep what a turn told of a member; a value the turn did not give stays as it was."""
    await conn.execute(
        """
        INSERT INTO teams_users (user_id, service_url, tenant_id, personal_chat, locale,
                                 last_team_id, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET service_url = excluded.service_url,
            tenant_id = excluded.tenant_id,
            personal_chat = COALESCE(excluded.personal_chat, teams_users.personal_chat),
            locale = COALESCE(excluded.locale, teams_users.locale),
            last_team_id = COALESCE(excluded.last_team_id, teams_users.last_team_id),
            updated_at = excluded.updated_at
        """,
        (
            record.user_id,
            record.service_url,
            record.tenant_id,
            record.personal_chat,
            record.locale,
            record.last_team_id,
            instant_to_db(now),
        ),
    )


async def forget_personal_chat(conn: Connection, user_id: int) -> None:
    """Teams no longer knows the 1:1 chat (the member removed the app): ask again next time."""
    await conn.execute("UPDATE teams_users SET personal_chat = NULL WHERE user_id = ?", (user_id,))


async def forget_user(conn: Connection, user_id: int) -> None:
    await conn.execute("DELETE FROM teams_users WHERE user_id = ?", (user_id,))


async def member_elsewhere(conn: Connection, guild_id: int, user_id: int) -> bool:
    """Whether another community keeps this member."""
    cursor = await conn.execute(
        "SELECT 1 FROM members WHERE user_id = ? AND guild_id <> ? LIMIT 1", (user_id, guild_id)
    )
    return await cursor.fetchone() is not None


async def forget_number(conn: Connection, number: int) -> None:
    await conn.execute("DELETE FROM teams_ids WHERE id = ? AND kind = 'user'", (number,))


async def move_service(conn: Connection, service_url: str) -> None:
    """Serve every known team and member at ``service_url`` from now on (the playground's
    emulator listens on a new port each run; Teams itself says a new address in the next
    activity)."""
    await conn.execute("UPDATE teams_teams SET service_url = ?", (service_url,))
    await conn.execute("UPDATE teams_users SET service_url = ?", (service_url,))
