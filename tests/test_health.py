"""Health checks, ``/healthz`` over a real socket, and ``plc-bot health`` without a port."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.clock import ControlledClock
from bot.config import ConfigError, OpsSettings
from bot.db import Database
from bot.health import HealthServer, Probes, check, serving_health
from bot.instance import InstanceLock
from tests.ports import free_port, taken_port


def probes(
    db: Database,
    clock: ControlledClock,
    *,
    gateway: bool = True,
    scheduler: bool = True,
    next_due: datetime | None = None,
) -> Probes:
    async def due() -> datetime | None:
        return next_due

    return Probes(
        gateway_connected=lambda: gateway,
        scheduler_alive=lambda: scheduler,
        next_due=due,
        database=db,
        clock=clock,
    )


async def test_all_good_is_healthy(db: Database, clock: ControlledClock) -> None:
    health = await check(probes(db, clock, next_due=clock.now() + timedelta(hours=1)))
    assert health.healthy and health.problems == []
    assert health.line() == (
        "healthy: gateway connected, database writable, scheduler alive, no overdue timer"
    )


async def test_each_failure_is_named(db: Database, clock: ControlledClock) -> None:
    overdue = clock.now() - timedelta(minutes=20)
    health = await check(probes(db, clock, gateway=False, scheduler=False, next_due=overdue))
    assert not health.healthy
    assert health.oldest_overdue_timer == overdue
    assert health.line() == (
        "unhealthy: gateway disconnected; scheduler stopped; "
        f"a timer is overdue since {overdue.isoformat()}"
    )
    # A timer due a minute ago is what the next sweep runs: not overdue yet.
    recent = await check(probes(db, clock, next_due=clock.now() - timedelta(minutes=1)))
    assert recent.healthy and recent.oldest_overdue_timer is None


async def test_a_closed_database_is_not_writable(db_path: Path, clock: ControlledClock) -> None:
    db = await Database.open(db_path)
    await db.close()
    health = await check(probes(db, clock))
    assert not health.healthy and not health.database_writable
    assert health.problems[0].startswith("database not writable")


async def test_a_damaged_database_and_the_paused_scheduler_are_named(
    db: Database, clock: ControlledClock
) -> None:
    await db.mark_damaged("On tree page 30 cell 4: Offset 0 out of range")
    checks = probes(db, clock)
    paused = Probes(
        gateway_connected=checks.gateway_connected,
        scheduler_alive=checks.scheduler_alive,
        scheduler_paused=lambda: True,
        next_due=checks.next_due,
        database=db,
        clock=clock,
    )
    health = await check(paused)
    assert not health.healthy
    assert not health.database_writable and health.scheduler_alive is False
    assert health.line() == (
        "unhealthy: database damaged (On tree page 30 cell 4: Offset 0 out of range): "
        "writes stopped; restore the latest backup (see README, Operations: Backup and "
        "restore); scheduler paused: no reminder or other scheduled post goes out"
    )


async def test_healthz_answers_over_a_real_socket(db: Database, clock: ControlledClock) -> None:
    state = {"gateway": True}
    checks = probes(db, clock)
    checks = Probes(
        gateway_connected=lambda: state["gateway"],
        scheduler_alive=checks.scheduler_alive,
        next_due=checks.next_due,
        database=db,
        clock=clock,
    )
    server = HealthServer(checks, "127.0.0.1", 0)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}/healthz"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as response:
                assert response.status == 200
                body = await response.json()
            state["gateway"] = False
            async with http.get(url) as response:
                assert response.status == 503
                down = await response.json()
    finally:
        await server.stop()
    assert body["healthy"] is True
    assert {k: body[k] for k in ("gateway_connected", "database_writable", "scheduler_alive")} == {
        "gateway_connected": True,
        "database_writable": True,
        "scheduler_alive": True,
    }
    assert body["oldest_overdue_timer"] is None
    assert down["healthy"] is False and down["problems"] == ["gateway disconnected"]


async def test_a_health_port_in_use_stops_start_up_clearly(
    db: Database, clock: ControlledClock
) -> None:
    with taken_port() as port:
        settings = OpsSettings(health_port=port)
        with pytest.raises(ConfigError, match=f"health_port: cannot listen on 127.0.0.1:{port}"):
            async with serving_health(settings, probes(db, clock)):
                pass


def _config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "bot.sqlite3"}"\n{extra}')
    return config


def test_plc_bot_health_without_a_port_reads_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    assert main(["health", "--config", str(config)]) == 1
    missing = tmp_path / "bot.sqlite3"
    assert capsys.readouterr().out.strip() == f"unhealthy: no database at {missing}"

    assert main(["migrate", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["health", "--config", str(config)]) == 1
    assert "no plc-bot is running on" in capsys.readouterr().out

    with InstanceLock(tmp_path / "bot.sqlite3"):  # what a running bot holds
        assert main(["health", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == "healthy: database writable, no overdue timer"


def test_plc_bot_health_with_a_port_and_nothing_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    config = _config(tmp_path, f"[ops]\nhealth_port = {port}\n")
    assert main(["health", "--config", str(config)]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"unhealthy: no answer from http://127.0.0.1:{port}/healthz")
    assert len(out.splitlines()) == 1
