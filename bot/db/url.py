"""``[database] url``: which engine holds the data, and where.

``sqlite:///relative/path``, ``sqlite:////absolute/path`` (the embedded default, also
reached through ``[database] path``) or ``postgresql://user:password@host:port/name``
(PostgreSQL 15 or newer, through asyncpg).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Engine = Literal["sqlite", "postgresql"]
_POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database address: an SQLite file, or a PostgreSQL server's database."""

    engine: Engine
    path: Path | None = None
    dsn: str | None = None

    @classmethod
    def sqlite(cls, path: Path) -> DatabaseUrl:
        return cls("sqlite", path=Path(path))

    @property
    def shown(self) -> str:
        """The address for messages and logs: a password is never shown."""
        if self.path is not None:
            return str(self.path)
        parts = urlsplit(self.dsn or "")
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        return f"postgresql://{user}{host}{port}{parts.path}"


def parse_database_url(text: str) -> DatabaseUrl:
    """``text`` read as a database URL; :class:`ValueError` says what is wrong with it."""
    scheme, sep, rest = text.strip().partition("://")
    if not sep:
        raise ValueError(
            "must be sqlite:///path/to/file.sqlite3 or postgresql://user:password@host/name"
        )
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ValueError(
                "an SQLite URL is sqlite:///relative/file.sqlite3 or sqlite:////absolute/file"
            )
        return DatabaseUrl.sqlite(Path(rest[1:]))
    if scheme in _POSTGRES_SCHEMES:
        return _postgresql(text.strip())
    raise ValueError(f"unknown database {scheme!r}: use sqlite:/// or postgresql://")


def _postgresql(text: str) -> DatabaseUrl:
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port of a PostgreSQL URL must be a number") from None
    if port == 0:
        raise ValueError("the port of a PostgreSQL URL must be a number from 1 to 65535")
    if not parts.path.strip("/"):
        raise ValueError(
            "a PostgreSQL URL names its database: postgresql://user:password@host:5432/name"
        )
    if not parts.hostname and "host=" not in parts.query:
        raise ValueError("a PostgreSQL URL names its server: postgresql://user@host/name")
    return DatabaseUrl("postgresql", dsn=text)


class DatabaseSettings(BaseModel):
    """``[database]``: an SQLite ``path`` (the default) or a ``url``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path = Path("plc-bot.sqlite3")
    """The SQLite file, when no ``url`` is given (the embedded default)."""
    url: str | None = None
    """``sqlite:///file`` or ``postgresql://user:password@host:port/name``."""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            parse_database_url(value)
        return value

    @model_validator(mode="after")
    def _one_address(self) -> DatabaseSettings:
        if self.url is not None and "path" in self.model_fields_set:
            raise ValueError("set either path or url, not both")
        return self

    def location(self) -> DatabaseUrl:
        """Where the data lives: ``url`` when given, else the SQLite file at ``path``."""
        return DatabaseUrl.sqlite(self.path) if self.url is None else parse_database_url(self.url)
