"""What a privacy scan of the Discord side reads: a member's traces, what the bot sent and
was answered (less what names a member to the bot by design), the public messages, and
logging as production writes it at DEBUG."""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.db.engine import Engine
from tests.e2e.harness import BotHarness, Harness

EPHEMERAL = 64


@contextmanager
def production_logging(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """DEBUG everywhere, as in production with ``level = "DEBUG"``: ``bot.logs`` keeps
    discord.py's own loggers at INFO because their DEBUG dumps raw gateway payloads."""
    discord_logger = logging.getLogger("discord")
    saved = discord_logger.level
    caplog.set_level(logging.DEBUG)
    discord_logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        discord_logger.setLevel(saved)


def member_traces(h: Harness, member: str) -> dict[str, bytes]:
    user = h.emu.state.users[h.user(member)]
    traces = {
        "id as text": str(user.id).encode(),
        "id as SQLite integer": struct.pack(">q", user.id),
        "username": user.username.encode(),
    }
    if user.global_name:
        traces["display name"] = user.global_name.encode()
        traces["display name, JSON-escaped"] = json.dumps(user.global_name).strip('"').encode()
    return traces


def files_of(*paths: Path) -> bytes:
    return b"".join(p.read_bytes() for p in paths if p.exists())


# The bot's tables, by engine: SQLite's catalogue, or the server's for this database.
_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
}


async def database_rows(h: BotHarness[Any]) -> list[bytes]:
    """Every value of every table, as bytes (integers as text and as SQLite stores them):
    what the database holds, read through SQL on either engine."""
    values: list[bytes] = []
    async with h.core.db.read() as conn:
        cursor = await conn.execute(_TABLES[h.location.engine])
        tables = [str(row[0]) for row in await cursor.fetchall()]
        for table in tables:
            cursor = await conn.execute(f'SELECT * FROM "{table}"')
            for row in await cursor.fetchall():
                values += [_as_bytes(value) for value in tuple(row)]
    return values


async def stored_bytes(h: BotHarness[Any]) -> bytes:
    """What the database keeps, as bytes: the SQLite file (checkpointed first, so the
    WAL's pages are in it), or on PostgreSQL every value of every table."""
    if h.database is not None:
        return b"\n".join(await database_rows(h))
    await h.core.db.checkpoint()
    return h.db_path.read_bytes()


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).encode() + struct.pack(">q", value)
    return str(value).encode()


def is_ephemeral(value: Any) -> bool:
    """Whether a recorded answer is (or wraps) an ephemeral message."""
    if isinstance(value, dict):
        if isinstance(value.get("flags"), int) and value["flags"] & EPHEMERAL:
            return True
        return any(is_ephemeral(v) for v in value.values())
    if isinstance(value, list):
        return any(is_ephemeral(v) for v in value)
    return False


def recorded_but_what_names_the_asker_to_the_bot(h: Harness) -> bytes:
    """The whole recorder dump, less what must name the asker: Discord telling the bot
    who is in the guild (GUILD_CREATE) and who clicked (INTERACTION_CREATE), and the
    answers to the asker's own ephemeral replies (interaction metadata, seen by them only).
    """
    out: list[bytes] = []
    for request in h.emu.recorder.requests:
        sent = {"method": request.method, "path": request.path, "json": request.json}
        out.append(json.dumps(sent, ensure_ascii=False).encode())
        out.extend(f.data for f in request.files)
        if not is_ephemeral(request.response):
            out.append(json.dumps(request.response, ensure_ascii=False).encode())
    for frame in h.emu.recorder.frames:
        if frame.direction == "send" and frame.t in ("GUILD_CREATE", "INTERACTION_CREATE"):
            continue
        out.append(json.dumps(frame.d, ensure_ascii=False).encode())
    return b"\n".join(out)


def public_messages(h: Harness) -> bytes:
    """Every non-ephemeral message of the guild as Discord would show it to members."""
    out = []
    for channel in h.emu.state.guild_channels(h.guild.id):
        for message in h.emu.messages_in(channel.id):
            out.append(json.dumps(message.to_json(h.emu.state), ensure_ascii=False).encode())
    return b"\n".join(out)


def logged(caplog: pytest.LogCaptureFixture) -> bytes:
    """Every log line, message and traceback the test captured."""
    return "\n".join(
        [caplog.text]
        + [record.getMessage() for record in caplog.records]
        + [record.exc_text or "" for record in caplog.records]
    ).encode()


async def author_values(db: Engine) -> list[bytes]:
    """Every stored value that links a question to its author (keyed hashes, nonces):
    two questions of one author must share none."""
    async with db.read() as conn:
        cursor = await conn.execute("SELECT author_nonce, author_handle FROM questions ORDER BY id")
        rows = [tuple(row) for row in await cursor.fetchall()]
        cursor = await conn.execute("SELECT nonce, tag FROM question_rate")
        rows += [tuple(row) for row in await cursor.fetchall()]
    return [value for row in rows for value in row if value is not None]
