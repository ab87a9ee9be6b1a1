"""A database file damaged the way a failing disk or a stray write damages one, and what an
operator sees of the file afterwards.

The damage is one page of a table that neither start-up nor the commands these tests
run ever read (:data:`TABLE`), so the bot runs on until a page check finds it:
its header claims five cells that point nowhere, which ``PRAGMA quick_check`` reports.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

#: Empty in these tests, and read only by ``/ask``.
TABLE = "question_blocks"
#: The offset of a b-tree page's cell count in its header.
CELL_COUNT = 3
#: What ``quick_check`` says of that page (and what the bot names).
SYMPTOM = "out of range"


def _root_page(db_path: Path) -> tuple[int, int]:
    """(page number, page size) of :data:`TABLE`, read without writing anything."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (TABLE,)
        ).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    return int(root), int(page_size)


def damage_pages(db_path: Path, *, keep_stamp: bool) -> None:
    """Break one page in place. ``keep_stamp``: the file keeps its size and modification
    time (what a clean stop recorded); otherwise its modification time moves on."""
    page, page_size = _root_page(db_path)
    before = db_path.stat()
    fd = os.open(db_path, os.O_RDWR)
    try:
        os.pwrite(fd, b"\x00\x05", (page - 1) * page_size + CELL_COUNT)
        os.fsync(fd)
    finally:
        os.close(fd)
    later = before.st_mtime_ns if keep_stamp else before.st_mtime_ns + 2_000_000_000
    os.utime(db_path, ns=(before.st_atime_ns, later))
    assert db_path.stat().st_size == before.st_size


def truncate(db_path: Path) -> None:
    """Cut the file in half (a copy that did not finish, a full disk at the wrong time)."""
    size = db_path.stat().st_size
    with db_path.open("r+b") as f:
        f.truncate(size // 2)


@dataclass(frozen=True)
class Bytes:
    """The database file and its write-ahead log, byte for byte (None: no WAL)."""

    database: bytes
    wal: bytes | None

    @classmethod
    def of(cls, db_path: Path) -> Bytes:
        wal = db_path.with_name(db_path.name + "-wal")
        return cls(db_path.read_bytes(), wal.read_bytes() if wal.exists() else None)


def clean_stop_record(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".clean-stop")
