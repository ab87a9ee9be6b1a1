"""Where ``plc-bot backup`` writes, and which old copies ``--keep N`` removes.

Given a folder, each backup is ``plc-bot-YYYYMMDD-HHMMSS.sqlite3`` (UTC) inside it, so
the names sort by age; ``--keep N`` then removes all but the N newest files of that
pattern, never anything else in the folder. Given a file name, the copy goes there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.db.database import DatabaseError

BACKUP_NAME = re.compile(r"^plc-bot-\d{8}-\d{6}\.sqlite3$")


class BackupError(DatabaseError):
    """The backup cannot be written where asked; the message says why."""


@dataclass(frozen=True)
class BackupPlan:
    target: Path
    keep: int | None = None

    def prune(self) -> list[Path]:
        """Remove the oldest timestamped backups beyond ``keep``; returns what went."""
        if self.keep is None:
            return []
        folder = self.target.parent
        backups = sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name))
        removed = backups[: max(0, len(backups) - self.keep)]
        for old in removed:
            old.unlink(missing_ok=True)
        return removed


def plan_backup(path: Path, *, keep: int | None, now: datetime) -> BackupPlan:
    """Check the destination before anything is opened; refuse with a clear message."""
    if path.is_dir():
        folder, target = path, path / f"plc-bot-{now:%Y%m%d-%H%M%S}.sqlite3"
    else:
        if keep is not None:
            raise BackupError(
                f"{path}: --keep needs a folder (backups are named by date inside it)"
            )
        folder, target = path.parent, path
        if not folder.is_dir():
            raise BackupError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"{folder}: not writable by this user; choose another folder")
    return BackupPlan(target=target, keep=keep)
