"""Proactive 1:1 messages, and Teams' refusals as the Agents SDK 1.9 meets them.

What the SDK does, recorded here: its connector client raises
``aiohttp.ClientResponseError`` (status, headers, and the body as ``message``) on any
answer but 200/201/202 and retries nothing, not even a 429 with ``Retry-After``.
"""

from __future__ import annotations

import aiohttp
import pytest

from bot.emulator.teams import TeamsEmulator

from .conftest import Tenant
from .minibot import MiniTeamsBot

#: Any post in a conversation: a proactive turn's send is a *reply* to the continuation
#: activity's own (random) id, ``POST …/activities/{id}``, not a send to the conversation.
ACTIVITIES = "/activities"


async def _known_to_the_bot(emu: TeamsEmulator, tenant: Tenant) -> None:
    """Bob mentions the bot in a channel: the bot stores his conversation reference."""
    await emu.mention(tenant.bob, tenant.checkins, "hello")


async def test_a_proactive_message_opens_a_1_to_1_chat_from_a_stored_reference(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    await _known_to_the_bot(emu, tenant)
    chat_id = await bot.message_in_new_chat(tenant.bob.aad_object_id, "Your check-in is due")
    assert chat_id == emu.state.personal_chat(tenant.bob).id
    assert [m.text for m in emu.bot_messages_to(tenant.bob)] == ["Your check-in is due"]
    [create] = emu.requests(method="POST", route="/v3/conversations")
    assert create.json["members"] == [{"id": tenant.bob.id}]
    assert create.json["tenantId"] == emu.state.tenant_id
    assert create.status == 201


async def test_a_429_is_raised_with_its_retry_after_and_not_retried(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    await _known_to_the_bot(emu, tenant)
    emu.faults.add(method="POST", path=ACTIVITIES, status=429, retry_after=3)
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await bot.message_in_new_chat(tenant.bob.aad_object_id, "hello")
    assert raised.value.status == 429
    assert raised.value.headers is not None and raised.value.headers["Retry-After"] == "3"
    assert '"Throttled"' in raised.value.message
    chat = emu.state.personal_chat(tenant.bob).id
    assert [r.status for r in emu.requests(method="POST", path_contains=chat)] == [429]
    assert emu.bot_messages_to(tenant.bob) == []


async def test_the_sdk_default_turn_error_handler_posts_the_error_to_the_user(
    emu: TeamsEmulator, tenant: Tenant
) -> None:
    """``CloudAdapter``'s own ``on_turn_error`` swallows the error and sends its text."""
    sdk_bot = MiniTeamsBot(app_id=emu.state.app_id, sdk_turn_error_handler=True)
    emu.bot_endpoint = await sdk_bot.start()
    try:
        await _known_to_the_bot(emu, tenant)
        emu.faults.add(method="POST", path=ACTIVITIES, status=429)
        await sdk_bot.message_in_new_chat(tenant.bob.aad_object_id, "hello")
    finally:
        await sdk_bot.stop()
    [shown] = emu.bot_messages_to(tenant.bob)
    assert shown.text is not None and shown.text.startswith("Exception caught : 429")


async def test_a_502_after_the_message_was_created_leaves_it_posted(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    """Teams created the message then answered 502: the bot sees a failure anyway."""
    await _known_to_the_bot(emu, tenant)
    emu.faults.add(method="POST", path=ACTIVITIES, status=502)
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await bot.message_in_new_chat(tenant.bob.aad_object_id, "once")
    assert raised.value.status == 502
    assert [m.text for m in emu.bot_messages_to(tenant.bob)] == ["once"]


async def test_latency_delays_the_answer_without_failing_it(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    await _known_to_the_bot(emu, tenant)
    seen: list[int] = []
    emu.faults.add(
        method="POST",
        path=ACTIVITIES,
        delay=0.2,
        hook=lambda: seen.append(len(emu.bot_messages_to(tenant.bob))),
    )
    await bot.message_in_new_chat(tenant.bob.aad_object_id, "slow")
    assert seen == [0]  # the hook ran before the message existed
    assert [m.text for m in emu.bot_messages_to(tenant.bob)] == ["slow"]


async def test_a_member_who_removed_the_app_cannot_be_messaged(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    await _known_to_the_bot(emu, tenant)
    await emu.uninstall_personal(tenant.bob)
    assert bot.calls["installation"] == ["remove"]
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await bot.message_in_new_chat(tenant.bob.aad_object_id, "still there?")
    assert raised.value.status == 403
    [refused] = emu.requests(route="/v3/conversations")
    assert refused.response == {
        "error": {
            "code": "BotNotInConversationRoster",
            "message": "The bot isn't part of the conversation roster.",
        }
    }


async def test_a_member_who_blocked_the_bot_refuses_its_messages(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    await emu.send_personal(tenant.bob, "hi")  # the chat exists and the bot knows it
    emu.block(tenant.bob)
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await bot.message_in_new_chat(tenant.bob.aad_object_id, "hello?")
    assert raised.value.status == 403
    [refused] = emu.requests(route="/v3/conversations", status=403)
    assert refused.response["error"]["code"] == "ConversationBlockedByUser"


async def test_a_message_over_teams_size_limit_is_refused_with_413(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    await _known_to_the_bot(emu, tenant)
    with pytest.raises(aiohttp.ClientResponseError) as raised:
        await bot.message_in_new_chat(tenant.bob.aad_object_id, "é" * 21_000)  # 42 KB in UTF-16
    assert raised.value.status == 413
    [refused] = emu.requests(method="POST", path_contains=emu.state.personal_chat(tenant.bob).id)
    assert refused.response["error"]["code"] == "MessageSizeTooBig"


async def test_an_unknown_conversation_answers_404(emu: TeamsEmulator, tenant: Tenant) -> None:
    from microsoft_agents.activity import Activity
    from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

    client = TeamsConnectorClient(endpoint=emu.service_url, token="")
    try:
        with pytest.raises(aiohttp.ClientResponseError) as raised:
            await client.conversations.send_to_conversation(
                "a:1nothere", Activity(type="message", text="x")
            )
    finally:
        await client.close()
    assert raised.value.status == 404
    assert emu.requests()[0].response["error"]["code"] == "ConversationNotFound"
