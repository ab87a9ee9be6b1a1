"""Persistence: the SQLite connection and one repository module per feature."""

from bot.db.database import Database, DatabaseError

__all__ = ["Database", "DatabaseError"]
