"""Which process serves which of Discord's shards: a claim every process of one bot can
see, so a second process given shards a running one already serves refuses to start.

:class:`ShardClaims` is the interface an engine implements. On SQLite (one file, one
host) it is :class:`FileShardClaims`: ``<database>.shards`` beside the database, read
and rewritten under ``flock``. It sits outside the database because the instance
lock keeps a second process out of the database itself, and the overlap must be named
before that refusal. On PostgreSQL, which several processes share, the claims are a
table of the database (:mod:`bot.db.shard_claims`), seen from every host. A holder
renews its heartbeat while it runs and removes its claim when it stops; a claim whose
heartbeat is stale, or whose process is gone, no longer counts.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from bot.clock import Clock
from bot.config import ConfigError, Settings
from bot.config_discord import DiscordSettings
from bot.frozen import Frozen

log = logging.getLogger(__name__)

#: How often a running process renews its claim.
HEARTBEAT_EVERY = timedelta(seconds=10)
#: A claim not renewed for this long is a process that died or hangs: its shards are free.
STALE_AFTER = 3 * HEARTBEAT_EVERY


class ShardsTaken(Exception):
    """This process's shards overlap those of a running process; the message names them."""


class ShardClaim(Frozen):
    """One process's shards, and when it last said it was alive."""

    holder: str
    """A random id of this claim (two claims of one process stay apart)."""
    pid: int
    host: str
    shard_count: int
    shard_ids: tuple[int, ...]
    heartbeat: datetime

    def alive(self, now: datetime) -> bool:
        if now - self.heartbeat > STALE_AFTER:
            return False
        return self.host != socket.gethostname() or _process_exists(self.pid)

    def conflict(self, other: ShardClaim) -> str | None:
        """Why ``other`` (a running holder) keeps this claim from starting, or None."""
        who = f"process {other.pid} on {other.host}"
        if self.shard_count == other.shard_count == 1:  # two unsharded bots
            return (
                f"plc-bot is already running on this database ({who}); stop it first, "
                "or give each process its own shards (--shards, --shard-count)"
            )
        if other.shard_count != self.shard_count:
            return (
                f"shard_count {self.shard_count} differs from the {other.shard_count} of "
                f"{who} (shards {_ranges(other.shard_ids)}); every process of the bot must "
                "use the same shard_count"
            )
        overlap = sorted(set(self.shard_ids) & set(other.shard_ids))
        if not overlap:
            return None
        return (
            f"shards {_ranges(overlap)} of {self.shard_count} are already served by {who}; "
            "give this process other shards (--shards) or stop that one first"
        )


class ShardClaims(Protocol):
    """Where every process of one bot records the shards it serves."""

    def claim(self, claim: ShardClaim, now: datetime) -> None:
        """Record ``claim``, or raise :class:`ShardsTaken` when a live holder's overlap."""
        ...

    def renew(self, claim: ShardClaim, now: datetime) -> None:
        """Move the claim's heartbeat to ``now``."""
        ...

    def release(self, claim: ShardClaim) -> None:
        """Forget the claim: its shards are free."""
        ...


class FileShardClaims:
    """:class:`ShardClaims` in a JSON file, each change made under an exclusive ``flock``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def claim(self, claim: ShardClaim, now: datetime) -> None:
        self._change(admitting(claim, now))

    def renew(self, claim: ShardClaim, now: datetime) -> None:
        def change(held: list[ShardClaim]) -> list[ShardClaim]:
            if not any(other.holder == claim.holder for other in held):
                log.warning("the claim on shards %s was gone; recorded again", claim.shard_ids)
            others = [other for other in held if other.holder != claim.holder]
            return [*others, claim.model_copy(update={"heartbeat": now})]

        self._change(change)

    def release(self, claim: ShardClaim) -> None:
        self._change(lambda held: [other for other in held if other.holder != claim.holder])

    def held(self) -> list[ShardClaim]:
        """Every claim recorded, live or not."""
        found: list[ShardClaim] = []

        def keep(held: list[ShardClaim]) -> list[ShardClaim]:
            found.extend(held)
            return held

        self._change(keep)
        return found

    def _change(self, change: _Change) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for a read and a write: microseconds
            before = _read(fd)
            after = change(before)
            if after != before:
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                data = json.dumps([c.model_dump(mode="json") for c in after]).encode()
                os.write(fd, data)
        finally:
            os.close(fd)  # and the lock with it


class _Change(Protocol):
    def __call__(self, held: list[ShardClaim], /) -> list[ShardClaim]: ...


def _read(fd: int) -> list[ShardClaim]:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    if not chunks:
        return []
    try:
        return [ShardClaim.model_validate(item) for item in json.loads(b"".join(chunks))]
    except (ValueError, TypeError, ValidationError):
        # Only a process killed in the middle of a write leaves this; its claims were
        # stale anyway, and the ones still running write theirs back at their heartbeat.
        log.warning("the shard claims file was unreadable; starting it afresh")
        return []


def shard_claims_path(database_path: Path) -> Path:
    return Path(f"{database_path}.shards")


def shard_claims_for(settings: Settings) -> ShardClaims:
    """Beside an SQLite file; in a PostgreSQL database, seen from every host."""
    where = settings.database.location()
    if where.path is not None:
        return FileShardClaims(shard_claims_path(where.path))
    from bot.db.shard_claims import PostgresShardClaims  # asyncpg only when PostgreSQL is used

    return PostgresShardClaims(where)


@asynccontextmanager
async def holding_shards(
    settings: Settings, clock: Clock, claims: ShardClaims | None = None
) -> AsyncIterator[ShardClaim | None]:
    """Claim this process's shards while inside (:func:`claimed_shards`; nothing when it
    claims none): raises :class:`ShardsTaken` naming the overlap with a running process."""
    served = claimed_shards(settings)
    if served is None:
        yield None
        return
    shard_count, shard_ids = served
    store = claims or shard_claims_for(settings)
    claim = ShardClaim(
        holder=secrets.token_hex(8),
        pid=os.getpid(),
        host=socket.gethostname(),
        shard_count=shard_count,
        shard_ids=shard_ids,
        heartbeat=clock.now(),
    )
    await asyncio.to_thread(store.claim, claim, clock.now())
    log.info("serving shards %s of %d", _ranges(claim.shard_ids), claim.shard_count)
    renewing = asyncio.create_task(_renew(store, claim, clock), name="plc-bot:shard-claim")
    try:
        yield claim
    finally:
        renewing.cancel()
        with suppress(asyncio.CancelledError):
            await renewing
        await asyncio.to_thread(store.release, claim)


def claimed_shards(settings: Settings) -> tuple[int, tuple[int, ...]] | None:
    """The shard count and shards this process claims: those it is given. An unsharded
    Discord bot on PostgreSQL claims the whole bot (shard 0 of 1): other processes may
    open that database, and a second unsharded one would answer every interaction again;
    on SQLite the instance lock already keeps it out. None: nothing to claim."""
    discord = settings.discord
    if discord.shard_count is not None:
        return discord.shard_count, tuple(discord.served_shards())
    shared = settings.database.location().engine == "postgresql"
    if shared and discord.token is not None:
        return 1, (0,)
    return None


async def _renew(store: ShardClaims, claim: ShardClaim, clock: Clock) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_EVERY.total_seconds())
        try:
            await asyncio.to_thread(store.renew, claim, clock.now())
        except Exception as exc:  # a full disk, a server away: the next heartbeat tries again
            log.warning("could not renew the claim on shards %s: %s", claim.shard_ids, exc)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _ranges(ids: tuple[int, ...] | list[int]) -> str:
    """``[0, 1, 2, 3, 6]`` as ``0-3, 6``."""
    parts: list[str] = []
    for i in sorted(ids):
        if parts and parts[-1].split("-")[-1] == str(i - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{i}"
        else:
            parts.append(str(i))
    return ", ".join(parts)


def with_shards(settings: Settings, shards: str | None, shard_count: int | None) -> Settings:
    """``settings`` with ``plc-bot run --shards --shard-count`` over ``[discord]``'s,
    checked as the file's are (:class:`ConfigError` naming the flags)."""
    if shards is None and shard_count is None:
        return settings
    given = " ".join(
        [f"--shards {shards}"] * (shards is not None)
        + [f"--shard-count {shard_count}"] * (shard_count is not None)
    )
    values = settings.discord.model_dump()
    if shard_count is not None:
        values["shard_count"] = shard_count
        # The file's shards belong to the file's count; a new count without --shards
        # means every shard of it.
        values["shard_ids"] = None
    if shards is not None:
        values["shard_ids"] = shards
        if values["shard_count"] is None:
            raise ConfigError(
                f"{given}: needs --shard-count N (or [discord] shard_count), "
                "how many shards the whole bot has"
            )
    try:
        discord = DiscordSettings.model_validate(values)
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise ConfigError(f"{given}: {reasons}") from None
    return settings.model_copy(update={"discord": discord})


def admitting(claim: ShardClaim, now: datetime) -> Callable[[list[ShardClaim]], list[ShardClaim]]:
    """The change to the held claims that adds ``claim``: refused with :class:`ShardsTaken`
    naming every live claim it overlaps; claims no longer alive are dropped."""

    def change(held: list[ShardClaim]) -> list[ShardClaim]:
        running = [other for other in held if other.alive(now)]
        problems = [p for other in running if (p := claim.conflict(other)) is not None]
        if problems:
            raise ShardsTaken("cannot start: " + "; ".join(problems))
        return [*running, claim]

    return change
