"""Shared fixtures: a real SQLite file in tmp_path, a clock tests can move, the core."""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import core_on
from bot.clock import ControlledClock
from bot.config import Settings
from bot.db import Database
from bot.db.engine import Engine, open_database
from bot.db.url import DatabaseUrl
from bot.services.base import Core
from tests.isolation import is_bot_setting
from tests.postgres_server import INSTALL_HINT, PostgresServer, find_binaries
from tests.recording_chat import RecordingChat

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday, 09:00 in Toronto

_CALLER_SETTINGS = pytest.StashKey[dict[str, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--failover-seeds",
        default="11,23,37",
        help="the seeds of tests/reliability/test_failover.py, comma-separated (each picks "
        "the process killed and the message it dies at); more seeds, more kill points",
    )


@pytest.fixture(autouse=True)
def collector_as_python_sets_it() -> Iterator[None]:
    """Each test starts and ends with nothing frozen and Python's thresholds: a bot that
    settled its heap (``bot.app.settle_heap``) would otherwise keep what it froze out of
    the collector for the rest of the run."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def pytest_configure(config: pytest.Config) -> None:
    """Before collection: drop ``DISCORD_TOKEN`` and ``PLCBOT_*`` (they beat test values)."""
    removed = {name: os.environ.pop(name) for name in list(os.environ) if is_bot_setting(name)}
    config.stash[_CALLER_SETTINGS] = removed


def pytest_unconfigure(config: pytest.Config) -> None:
    """Give an in-process caller (``pytest.main``) its environment back."""
    os.environ.update(config.stash.get(_CALLER_SETTINGS, {}))


def config_file(folder: Path, text: str) -> Path:
    """A ``config.toml`` in ``folder`` holding ``text``; its path."""
    path = folder / "config.toml"
    path.write_text(text)
    return path


@pytest.fixture
def clock() -> ControlledClock:
    return ControlledClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "plc.sqlite3"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(
        database={"path": db_path},
        privacy={"secret": secrets.token_urlsafe(32)},
        discord={"token": "test-token"},
    )


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine the ``db`` fixture opens: SQLite, unless a folder's conftest runs its
    tests on both (``both_engines``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
async def db(engine: str, db_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Engine]:
    if engine == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = await server.fresh()
        served = await open_database(url)
        yield served
        await served.close()
        await server.drop(url)
        return
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture
def chat() -> RecordingChat:
    return RecordingChat()


@pytest.fixture
async def core(
    db: Engine, clock: ControlledClock, settings: Settings, chat: RecordingChat
) -> AsyncIterator[Core]:
    built = core_on(db, settings, clock, chat)
    yield built
    await built.scheduler.closes_written()  # before the database closes under them


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole run (skips where none is installed)."""
    yield from _throwaway_server()


@pytest.fixture(scope="module")
def stoppable_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the module's own, which its tests stop and start (an outage)
    without touching the one the other tests share."""
    yield from _throwaway_server()


def _throwaway_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server started for a fixture and removed after it; skips the test
    where PostgreSQL is not installed."""
    binaries = find_binaries()
    if binaries is None:
        pytest.skip(INSTALL_HINT)
    server = PostgresServer(binaries)
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
async def outage_url(stoppable_postgres: PostgresServer) -> AsyncIterator[DatabaseUrl]:
    """A migrated database of its own on :func:`stoppable_postgres`, which runs when the
    test starts (whatever an earlier test left) and is dropped after it."""
    if not stoppable_postgres.running:
        stoppable_postgres.start()
    url = await stoppable_postgres.fresh()
    yield url
    if not stoppable_postgres.running:
        stoppable_postgres.start()
    await stoppable_postgres.drop(url)


@pytest.fixture
async def database_url(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[DatabaseUrl | None]:
    """Where a harness's bot keeps its data: None for its SQLite file in the test's folder,
    or a fresh PostgreSQL database (emptied after the test for the next one) when
    ``engine`` says so."""
    if engine != "postgresql":
        yield None
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.fresh()
    yield url
    await server.recycle(url)


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[DatabaseUrl]:
    """A migrated PostgreSQL database of its own for one test, dropped after it."""
    url = await postgres_server.fresh()
    yield url
    await postgres_server.drop(url)
