"""The messaging endpoint checks Teams' tokens (the SDK's JWT validation, not anonymous):
an activity without a valid one is answered 401 and nothing of it is processed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.clock import ControlledClock
from bot.emulator.teams import TokenAuthority
from bot.emulator.teams.activities import base_activity, with_text
from tests.teams.harness import TeamsHarness, card_text, running_teams


@pytest.fixture
async def signed(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[TeamsHarness]:
    async with running_teams(tmp_path, clock, anonymous=False) as harness:
        await harness.start()
        yield harness


async def test_an_invalid_or_missing_token_gets_401_and_nothing_is_processed(
    signed: TeamsHarness,
) -> None:
    teams = signed
    emu = teams.emu
    chat = emu.state.personal_chat(teams.world.bob).id
    activity = base_activity(emu.state, emu.service_url, "message", teams.world.bob, chat)
    with_text(activity, "rotation join", [])
    app_id, url = emu.state.app_id, emu.service_url
    other = TokenAuthority(lambda: "http://127.0.0.1:9", client_secret="x")
    refused = {
        "not bearer": f"Basic {emu.auth.channel_token(app_id, url)}",
        "another key": f"Bearer {other.channel_token(app_id, url)}",
        "another app": f"Bearer {emu.auth.channel_token('someone-else', url)}",
        "expired": f"Bearer {emu.auth.channel_token(app_id, url, exp=int(time.time()) - 3600)}",
        "garbage": "Bearer not.a.jwt",
    }
    for case, header in refused.items():
        assert (await emu.post_activity(activity, authorization=header)).status == 401, case
    async with (  # no Authorization header at all
        aiohttp.ClientSession() as session,
        session.post(emu.bot_endpoint or "", json=activity) as response,
    ):
        assert response.status == 401
    assert emu.requests() == []  # the bot called nothing
    async with teams.app.core.db.read() as conn:
        cursor = await conn.execute("SELECT COUNT(*) FROM teams_ids")
        assert (await cursor.fetchone())[0] == 0  # nobody was even recorded


async def test_a_signed_command_is_answered_with_the_bots_own_token(signed: TeamsHarness) -> None:
    teams = signed
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    assert "joined the rotation" in card_text(teams.last_private("bob"))
    assert {r.status for r in teams.emu.requests()} <= {200, 201}
    assert "/v1/.well-known/keys" in teams.emu.auth.key_fetches
