"""Real JWT validation by the Agents SDK 1.9 against the emulator's keys, and the bot's own
token checked by the emulator's Bot Connector.

The SDK fetches the Bot Framework keys from a fixed URL; ``emu.auth.serve_jwks_for_sdk()``
makes that fetch reach the emulator (see :mod:`bot.emulator.teams.auth`).  Everything
else runs as shipped: the ``jwt_authorization_middleware``, RS256, the audience check.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import aiohttp
import jwt
import pytest

from bot.clock import ControlledClock
from bot.emulator.teams import TeamsEmulator, TokenAuthority

from .conftest import Tenant
from .minibot import MiniTeamsBot


@pytest.fixture
async def secure_emu() -> AsyncIterator[TeamsEmulator]:
    async with TeamsEmulator(anonymous=False) as emulator:
        with emulator.auth.serve_jwks_for_sdk():
            yield emulator


@pytest.fixture
def secure_tenant(secure_emu: TeamsEmulator) -> Tenant:
    alice = secure_emu.state.add_user("Alice Tremblay")
    bob = secure_emu.state.add_user("Bob Martin")
    team = secure_emu.state.add_team("PLC", [alice, bob], channels=("Check-ins",))
    return Tenant(alice, bob, team, team.channel_named("Check-ins"))


@pytest.fixture
async def secure_bot(secure_emu: TeamsEmulator) -> AsyncIterator[MiniTeamsBot]:
    emu = secure_emu
    minibot = MiniTeamsBot(
        app_id=emu.state.app_id,
        anonymous=False,
        tenant_id=emu.state.tenant_id,
        secret=emu.client_secret,
        authority=f"{emu.http_url}/{emu.state.tenant_id}",
    )
    emu.bot_endpoint = await minibot.start()
    yield minibot
    await minibot.stop()
    assert not minibot.errors, f"the bot's turns failed: {minibot.errors!r}"


async def test_a_signed_activity_is_validated_and_answered_with_the_bots_token(
    secure_emu: TeamsEmulator, secure_tenant: Tenant, secure_bot: MiniTeamsBot
) -> None:
    emu = secure_emu
    result = await emu.mention(secure_tenant.alice, secure_tenant.checkins, "hello")
    assert result.status == 202
    assert "/v1/.well-known/keys" in emu.auth.key_fetches
    [reply] = emu.state.replies_to(result.message)
    assert reply.text == "echo: hello"
    # The reply went out with a token from the emulator's token endpoint (or it would be 401).
    [post] = emu.requests(method="POST")
    assert post.status == 201


async def test_the_teams_api_client_calls_the_connector_with_the_bots_token(
    secure_emu: TeamsEmulator, secure_tenant: Tenant, secure_bot: MiniTeamsBot
) -> None:
    result = await secure_emu.mention(secure_tenant.alice, secure_tenant.checkins, "roster")
    assert secure_bot.calls["roster"] == ("PLC", ["Alice Tremblay", "Bob Martin"])
    [reply] = secure_emu.state.replies_to(result.message)
    assert reply.text == "PLC: 2"
    gets = secure_emu.requests(method="GET")
    assert [(r.route, r.status) for r in gets] == [
        ("/v3/conversations/{conversation_id}/members", 200),
        ("/v3/teams/{team_id}", 200),
    ]


def _bearer(token: str) -> str:
    return f"Bearer {token}"


@pytest.fixture
def other_key() -> Iterator[TokenAuthority]:
    yield TokenAuthority(lambda: "http://127.0.0.1:9", client_secret="x")


async def test_a_missing_or_invalid_token_gets_401(
    secure_emu: TeamsEmulator,
    secure_tenant: Tenant,
    secure_bot: MiniTeamsBot,
    other_key: TokenAuthority,
) -> None:
    emu = secure_emu
    activity = (await emu.send_personal(secure_tenant.bob, "first")).activity
    app_id, url = emu.state.app_id, emu.service_url
    refused = {
        "no header": None,
        "not bearer": f"Basic {emu.auth.channel_token(app_id, url)}",
        "another key": _bearer(other_key.channel_token(app_id, url)),
        "wrong audience": _bearer(emu.auth.channel_token("someone-else", url)),
        "expired": _bearer(emu.auth.channel_token(app_id, url, exp=int(time.time()) - 3600)),
        "garbage": "Bearer not.a.jwt",
    }
    for case, header in refused.items():
        if header is None:
            # post_activity signs when no header is given: send without one by hand.
            async with (
                aiohttp.ClientSession() as session,
                session.post(emu.bot_endpoint or "", json=activity) as response,
            ):
                status = response.status
        else:
            status = (await emu.post_activity(activity, authorization=header)).status
        assert status == 401, case
    assert [m.text for m in emu.bot_messages_to(secure_tenant.bob)] == ["echo: first"]


async def test_the_connector_refuses_a_call_without_the_bots_token(
    secure_emu: TeamsEmulator, secure_tenant: Tenant
) -> None:
    from microsoft_agents.activity import Activity
    from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

    chat = secure_emu.state.personal_chat(secure_tenant.bob)
    client = TeamsConnectorClient(endpoint=secure_emu.service_url, token="")
    try:
        with pytest.raises(aiohttp.ClientResponseError) as raised:
            await client.conversations.send_to_conversation(
                chat.id, Activity(type="message", text="x")
            )
    finally:
        await client.close()
    assert raised.value.status == 401
    assert secure_emu.bot_messages_to(secure_tenant.bob) == []


async def test_the_token_endpoint_wants_the_bots_secret(secure_emu: TeamsEmulator) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": secure_emu.state.app_id,
        "client_secret": "wrong",
        "scope": "https://api.botframework.com/.default",
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(secure_emu.token_endpoint, data=form) as response,
    ):
        assert response.status == 401


def test_a_tokens_times_come_from_the_authoritys_clock() -> None:
    """The system clock unless told otherwise; a clock two hours back signs a token whose
    hour of life is over, which the check refuses as a real one would."""
    now = datetime.now(UTC)
    current = TokenAuthority(lambda: "http://127.0.0.1:9", client_secret="x")
    assert current.verify_bot_token(current.bot_token("app"), "app")
    past = TokenAuthority(
        lambda: "http://127.0.0.1:9",
        client_secret="x",
        clock=ControlledClock(now - timedelta(hours=2)),
    )
    token = past.bot_token("app")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iat"] == int((now - timedelta(hours=2)).timestamp())
    assert not past.verify_bot_token(token, "app")
