"""The keyed rows of anonymous questions: rate limit, blocks, upvotes, reports, handles.

Every value here that stands for a person is a keyed hash computed over a fresh nonce
or over the item: the rows of one member look unrelated without the secret. This
module only stores and deletes them; the service computes them.
"""

from __future__ import annotations

from datetime import datetime

from bot.db.codec import exists, fetch_all, instant_to_db
from bot.db.connection import Connection
from bot.db.questions.models import AuthorHandle, Kind, RateRow, Tagged, TaggedRow

# -- rate limit ---------------------------------------------------------------------


async def rate_rows_since(conn: Connection, guild_id: int, since: datetime) -> list[RateRow]:
    return await fetch_all(
        conn,
        RateRow,
        "SELECT nonce, tag, at FROM question_rate WHERE guild_id = ? AND at > ? ORDER BY at",
        (guild_id, instant_to_db(since)),
    )


async def add_rate_row(
    conn: Connection, guild_id: int, nonce: bytes, tag: bytes, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO question_rate (guild_id, nonce, tag, at) VALUES (?, ?, ?, ?)",
        (guild_id, nonce, tag, instant_to_db(now)),
    )


async def purge_rate_rows(conn: Connection, cutoff: datetime, guild_id: int | None = None) -> int:
    """Rate rows at or before ``cutoff``: of one community, or of all (retention)."""
    cursor = await conn.execute(
        "DELETE FROM question_rate WHERE at <= ? AND (CAST(? AS BIGINT) IS NULL OR guild_id = ?)",
        (instant_to_db(cutoff), guild_id, guild_id),
    )
    return cursor.rowcount


# -- blocks -------------------------------------------------------------------------


async def blocks(conn: Connection, guild_id: int) -> list[AuthorHandle]:
    return await fetch_all(
        conn,
        AuthorHandle,
        "SELECT nonce, handle FROM question_blocks WHERE guild_id = ? ORDER BY id",
        (guild_id,),
    )


async def add_block(
    conn: Connection,
    guild_id: int,
    kind: Kind,
    number: int | None,
    author: AuthorHandle,
    now: datetime,
) -> bool:
    """Block the author behind ``author``; False if this very handle was already blocked."""
    cursor = await conn.execute(
        """
        INSERT INTO question_blocks (guild_id, kind, number, nonce, handle, blocked_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id, handle) DO NOTHING
        """,
        (guild_id, kind, number, author.nonce, author.handle, instant_to_db(now)),
    )
    return cursor.rowcount > 0


BLOCK_OF_ITEM = """
    b.guild_id = q.guild_id
    AND (b.handle = q.author_handle OR (b.kind = q.kind AND b.number = q.number))
"""
"""The block taken from item ``q`` (as ``b``): found by the item's handle while it
lasts, and by its "#N" for good (a block keeps the number it was taken from)."""


async def is_blocked(conn: Connection, question_id: int) -> bool:
    """Whether the author of this item is blocked through this item."""
    return await exists(
        conn,
        f"SELECT 1 FROM questions q JOIN question_blocks b ON {BLOCK_OF_ITEM} WHERE q.id = ?",  # noqa: S608
        (question_id,),
    )


async def remove_block(conn: Connection, question_id: int) -> bool:
    """Lift the block taken from this item; False if there was none to find."""
    cursor = await conn.execute(
        f"""
        DELETE FROM question_blocks WHERE id IN (
            SELECT b.id FROM questions q JOIN question_blocks b ON {BLOCK_OF_ITEM}
            WHERE q.id = ?
        )
        """,  # noqa: S608  # a fixed condition, no user input
        (question_id,),
    )
    return cursor.rowcount > 0


# -- upvotes and reports ------------------------------------------------------------

# The table and column of each kind of keyed tag (fixed names, never user input).
_TAG_TABLES: dict[Tagged, tuple[str, str]] = {
    "upvote": ("question_upvotes", "voter"),
    "report": ("question_reports", "reporter"),
}


async def toggle_upvote(conn: Connection, question_id: int, voter: bytes) -> bool:
    """Add the upvote, or take it back if it was there; True if it is now counted. An
    upvote is one statement, taking it back two."""
    cursor = await conn.execute(
        "INSERT INTO question_upvotes (question_id, voter) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (question_id, voter),
    )
    if cursor.rowcount:
        return True
    await delete_tag(conn, "upvote", question_id, voter)
    return False


async def has_report(conn: Connection, question_id: int, reporter: bytes) -> bool:
    return await exists(
        conn,
        "SELECT 1 FROM question_reports WHERE question_id = ? AND reporter = ?",
        (question_id, reporter),
    )


async def add_report(conn: Connection, question_id: int, reporter: bytes, now: datetime) -> bool:
    cursor = await conn.execute(
        """
        INSERT INTO question_reports (question_id, reporter, reported_at) VALUES (?, ?, ?)
        ON CONFLICT (question_id, reporter) DO NOTHING
        """,
        (question_id, reporter, instant_to_db(now)),
    )
    return cursor.rowcount > 0


async def tags(conn: Connection, guild_id: int, purpose: Tagged) -> list[TaggedRow]:
    """Every upvote (or report) tag of a community, with the item it is on."""
    table, column = _TAG_TABLES[purpose]
    return await fetch_all(
        conn,
        TaggedRow,
        f"""
        SELECT q.id AS question_id, q.ref, q.kind, q.number, t.{column} AS tag
        FROM {table} t JOIN questions q ON q.id = t.question_id WHERE q.guild_id = ?
        """,  # noqa: S608  # names from _TAG_TABLES only
        (guild_id,),
    )


async def delete_tag(conn: Connection, purpose: Tagged, question_id: int, tag: bytes) -> bool:
    table, column = _TAG_TABLES[purpose]
    cursor = await conn.execute(
        f"DELETE FROM {table} WHERE question_id = ? AND {column} = ?",  # noqa: S608
        (question_id, tag),
    )
    return cursor.rowcount > 0


# -- retention ----------------------------------------------------------------------


async def purge_reports_before(conn: Connection, cutoff: datetime) -> int:
    cursor = await conn.execute(
        "DELETE FROM question_reports WHERE reported_at <= ?", (instant_to_db(cutoff),)
    )
    return cursor.rowcount


async def erase_expired_handles(conn: Connection, now: datetime) -> int:
    """Forget which (unknown) person wrote items past their 14 days."""
    cursor = await conn.execute(
        """
        UPDATE questions SET author_nonce = NULL, author_handle = NULL, handle_expires_at = NULL
        WHERE handle_expires_at IS NOT NULL AND handle_expires_at <= ?
        """,
        (instant_to_db(now),),
    )
    return cursor.rowcount
