"""Messages, replies, installation and the roster, between the emulator and a real Agents SDK
bot over real sockets."""

from __future__ import annotations

from bot.emulator.teams import TeamsEmulator

from .conftest import Tenant
from .minibot import MiniTeamsBot


async def test_a_mention_in_a_channel_is_answered_in_its_reply_chain(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    result = await emu.mention(tenant.alice, tenant.checkins, "hello")
    assert result.status == 202
    sent = result.activity
    assert sent["channelId"] == "msteams" and sent["serviceUrl"] == emu.service_url
    assert sent["from"]["id"].startswith("29:") and sent["from"]["aadObjectId"]
    assert sent["recipient"]["id"] == f"28:{emu.state.app_id}"
    assert sent["conversation"]["conversationType"] == "channel"
    assert sent["conversation"]["id"] == f"{tenant.checkins.id};messageid={result.message.id}"
    assert sent["channelData"]["team"]["id"] == tenant.team.id
    assert sent["channelData"]["channel"]["id"] == tenant.checkins.id
    assert sent["entities"][0]["type"] == "mention"
    # The SDK strips the bot's <at>mention</at> before the handler sees the text.
    assert bot.calls["messages"] == [("channel", "hello")]
    [reply] = emu.state.replies_to(result.message)
    assert reply.text == "echo: hello" and reply.by_bot
    [post] = emu.requests(method="POST")
    assert post.route == "/v3/conversations/{conversation_id}/activities/{activity_id}"


async def test_a_mention_inside_a_thread_is_answered_in_the_same_thread(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    first = await emu.mention(tenant.alice, tenant.checkins, "first")
    second = await emu.mention(tenant.bob, tenant.checkins, "again", thread=first.message)
    assert second.activity["replyToId"] == first.message.id
    replies = emu.state.replies_to(first.message)
    assert [m.text for m in replies if m.by_bot] == ["echo: first", "echo: again"]
    assert {m.root_id for m in replies} == {first.message.id}


async def test_a_personal_message_gets_an_answer_in_the_1_to_1_chat(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    result = await emu.send_personal(tenant.bob, "hi bot")
    assert result.activity["conversation"]["conversationType"] == "personal"
    assert result.activity["conversation"]["id"].startswith("a:")
    assert "team" not in result.activity["channelData"]
    assert [m.text for m in emu.bot_messages_to(tenant.bob)] == ["echo: hi bot"]
    assert bot.calls["messages"] == [("personal", "hi bot")]


async def test_a_mention_in_a_group_chat_is_answered_in_the_chat(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    chat = emu.state.add_group_chat([tenant.alice, tenant.bob])
    result = await emu.mention_in_group_chat(tenant.alice, chat, "hi all")
    conversation = result.activity["conversation"]
    assert (conversation["conversationType"], conversation["isGroup"]) == ("groupChat", True)
    assert conversation["id"] == chat.id and chat.id.endswith("@thread.v2")
    assert bot.calls["messages"] == [("groupChat", "hi all")]
    assert [m.text for m in emu.messages_in(chat.id) if m.by_bot] == ["echo: hi all"]


async def test_installation_and_roster_changes_reach_the_bot(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    results = await emu.install_in_team(tenant.team, by=tenant.alice)
    assert [r.status for r in results] == [202, 202]
    carol = emu.state.add_user("Carol Roy")
    await emu.add_members(tenant.team, [carol])
    assert bot.calls["installation"] == ["add"]
    bot_added, carol_added = bot.calls["members_added"]
    assert [m.id for m in bot_added] == [f"28:{emu.state.app_id}"]
    assert [m.id for m in carol_added] == [carol.id]
    await emu.remove_members(tenant.team, [carol])
    assert carol.id not in tenant.team.members


async def test_the_bot_lists_the_members_of_a_channel(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    result = await emu.mention(tenant.alice, tenant.team.general, "members")
    [reply] = emu.state.replies_to(result.message)
    assert reply.text == "Alice Tremblay, Bob Martin"
    members = {m.id: m for m in bot.calls["members"]}
    assert members[tenant.alice.id].aad_object_id == tenant.alice.aad_object_id
    [listing] = emu.requests(method="GET")
    assert listing.route == "/v3/conversations/{conversation_id}/members"


async def test_paged_members_team_details_and_channels(emu: TeamsEmulator, tenant: Tenant) -> None:
    """The routes the SDK's Teams helpers call, through the SDK's own connector client."""
    from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

    client = TeamsConnectorClient(endpoint=emu.service_url, token="")
    try:
        page = await client.conversations.get_conversation_paged_members(
            tenant.team.id, page_size=1
        )
        assert [m.id for m in page.members] == [tenant.alice.id]
        rest = await client.conversations.get_conversation_paged_members(
            tenant.team.id, continuation_token=page.continuation_token
        )
        assert [m.id for m in rest.members] == [tenant.bob.id] and not rest.continuation_token
        details = await client.fetch_team_details(tenant.team.id)
        assert (details.name, details.aad_group_id) == ("PLC Grade 5", tenant.team.aad_group_id)
        channels = await client.fetch_channel_list(tenant.team.id)
        assert {c.id for c in channels} == {tenant.team.id, tenant.checkins.id}
        member = await client.get_conversation_member(tenant.team.id, tenant.bob.aad_object_id)
        assert member.name == "Bob Martin"
    finally:
        await client.close()
    assert not emu.unhandled


async def test_the_roster_names_the_owners_of_a_team(emu: TeamsEmulator) -> None:
    from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

    alice = emu.state.add_user("Alice Tremblay")
    bob = emu.state.add_user("Bob Martin")
    team = emu.state.add_team("PLC", [alice, bob], owners=(alice,))
    client = TeamsConnectorClient(endpoint=emu.service_url, token="")
    try:
        page = await client.conversations.get_conversation_paged_members(team.id, 50)
        one = await client.get_conversation_member(team.id, bob.id)
    finally:
        await client.close()
    roles = {m.name: m.model_dump(by_alias=True).get("userRole") for m in page.members}
    assert roles == {"Alice Tremblay": "owner", "Bob Martin": "user"}
    assert one.user_role == "user"
