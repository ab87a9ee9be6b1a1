"""Checking every page of the database file, off the bot's own connection.

``PRAGMA quick_check`` reads every page: seconds on a big file. It runs on a read-only
connection of its own in a worker thread, so commands go on meanwhile and the check
can never write to the file it judges.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

#: SQLite's result codes for a file whose pages are not what SQLite wrote.
DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
#: SQLite asks whether to stop the check every this many steps of its program.
_PROGRESS_STEPS = 10_000
_BUSY_TIMEOUT_S = 10


def verdict(rows: Iterable[Sequence[object]]) -> str | None:
    """``quick_check``'s rows as one line (None when it said "ok"): the first findings,
    without SQLite's "*** in database main ***" headings."""
    found = [
        line.strip()
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if found == ["ok"]:
        return None
    if not found:
        return "no answer"
    shown = "; ".join(found[:3])
    return shown if len(found) <= 3 else f"{shown} (and {len(found) - 3} more)"


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database, attached to its WAL."""
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        timeout=_BUSY_TIMEOUT_S,
        check_same_thread=False,
    )
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        log.warning("%s: cannot read the database header (%s)", path, exc)
    return conn


class PageCheck:
    """One ``PRAGMA quick_check`` (:meth:`run`, in a worker thread) that the event loop
    may stop (:meth:`stop`)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stopped = False

    def run(self) -> str | None:
        """What is wrong with the file, in SQLite's words, or None if it is sound.

        Errors that say nothing about the pages (busy, stopped, a read error) are raised.
        """
        conn = read_only(self._path)
        # Checked between steps of the check, so a stop is never lost in a race.
        conn.set_progress_handler(lambda: self._stopped, _PROGRESS_STEPS)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            if self._stopped or exc.sqlite_errorcode & 0xFF not in DAMAGE_CODES:
                raise
            return str(exc)
        finally:
            conn.close()
        return verdict(rows)

    def stop(self) -> None:
        self._stopped = True
