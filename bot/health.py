"""Is the bot doing its job? Answers for Docker's HEALTHCHECK, systemd and monitors.

Two ways to ask:

- the running bot serves ``GET /healthz`` on ``[ops] health_port``
  (:class:`HealthServer`): gateway connected, database writable, scheduler alive,
  oldest overdue timer; HTTP 200 when healthy, 503 otherwise;
- ``plc-bot health`` asks that port (:func:`query`) or, without one, looks at the
  database read-only and at who holds its instance lock (:func:`check_offline`).

Nothing here imports discord: the bot hands over plain callables (:class:`Probes`).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web
from pydantic import computed_field

from bot import __version__
from bot.clock import Clock
from bot.config import OpsSettings
from bot.db import bot_state
from bot.db.codec import instant_from_db, instant_to_db
from bot.db.database import RESTORE_ADVICE, DatabaseError, available_migrations
from bot.db.engine import DatabaseUnavailable, Engine
from bot.frozen import Frozen
from bot.instance import lock_holder
from bot.web import listen

log = logging.getLogger(__name__)

# The scheduler sweeps every minute; a timer still pending 5 minutes after its
# time means nothing is running it.
OVERDUE_AFTER = timedelta(minutes=5)
HEARTBEAT_KEY = "health_checked_at"
QUERY_TIMEOUT_SECONDS = 10
#: How long a database server has to answer the health write, well within the query's.
DATABASE_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Probes:
    """What the running bot can tell about itself, as plain callables."""

    gateway_connected: Callable[[], bool] | None
    """Discord's gateway (None: this bot does not serve Discord)."""
    scheduler_alive: Callable[[], bool]
    next_due: Callable[[], Awaitable[datetime | None]]
    """When the earliest pending timer the scheduler handles is due."""
    database: Engine
    clock: Clock
    scheduler_paused: Callable[[], bool] = lambda: False
    """The scheduler was paused (the database is damaged): alive, but running nothing."""
    teams_listening: Callable[[], bool] | None = None
    """The Teams messaging endpoint (None: this bot does not serve Teams)."""


class Health(Frozen):
    """One answer: healthy when nothing is wrong; ``None`` means "not checked this way"."""

    database_writable: bool
    problems: list[str]
    checked_at: datetime
    gateway_connected: bool | None = None
    scheduler_alive: bool | None = None
    oldest_overdue_timer: datetime | None = None
    teams_listening: bool | None = None
    version: str = __version__

    @computed_field  # type: ignore[prop-decorator]
    @property
    def healthy(self) -> bool:
        return not self.problems

    def line(self) -> str:
        """The one line ``plc-bot health`` prints."""
        if not self.healthy:
            return "unhealthy: " + "; ".join(self.problems)
        facts = []
        if self.gateway_connected is not None:
            facts.append("gateway connected")
        if self.teams_listening is not None:
            facts.append("Teams endpoint listening")
        facts.append("database writable")
        if self.scheduler_alive is not None:
            facts.append("scheduler alive")
        facts.append(
            "no overdue timer"
            if self.oldest_overdue_timer is None
            else f"oldest pending timer due {self.oldest_overdue_timer.isoformat()}"
        )
        return "healthy: " + ", ".join(facts)


# -- in the running bot -----------------------------------------------------------------


async def check(probes: Probes) -> Health:
    now = probes.clock.now()
    problems: list[str] = []
    gateway = probes.gateway_connected() if probes.gateway_connected is not None else None
    if gateway is False:
        problems.append("gateway disconnected")
    teams = probes.teams_listening() if probes.teams_listening is not None else None
    if teams is False:
        problems.append("Teams endpoint not listening")
    writable = await _database_writable(probes.database, now, problems)
    scheduler = probes.scheduler_alive() and not probes.scheduler_paused()
    if not probes.scheduler_alive():
        problems.append("scheduler stopped")
    elif probes.scheduler_paused():
        problems.append("scheduler paused: no reminder or other scheduled post goes out")
    overdue: datetime | None = None
    try:
        due = await probes.next_due()
    except Exception as exc:  # a broken database is already reported above
        log.warning("health: reading the timers failed: %s", exc)
        due = None
    if due is not None and due < now - OVERDUE_AFTER:
        overdue = due
        problems.append(f"a timer is overdue since {due.isoformat()}")
    return Health(
        gateway_connected=gateway,
        teams_listening=teams,
        database_writable=writable,
        scheduler_alive=scheduler,
        oldest_overdue_timer=overdue,
        problems=problems,
        checked_at=now,
    )


async def _database_writable(db: Engine, now: datetime, problems: list[str]) -> bool:
    """A real write (one row in ``bot_state``): a read-only or full disk shows here."""
    if db.damage is not None:  # never written again: no write to try
        problems.append(f"database damaged ({db.damage}): writes stopped; {RESTORE_ADVICE}")
        return False
    write = asyncio.ensure_future(_heartbeat(db, now))
    # A server may hang rather than refuse. Its answer is not awaited past the limit, nor
    # is the write's cancellation (its rollback would wait on the same server): that
    # ends in the background. SQLite's file answers, if only once a busy writer is done
    # (its busy timeout), so it gets no limit of its own.
    limit = DATABASE_TIMEOUT_SECONDS if db.shared else None
    done, _ = await asyncio.wait({write}, timeout=limit)
    if not done:
        write.cancel()
        write.add_done_callback(_outcome_read)
        problems.append(f"database unreachable: no answer within {limit} s")
        return False
    try:
        write.result()
    except DatabaseUnavailable as exc:
        problems.append(f"database unreachable: {exc}")
        return False
    except Exception as exc:
        problems.append(f"database not writable ({exc})")
        return False
    return True


async def _heartbeat(db: Engine, now: datetime) -> None:
    async with db.transaction() as conn:
        await bot_state.put(conn, HEARTBEAT_KEY, instant_to_db(now))


def _outcome_read(task: asyncio.Future[None]) -> None:
    """A write given up on ends quietly, however it ends."""
    if not task.cancelled():
        task.exception()


class HealthServer:
    """``GET /healthz`` on a port of its own (aiohttp, in the bot's event loop)."""

    def __init__(self, probes: Probes, host: str, port: int) -> None:
        self._probes = probes
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        runner = await listen(
            app,
            self._host,
            self._port,
            setting="[ops] health_port",
            hint="choose a free port or remove health_port",
        )
        self._runner = runner
        self._port = runner.addresses[0][1]
        log.info("health endpoint on http://%s:%d/healthz", self._host, self._port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        health = await check(self._probes)
        return web.json_response(
            health.model_dump(mode="json"), status=200 if health.healthy else 503
        )


@asynccontextmanager
async def serving_health(settings: OpsSettings, probes: Probes) -> AsyncIterator[None]:
    """Serve ``/healthz`` while the bot runs, if ``[ops] health_port`` is set."""
    if settings.health_port is None:
        yield
        return
    server = HealthServer(probes, settings.health_host, settings.health_port)
    await server.start()
    try:
        yield
    finally:
        await server.stop()


# -- from the command line --------------------------------------------------------------


def query(host: str, port: int, now: datetime) -> Health:
    """Ask a running bot's ``/healthz``; no answer is itself unhealthy."""
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - listening everywhere includes loopback
        host = "127.0.0.1"
    connection = http.client.HTTPConnection(host, port, timeout=QUERY_TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read()
        return Health.model_validate(json.loads(body))
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _unreachable(f"no answer from http://{host}:{port}/healthz ({reason})", now)
    finally:
        connection.close()


def _unreachable(problem: str, now: datetime) -> Health:
    return Health(database_writable=False, problems=[problem], checked_at=now)


def check_offline(db_path: Path, now: datetime) -> Health:
    """Without a health port: the database, read-only, and whether a bot runs on it.

    Overdue timers are reported but not judged here: without the running bot's list of
    handled kinds, a kind left out of ``[discord] cogs`` (parked) looks the same.
    """
    if not db_path.is_file():
        return _unreachable(f"no database at {db_path}", now)
    problems: list[str] = []
    pending: datetime | None = None
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)) as conn:
            (verdict,) = conn.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                problems.append(f"database damaged ({verdict}); {RESTORE_ADVICE}")
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            migrations = available_migrations()
            latest = migrations[-1][0] if migrations else 0
            if version != latest:
                problems.append(
                    f"database at schema {version}, this plc-bot expects {latest} "
                    "(it migrates at start; or run plc-bot migrate)"
                )
            if version > 0:
                (oldest,) = conn.execute(
                    "SELECT MIN(COALESCE(retry_at, due_at)) FROM timers WHERE status = 'pending'"
                ).fetchone()
                if oldest is not None and instant_from_db(oldest) < now - OVERDUE_AFTER:
                    pending = instant_from_db(oldest)
    except (sqlite3.Error, DatabaseError) as exc:
        problems.append(f"cannot read the database {db_path} ({exc})")
    writable = os.access(db_path, os.W_OK) and os.access(db_path.parent, os.W_OK)
    if not writable:
        problems.append(f"{db_path} or its folder is not writable")
    if lock_holder(db_path) is None:
        problems.append(f"no plc-bot is running on {db_path}")
    return Health(
        database_writable=writable, oldest_overdue_timer=pending, problems=problems, checked_at=now
    )
