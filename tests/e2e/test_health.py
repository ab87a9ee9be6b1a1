"""``/healthz`` and ``plc-bot health`` on the running bot: a stopped gateway is unhealthy."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli import main
from tests.e2e.harness import Harness
from tests.ports import free_port


async def healthz(port: int) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


async def plc_bot_health(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    # In a thread: the command blocks on HTTP while this loop serves /healthz.
    code = await asyncio.to_thread(main, ["health", "--config", str(config)])
    return code, capsys.readouterr().out.strip()


async def test_a_stopped_gateway_makes_the_bot_unhealthy(
    unstarted_harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = unstarted_harness
    port = free_port()
    h.settings_overrides["ops"] = {"health_port": port}
    config = tmp_path / "config.toml"
    config.write_text(f"{h.database_toml()}[ops]\nhealth_port = {port}\n")
    await h.start()

    status, body = await healthz(port)
    assert status == 200, body
    assert body["gateway_connected"] is True and body["database_writable"] is True
    assert body["scheduler_alive"] is True and body["oldest_overdue_timer"] is None
    assert await plc_bot_health(config, capsys) == (
        0,
        "healthy: gateway connected, database writable, scheduler alive, no overdue timer",
    )

    await h.emu.stop()  # Discord goes away; the bot keeps trying to reconnect
    for _ in range(200):
        status, body = await healthz(port)
        if status == 503:
            break
        await asyncio.sleep(0.05)
    assert status == 503
    assert body["gateway_connected"] is False
    assert body["problems"] == ["gateway disconnected"]
    assert await plc_bot_health(config, capsys) == (1, "unhealthy: gateway disconnected")
