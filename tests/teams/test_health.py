"""The health check of a bot serving Teams: its messaging endpoint listening."""

from __future__ import annotations

from bot.health import check
from bot.running import probes
from tests.teams.harness import TeamsHarness


async def test_health_says_whether_the_teams_endpoint_listens(teams: TeamsHarness) -> None:
    assert teams.adapter is not None
    adapter = teams.adapter
    health = await check(probes(teams.app, [adapter]))
    assert health.healthy and health.teams_listening is True
    assert health.gateway_connected is None  # no Discord here
    assert "Teams endpoint listening" in health.line()
    assert adapter.host is not None
    await adapter.host.stop()
    down = await check(probes(teams.app, [adapter]))
    assert not down.healthy and down.problems == ["Teams endpoint not listening"]
