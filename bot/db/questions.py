"""Anonymous questions, topic proposals, their upvotes, reports, blocks and rate rows."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.db.codec import instant_from_db, instant_to_db, optional_instant
from bot.db.connection import Connection, Row

Kind = Literal["question", "topic"]
Status = Literal["queued", "review", "approved", "posted", "rejected", "removed", "failed"]
Review = Literal["approved", "rejected"]


class QuestionItem(BaseModel):
    """A question or a topic, as anyone may see it: never who wrote it (unless signed)."""

    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    ref: str
    kind: Kind
    number: int | None
    text: str
    details: str
    proposer_id: int | None
    status: Status
    reviewed: Review | None
    review_channel_id: int | None
    review_message_id: int | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    answered_at: datetime | None
    discussed_at: datetime | None
    session_ref: str | None
    posted_at: datetime | None
    upvotes: int
    blockable: bool
    """Its author can still be blocked (an anonymous item whose handle is not erased)."""

    @property
    def anonymous(self) -> bool:
        return self.proposer_id is None

    @property
    def is_open(self) -> bool:
        return self.status == "posted" and self.answered_at is None and self.discussed_at is None


class AuthorHandle(BaseModel):
    """The keyed link of one item to its author; only the secret makes it useful."""

    model_config = ConfigDict(frozen=True)

    nonce: bytes
    handle: bytes


class RateRow(BaseModel):
    """One earlier submission, tagged for its (unknown) author."""

    model_config = ConfigDict(frozen=True)

    nonce: bytes
    tag: bytes
    at: datetime


class ModerationCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    approved: int
    rejected: int
    removed: int
    blocked: int


class OpenCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    questions: int
    topics: int
    in_review: int


class TaggedRow(BaseModel):
    """A keyed tag of a member on one item (an upvote or a report)."""

    model_config = ConfigDict(frozen=True)

    question_id: int
    ref: str
    kind: Kind
    number: int | None
    tag: bytes


_SELECT = """
    SELECT q.*,
        (SELECT COUNT(*) FROM question_upvotes u WHERE u.question_id = q.id) AS upvotes
    FROM questions q
"""


def _item(row: Row) -> QuestionItem:
    return QuestionItem(
        id=row["id"],
        guild_id=row["guild_id"],
        ref=row["ref"],
        kind=row["kind"],
        number=row["number"],
        text=row["text"],
        details=row["details"],
        proposer_id=row["proposer_id"],
        status=row["status"],
        reviewed=row["reviewed"],
        review_channel_id=row["review_channel_id"],
        review_message_id=row["review_message_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        answered_at=optional_instant(row["answered_at"]),
        discussed_at=optional_instant(row["discussed_at"]),
        session_ref=row["session_ref"],
        posted_at=optional_instant(row["posted_at"]),
        upvotes=row["upvotes"],
        blockable=row["author_handle"] is not None,
    )


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
    cursor = await conn.execute(
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
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def get(conn: Connection, question_id: int) -> QuestionItem | None:
    cursor = await conn.execute(f"{_SELECT} WHERE q.id = ?", (question_id,))
    row = await cursor.fetchone()
    return _item(row) if row else None


async def get_by_ref(conn: Connection, guild_id: int, ref: str) -> QuestionItem | None:
    cursor = await conn.execute(
        f"{_SELECT} WHERE q.guild_id = ? AND q.ref = ?",
        (guild_id, ref),
    )
    row = await cursor.fetchone()
    return _item(row) if row else None


async def find_ref(conn: Connection, ref: str) -> QuestionItem | None:
    """By ref alone (a timer knows only the ref and its guild row)."""
    cursor = await conn.execute(f"{_SELECT} WHERE q.ref = ?", (ref,))
    row = await cursor.fetchone()
    return _item(row) if row else None


async def author_handle(conn: Connection, question_id: int) -> AuthorHandle | None:
    cursor = await conn.execute(
        "SELECT author_nonce, author_handle FROM questions WHERE id = ?", (question_id,)
    )
    row = await cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return AuthorHandle(nonce=row[0], handle=row[1])


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
    cursor = await conn.execute("SELECT number FROM questions WHERE id = ?", (question_id,))
    row = await cursor.fetchone()
    assert row is not None and row[0] is not None
    return int(row[0])


async def set_in_review(
    conn: Connection, question_id: int, channel_id: int, message_id: int
) -> bool:
    cursor = await conn.execute(
        """
        UPDATE questions SET status = 'review', review_channel_id = ?, review_message_id = ?
        WHERE id = ? AND status = 'queued'
        """,
        (channel_id, message_id, question_id),
    )
    return cursor.rowcount > 0


async def set_posted(
    conn: Connection, question_id: int, channel_id: int, message_id: int, now: datetime
) -> bool:
    cursor = await conn.execute(
        """
        UPDATE questions SET status = 'posted', channel_id = ?, message_id = ?, posted_at = ?
        WHERE id = ? AND status IN ('queued', 'approved')
        """,
        (channel_id, message_id, instant_to_db(now), question_id),
    )
    return cursor.rowcount > 0


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
    cursor = await conn.execute(sql, (question_id,))
    return cursor.rowcount > 0


async def set_removed(conn: Connection, question_id: int) -> bool:
    cursor = await conn.execute(
        """
        UPDATE questions SET status = 'removed', text = '', details = ''
        WHERE id = ? AND status = 'posted'
        """,
        (question_id,),
    )
    return cursor.rowcount > 0


async def set_failed(conn: Connection, question_id: int) -> bool:
    cursor = await conn.execute(
        """
        UPDATE questions SET status = 'failed'
        WHERE id = ? AND status IN ('queued', 'approved')
        """,
        (question_id,),
    )
    return cursor.rowcount > 0


async def set_answered(conn: Connection, question_id: int, now: datetime) -> bool:
    cursor = await conn.execute(
        """
        UPDATE questions SET answered_at = ?
        WHERE id = ? AND status = 'posted' AND answered_at IS NULL
        """,
        (instant_to_db(now), question_id),
    )
    return cursor.rowcount > 0


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
        cursor = await conn.execute(
            """
            UPDATE questions SET discussed_at = ?, session_ref = ?
            WHERE id = ? AND guild_id = ? AND status = 'posted' AND discussed_at IS NULL
            """,
            (instant_to_db(now), session_ref, question_id, guild_id),
        )
        if cursor.rowcount > 0:
            changed.append(question_id)
    return changed


async def top_open(conn: Connection, guild_id: int, limit: int) -> list[QuestionItem]:
    cursor = await conn.execute(
        f"""
        {_SELECT}
        WHERE q.guild_id = ? AND q.status = 'posted'
            AND q.answered_at IS NULL AND q.discussed_at IS NULL
        ORDER BY upvotes DESC, q.posted_at, q.id
        LIMIT ?
        """,
        (guild_id, limit),
    )
    return [_item(row) for row in await cursor.fetchall()]


async def moderation_counts(conn: Connection, guild_id: int) -> ModerationCounts:
    cursor = await conn.execute(
        """
        SELECT
            COALESCE(SUM(reviewed = 'approved'), 0),
            COALESCE(SUM(reviewed = 'rejected'), 0),
            COALESCE(SUM(status = 'removed'), 0),
            (SELECT COUNT(*) FROM question_blocks b WHERE b.guild_id = ?)
        FROM questions WHERE guild_id = ?
        """,
        (guild_id, guild_id),
    )
    row = await cursor.fetchone()
    assert row is not None
    return ModerationCounts(approved=row[0], rejected=row[1], removed=row[2], blocked=row[3])


async def open_counts(conn: Connection, guild_id: int) -> OpenCounts:
    cursor = await conn.execute(
        """
        SELECT
            COALESCE(SUM(kind = 'question' AND status = 'posted' AND answered_at IS NULL
                AND discussed_at IS NULL), 0),
            COALESCE(SUM(kind = 'topic' AND status = 'posted' AND answered_at IS NULL
                AND discussed_at IS NULL), 0),
            COALESCE(SUM(status = 'review'), 0)
        FROM questions WHERE guild_id = ?
        """,
        (guild_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    return OpenCounts(questions=row[0], topics=row[1], in_review=row[2])


# -- rate limit ---------------------------------------------------------------------


async def rate_rows_since(conn: Connection, guild_id: int, since: datetime) -> list[RateRow]:
    cursor = await conn.execute(
        "SELECT nonce, tag, at FROM question_rate WHERE guild_id = ? AND at > ? ORDER BY at",
        (guild_id, instant_to_db(since)),
    )
    return [
        RateRow(nonce=row[0], tag=row[1], at=instant_from_db(row[2]))
        for row in await cursor.fetchall()
    ]


async def add_rate_row(
    conn: Connection, guild_id: int, nonce: bytes, tag: bytes, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO question_rate (guild_id, nonce, tag, at) VALUES (?, ?, ?, ?)",
        (guild_id, nonce, tag, instant_to_db(now)),
    )


async def purge_rate_rows(conn: Connection, guild_id: int, cutoff: datetime) -> int:
    cursor = await conn.execute(
        "DELETE FROM question_rate WHERE guild_id = ? AND at <= ?",
        (guild_id, instant_to_db(cutoff)),
    )
    return cursor.rowcount


# -- blocks -------------------------------------------------------------------------


async def blocks(conn: Connection, guild_id: int) -> list[AuthorHandle]:
    cursor = await conn.execute(
        "SELECT nonce, handle FROM question_blocks WHERE guild_id = ? ORDER BY id", (guild_id,)
    )
    return [AuthorHandle(nonce=row[0], handle=row[1]) for row in await cursor.fetchall()]


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


# -- upvotes and reports ------------------------------------------------------------


async def toggle_upvote(conn: Connection, question_id: int, voter: bytes) -> bool:
    """Add the upvote, or take it back if it was there; True if it is now counted."""
    cursor = await conn.execute(
        "DELETE FROM question_upvotes WHERE question_id = ? AND voter = ?", (question_id, voter)
    )
    if cursor.rowcount > 0:
        return False
    await conn.execute(
        "INSERT INTO question_upvotes (question_id, voter) VALUES (?, ?)", (question_id, voter)
    )
    return True


async def has_report(conn: Connection, question_id: int, reporter: bytes) -> bool:
    cursor = await conn.execute(
        "SELECT 1 FROM question_reports WHERE question_id = ? AND reporter = ?",
        (question_id, reporter),
    )
    return await cursor.fetchone() is not None


async def add_report(conn: Connection, question_id: int, reporter: bytes, now: datetime) -> bool:
    cursor = await conn.execute(
        """
        INSERT INTO question_reports (question_id, reporter, reported_at) VALUES (?, ?, ?)
        ON CONFLICT (question_id, reporter) DO NOTHING
        """,
        (question_id, reporter, instant_to_db(now)),
    )
    return cursor.rowcount > 0


async def purge_reports_before(conn: Connection, guild_id: int, cutoff: datetime) -> int:
    cursor = await conn.execute(
        """
        DELETE FROM question_reports WHERE reported_at <= ?
            AND question_id IN (SELECT id FROM questions WHERE guild_id = ?)
        """,
        (instant_to_db(cutoff), guild_id),
    )
    return cursor.rowcount


async def upvote_tags(conn: Connection, guild_id: int) -> list[TaggedRow]:
    cursor = await conn.execute(
        """
        SELECT q.id, q.ref, q.kind, q.number, u.voter FROM question_upvotes u
        JOIN questions q ON q.id = u.question_id WHERE q.guild_id = ?
        """,
        (guild_id,),
    )
    return [
        TaggedRow(question_id=r[0], ref=r[1], kind=r[2], number=r[3], tag=r[4])
        for r in await cursor.fetchall()
    ]


async def report_tags(conn: Connection, guild_id: int) -> list[TaggedRow]:
    cursor = await conn.execute(
        """
        SELECT q.id, q.ref, q.kind, q.number, r.reporter FROM question_reports r
        JOIN questions q ON q.id = r.question_id WHERE q.guild_id = ?
        """,
        (guild_id,),
    )
    return [
        TaggedRow(question_id=r[0], ref=r[1], kind=r[2], number=r[3], tag=r[4])
        for r in await cursor.fetchall()
    ]


async def delete_upvote(conn: Connection, question_id: int, voter: bytes) -> None:
    await conn.execute(
        "DELETE FROM question_upvotes WHERE question_id = ? AND voter = ?", (question_id, voter)
    )


async def delete_report(conn: Connection, question_id: int, reporter: bytes) -> None:
    await conn.execute(
        "DELETE FROM question_reports WHERE question_id = ? AND reporter = ?",
        (question_id, reporter),
    )


# -- signed topics (the only member-keyed rows) and retention -----------------------


async def signed_topics(conn: Connection, guild_id: int, user_id: int) -> list[QuestionItem]:
    cursor = await conn.execute(
        f"{_SELECT} WHERE q.guild_id = ? AND q.proposer_id = ? ORDER BY q.id",
        (guild_id, user_id),
    )
    return [_item(row) for row in await cursor.fetchall()]


async def delete_signed_topics(conn: Connection, guild_id: int, user_id: int) -> int:
    cursor = await conn.execute(
        "DELETE FROM questions WHERE guild_id = ? AND proposer_id = ?", (guild_id, user_id)
    )
    return cursor.rowcount


async def erase_expired_handles(conn: Connection, guild_id: int, now: datetime) -> int:
    """Forget which (unknown) person wrote items older than 14 days (RELIABILITY G3)."""
    cursor = await conn.execute(
        """
        UPDATE questions SET author_nonce = NULL, author_handle = NULL, handle_expires_at = NULL
        WHERE guild_id = ? AND handle_expires_at IS NOT NULL AND handle_expires_at <= ?
        """,
        (guild_id, instant_to_db(now)),
    )
    return cursor.rowcount
