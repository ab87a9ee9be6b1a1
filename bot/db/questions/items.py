"""Questions and topics: storing, numbering, moving through review and posting, reading."""

from __future__ import annotations

from datetime import datetime

from bot.db.codec import (
    fetch_all,
    fetch_one,
    fetch_rows,
    fetch_value,
    from_row,
    insert_returning_id,
    instant_to_db,
)
from bot.db.connection import Connection, Row
from bot.db.questions.keyed import BLOCK_OF_ITEM
from bot.db.questions.models import (
    AuthorHandle,
    Kind,
    ModerationCounts,
    OpenCounts,
    QuestionItem,
    Review,
)

_SELECT = f"""
    SELECT q.*,
        (SELECT COUNT(*) FROM question_upvotes u WHERE u.question_id = q.id) AS upvotes,
        EXISTS (SELECT 1 FROM question_blocks b WHERE {BLOCK_OF_ITEM}) AS author_blocked
    FROM questions q
"""  # noqa: S608  # fixed SQL only


def _item(row: Row) -> QuestionItem:
    return from_row(QuestionItem, row, blockable=row["author_handle"] is not None)


async def _one(conn: Connection, where: str, params: tuple[object, ...]) -> QuestionItem | None:
    return await fetch_one(conn, _item, f"{_SELECT} WHERE {where}", params)


async def _many(conn: Connection, sql: str, params: tuple[object, ...]) -> list[QuestionItem]:
    return await fetch_all(conn, _item, f"{_SELECT} {sql}", params)


async def _changed(conn: Connection, sql: str, params: tuple[object, ...]) -> bool:
    cursor = await conn.execute(sql, params)
    return cursor.rowcount > 0


async def insert(
    conn: Connection,
    *,
    guild_id: int,
    ref: str,
    kind: Kind,
    text: str,
    details: str,
    proposer_id: int | None,
    author: AuthorHandle | None,
    handle_expires_at: datetime | None,
) -> int:
    return await insert_returning_id(
        conn,
        """
        INSERT INTO questions (guild_id, ref, kind, text, details, proposer_id,
            author_nonce, author_handle, handle_expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            guild_id,
            ref,
            kind,
            text,
            details,
            proposer_id,
            author.nonce if author else None,
            author.handle if author else None,
            instant_to_db(handle_expires_at) if handle_expires_at else None,
        ),
    )


async def get(conn: Connection, question_id: int) -> QuestionItem | None:
    return await _one(conn, "q.id = ?", (question_id,))


async def get_by_ref(conn: Connection, guild_id: int, ref: str) -> QuestionItem | None:
    return await _one(conn, "q.guild_id = ? AND q.ref = ?", (guild_id, ref))


async def get_by_message(conn: Connection, guild_id: int, message_id: int) -> QuestionItem | None:
    """The item whose public post is ``message_id``."""
    return await _one(conn, "q.guild_id = ? AND q.message_id = ?", (guild_id, message_id))


async def get_by_number(
    conn: Connection, guild_id: int, kind: Kind, number: int
) -> QuestionItem | None:
    """The item shown as "#N" of its kind (numbers are given when posting)."""
    return await _one(
        conn, "q.guild_id = ? AND q.kind = ? AND q.number = ?", (guild_id, kind, number)
    )


async def find_ref(conn: Connection, ref: str) -> QuestionItem | None:
    """By ref alone (a timer knows only the ref)."""
    return await _one(conn, "q.ref = ?", (ref,))


async def author_handle(conn: Connection, question_id: int, now: datetime) -> AuthorHandle | None:
    """The item's keyed link to its author, unless it expired (even if not yet erased)."""
    rows = await fetch_rows(
        conn,
        """
        SELECT author_nonce, author_handle FROM questions
        WHERE id = ? AND author_handle IS NOT NULL
            AND (handle_expires_at IS NULL OR handle_expires_at > ?)
        """,
        (question_id, instant_to_db(now)),
    )
    return AuthorHandle(nonce=rows[0][0], handle=rows[0][1]) if rows else None


async def assign_number(conn: Connection, question_id: int) -> int:
    """Give the item its "#N" (next free per community and kind) unless it has one."""
    await conn.execute(
        """
        UPDATE questions SET number = (
            SELECT COALESCE(MAX(other.number), 0) + 1 FROM questions other
            WHERE other.guild_id = questions.guild_id AND other.kind = questions.kind
        )
        WHERE id = ? AND number IS NULL
        """,
        (question_id,),
    )
    number = await fetch_value(conn, "SELECT number FROM questions WHERE id = ?", (question_id,))
    assert number is not None
    return int(number)


# -- moving through review and posting -----------------------------------------------


async def set_in_review(
    conn: Connection, question_id: int, channel_id: int, message_id: int
) -> bool:
    return await _changed(
        conn,
        """
        UPDATE questions SET status = 'review', review_channel_id = ?, review_message_id = ?
        WHERE id = ? AND status = 'queued'
        """,
        (channel_id, message_id, question_id),
    )


async def set_posted(
    conn: Connection, question_id: int, channel_id: int, message_id: int, now: datetime
) -> bool:
    return await _changed(
        conn,
        """
        UPDATE questions SET status = 'posted', channel_id = ?, message_id = ?, posted_at = ?
        WHERE id = ? AND status IN ('queued', 'approved')
        """,
        (channel_id, message_id, instant_to_db(now), question_id),
    )


async def set_thread(conn: Connection, question_id: int, thread_id: int) -> None:
    await conn.execute(
        "UPDATE questions SET thread_id = ? WHERE id = ? AND thread_id IS NULL",
        (thread_id, question_id),
    )


async def set_reviewed(conn: Connection, question_id: int, outcome: Review) -> bool:
    """Approve or reject an item in review; a rejected item's text is erased at once."""
    if outcome == "approved":
        sql = """
            UPDATE questions SET status = 'approved', reviewed = 'approved'
            WHERE id = ? AND status = 'review'
        """
    else:
        sql = """
            UPDATE questions SET status = 'rejected', reviewed = 'rejected', text = '',
                details = ''
            WHERE id = ? AND status = 'review'
        """
    return await _changed(conn, sql, (question_id,))


async def set_removed(conn: Connection, question_id: int) -> bool:
    """Take an item down, posted or approved but not posted yet (it then never is)."""
    return await _changed(
        conn,
        """
        UPDATE questions SET status = 'removed', text = '', details = ''
        WHERE id = ? AND status IN ('approved', 'posted')
        """,
        (question_id,),
    )


async def set_failed(conn: Connection, question_id: int) -> bool:
    return await _changed(
        conn,
        "UPDATE questions SET status = 'failed' WHERE id = ? AND status IN ('queued', 'approved')",
        (question_id,),
    )


async def set_answered(conn: Connection, question_id: int, now: datetime) -> bool:
    return await _changed(
        conn,
        """
        UPDATE questions SET answered_at = ?
        WHERE id = ? AND status = 'posted' AND answered_at IS NULL
        """,
        (instant_to_db(now), question_id),
    )


async def mark_discussed(
    conn: Connection,
    guild_id: int,
    question_ids: list[int],
    session_ref: str,
    now: datetime,
) -> list[int]:
    """Mark open items discussed; returns the ids that changed (others already were)."""
    changed: list[int] = []
    for question_id in question_ids:
        if await _changed(
            conn,
            """
            UPDATE questions SET discussed_at = ?, session_ref = ?
            WHERE id = ? AND guild_id = ? AND status = 'posted' AND discussed_at IS NULL
            """,
            (instant_to_db(now), session_ref, question_id, guild_id),
        ):
            changed.append(question_id)
    return changed


# -- reading --------------------------------------------------------------------------


async def top_open(conn: Connection, guild_id: int, limit: int) -> list[QuestionItem]:
    return await _many(
        conn,
        """
        WHERE q.guild_id = ? AND q.status = 'posted'
            AND q.answered_at IS NULL AND q.discussed_at IS NULL
        ORDER BY upvotes DESC, q.posted_at, q.id
        LIMIT ?
        """,
        (guild_id, limit),
    )


async def moderation_counts(conn: Connection, guild_id: int) -> ModerationCounts:
    counts = await fetch_one(
        conn,
        ModerationCounts,
        """
        SELECT
            COUNT(CASE WHEN reviewed = 'approved' THEN 1 END) AS approved,
            COUNT(CASE WHEN reviewed = 'rejected' THEN 1 END) AS rejected,
            COUNT(CASE WHEN status = 'removed' THEN 1 END) AS removed,
            (SELECT COUNT(*) FROM question_blocks b WHERE b.guild_id = ?) AS blocked
        FROM questions WHERE guild_id = ?
        """,
        (guild_id, guild_id),
    )
    assert counts is not None  # an aggregate always has its row
    return counts


async def open_counts(conn: Connection, guild_id: int) -> OpenCounts:
    [row] = await fetch_rows(  # an aggregate always has its row
        conn,
        """
        SELECT
            COUNT(CASE WHEN kind = 'question' AND status = 'posted' AND answered_at IS NULL
                AND discussed_at IS NULL THEN 1 END) AS questions,
            COUNT(CASE WHEN kind = 'topic' AND status = 'posted' AND answered_at IS NULL
                AND discussed_at IS NULL THEN 1 END) AS topics,
            COUNT(CASE WHEN status = 'review' THEN 1 END) AS in_review
        FROM questions WHERE guild_id = ?
        """,
        (guild_id,),
    )
    return OpenCounts(row[0], row[1], row[2])


# -- signed topics: the only rows keyed to a member ----------------------------------


async def signed_topics(conn: Connection, guild_id: int, user_id: int) -> list[QuestionItem]:
    return await _many(
        conn, "WHERE q.guild_id = ? AND q.proposer_id = ? ORDER BY q.id", (guild_id, user_id)
    )


async def delete_signed_topics(conn: Connection, guild_id: int, user_id: int) -> int:
    cursor = await conn.execute(
        "DELETE FROM questions WHERE guild_id = ? AND proposer_id = ?", (guild_id, user_id)
    )
    return cursor.rowcount
