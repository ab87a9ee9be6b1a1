"""The pages a piece of work writes to SQLite's write-ahead log, by b-tree (a table or an
index), read from the WAL file itself: what its commits cost the disk.

The bot never checkpoints inside a write (``wal_autocheckpoint=0``), so the frames a
piece of work appends stay in the log after it, in order.
"""

from __future__ import annotations

import sqlite3
import struct
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass
class Written:
    commits: list[Counter[str]] = field(default_factory=list)
    """Each commit's pages, counted by the b-tree they belong to."""

    @property
    def pages(self) -> int:
        return sum(sum(commit.values()) for commit in self.commits)

    def btrees(self) -> set[str]:
        return {name for commit in self.commits for name in commit}


def _frames(wal: Path, start: int, page_size: int) -> list[tuple[int, bool]]:
    """(page number, ends a commit) of each frame from byte ``start`` on."""
    data = wal.read_bytes()
    found, offset = [], max(start, WAL_HEADER)
    while offset + FRAME_HEADER + page_size <= len(data):
        page, size_after_commit = struct.unpack(">II", data[offset : offset + 8])
        found.append((page, size_after_commit != 0))
        offset += FRAME_HEADER + page_size
    return found


@contextmanager
def pages_written(path: Path) -> Iterator[Written]:
    """What the work inside the block appends to the log of the database at ``path``."""
    wal = path.with_name(path.name + "-wal")
    salt_at = 16  # the log's salts change when it restarts (after a checkpoint)
    before = wal.read_bytes()[salt_at : salt_at + 8]
    start = wal.stat().st_size
    written = Written()
    yield written
    assert wal.read_bytes()[salt_at : salt_at + 8] == before, "the log restarted meanwhile"
    with closing(sqlite3.connect(path)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        names = dict(conn.execute("SELECT pageno, name FROM dbstat").fetchall())
    commit: Counter[str] = Counter()
    for page, ends_commit in _frames(wal, start, page_size):
        commit[names.get(page, f"page {page}")] += 1
        if ends_commit:
            written.commits.append(commit)
            commit = Counter()
