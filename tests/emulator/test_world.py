"""Users acting, guild changes, threads, scheduled events, the control API and the recorder."""

from __future__ import annotations

import datetime as dt

import aiohttp
import discord
import pytest

from bot.emulator import ChannelType, Emulator, Intent, SampleGuild

from .conftest import BotRunner
from .minibot import TOKEN, EmuTestBot, expect_event

pytestmark = pytest.mark.asyncio


async def test_user_message_reaches_on_message_with_mentions(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    seen = expect_event(bot, "message", lambda m: m.author.id == g.users["bob"])
    emu.send_message(
        g.users["bob"],
        g.channels["questions"],
        f"Hi <@{g.users['alice']}>, a question",
        files={"notes.txt": b"hello"},
    )
    message = await seen
    assert message.content.startswith("Hi") and [u.id for u in message.mentions] == [
        g.users["alice"]
    ]
    assert (
        isinstance(message.author, discord.Member)
        and message.attachments[0].filename == "notes.txt"
    )
    assert await message.attachments[0].read() == b"hello"
    reply = await message.reply("Answer", mention_author=False)
    stored = emu.state.messages[reply.id]
    assert stored.type == 19 and stored.allowed_mentions is not None
    assert stored.allowed_mentions["replied_user"] is False
    assert stored.mention_user_ids == []


async def test_dm_from_a_user_and_reactions(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    seen = expect_event(bot, "message", lambda m: m.guild is None)
    dm = emu.send_dm(g.users["chloe"], "bonjour le bot")
    message = await seen
    assert isinstance(message.channel, discord.DMChannel) and message.content == "bonjour le bot"
    await message.add_reaction("✅")
    assert emu.state.messages[dm.id].reactions == {"✅": [emu.bot_user_id]}
    reacted = expect_event(bot, "raw_reaction_add", lambda e: e.user_id != emu.bot_user_id)
    emu.react(g.users["chloe"], dm, "👍")
    assert (await reacted).user_id == g.users["chloe"]


async def test_guild_changes_dispatch_their_events(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    guild = bot.get_guild(g.id)
    assert guild is not None
    left = expect_event(bot, "member_remove")
    emu.remove_member(g.id, g.users["david"])
    assert (await left).id == g.users["david"] and guild.get_member(g.users["david"]) is None
    deleted = expect_event(bot, "guild_channel_delete")
    emu.delete_channel(g.channels["announcements"])
    assert (await deleted).id == g.channels["announcements"]
    role_gone = expect_event(bot, "guild_role_delete")
    emu.delete_role(g.id, g.roles["facilitator"])
    assert (await role_gone).name == "Facilitators"
    member = guild.get_member(g.users["alice"])
    assert member is not None and [r.name for r in member.roles] == ["@everyone", "Members"]
    created = expect_event(bot, "guild_channel_create")
    channel = emu.create_channel(g.id, "retros")
    assert (await created).id == channel.id


async def test_threads_edits_and_deletes(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    channel = bot.get_channel(g.channels["questions"])
    assert isinstance(channel, discord.TextChannel)
    starter = await channel.send("Question of the week")
    thread = await starter.create_thread(name="Answers", auto_archive_duration=1440)
    assert (
        thread.id == starter.id and emu.state.channels[thread.id].type == ChannelType.PUBLIC_THREAD
    )
    await thread.send("first answer")
    await thread.add_user(discord.Object(g.users["bob"]))
    await thread.edit(archived=True, locked=True)
    assert emu.state.channels[thread.id].archived and emu.state.channels[thread.id].locked
    private = await channel.create_thread(
        name="Facilitators", type=discord.ChannelType.private_thread
    )
    assert emu.state.channels[private.id].type == ChannelType.PRIVATE_THREAD
    edited = await starter.edit(content="Question of the week (edited)")
    assert edited.edited_at is not None and emu.state.messages[starter.id].content.endswith(
        "(edited)"
    )
    await starter.delete()
    assert emu.state.messages[starter.id].deleted
    await emu.wait_for(lambda: emu.recorder.dispatched("MESSAGE_DELETE"))


async def test_scheduled_events_round_trip(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    guild = bot.get_guild(g.id)
    assert guild is not None
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    created = expect_event(bot, "scheduled_event_create")
    event = await guild.create_scheduled_event(
        name="Monthly meeting",
        start_time=start,
        end_time=start + dt.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="Salle B12",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert (await created).id == event.id and event.location == "Salle B12"
    voice = guild.get_channel(g.channels["meeting-room"])
    assert isinstance(voice, discord.VoiceChannel)
    await event.edit(
        name="Monthly meeting (voice)", channel=voice, entity_type=discord.EntityType.voice
    )
    stored = emu.state.scheduled_events[event.id]
    assert stored.entity_type == 2 and stored.channel_id == voice.id
    await event.delete()
    assert event.id not in emu.state.scheduled_events
    with pytest.raises(discord.HTTPException) as past:
        await guild.create_scheduled_event(
            name="Too late",
            start_time=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
            entity_type=discord.EntityType.voice,
            channel=voice,
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert past.value.code == 50035


async def test_message_content_intent_is_enforced(
    emu: Emulator, g: SampleGuild, runner: BotRunner
) -> None:
    bot = await runner.start(g.id, message_content=False)
    assert (
        emu.gateway.current is not None and not emu.gateway.current.intents & Intent.MESSAGE_CONTENT
    )
    seen = expect_event(bot, "message")
    emu.send_message(g.users["bob"], g.channels["general"], "secret text")
    assert (await seen).content == ""
    mentioned = expect_event(bot, "message")
    emu.send_message(g.users["bob"], g.channels["general"], f"<@{emu.bot_user_id}> visible")
    assert (await mentioned).content.endswith("visible")


async def test_control_api_drives_the_bot(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    base = f"{emu.http_url}/_emulator"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base}/slash", json={"guild_id": g.id, "user_id": g.users["bob"], "command": "vote"}
        ) as resp:
            voted = await resp.json()
        assert voted["response_type"] == 4 and voted["message"]["content"] == "Vote!"
        click = {
            "user_id": g.users["alice"],
            "message_id": voted["message"]["id"],
            "custom_id": "vote:yes",
        }
        async with session.post(f"{base}/click", json=click) as resp:
            assert (await resp.json())["message"]["content"] == "Voted yes"
        async with session.post(
            f"{base}/slash",
            json={"guild_id": g.id, "user_id": g.users["bob"], "command": "feedback"},
        ) as resp:
            modal = (await resp.json())["modal"]
        submit = {
            "user_id": g.users["bob"],
            "modal_custom_id": modal["custom_id"],
            "values": {"topic": "T", "details": "D"},
        }
        async with session.post(f"{base}/submit", json=submit) as resp:
            assert (await resp.json())["ephemeral"] is True
        async with session.post(
            f"{base}/slash", json={"guild_id": g.id, "user_id": g.users["bob"], "command": "nope"}
        ) as resp:
            assert resp.status == 400
        async with session.get(
            f"{base}/messages", params={"channel_id": str(g.channels["general"])}
        ) as resp:
            assert [m["content"] for m in await resp.json()] == ["Voted yes"]
        query = {"method": "PUT", "path_contains": f"/guilds/{g.id}/"}
        async with session.get(f"{base}/requests", params=query) as resp:
            assert len(await resp.json()) == 1
    assert bot.calls["feedback"] == ("T", "D")


async def test_recorder_dump_and_exact_content_type(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    channel = bot.get_channel(g.channels["general"])
    assert isinstance(channel, discord.TextChannel)
    await channel.send("Bravo Chloé Bernard")
    dump = emu.dump_bytes(from_bot_only=True)
    assert "Chloé Bernard".encode() in dump and TOKEN.encode() not in dump
    assert TOKEN.encode() not in emu.dump_bytes()
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {TOKEN}"}
        async with session.get(f"{emu.http_url}/api/v10/users/@me", headers=headers) as resp:
            assert resp.headers["Content-Type"] == "application/json"
    [sync] = emu.requests(method="PUT", path_contains="/guilds/")
    assert sync.route == "/applications/{application_id}/guilds/{guild_id}/commands"
    assert "Authorization" not in sync.headers and sync.status == 200


async def test_member_and_message_changes_reach_the_bot(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    joined = expect_event(bot, "member_join")
    eve = emu.state.add_user("eve.plc", global_name="Ève Petit", locale="fr")
    emu.add_member(g.id, eve.id, roles=[g.roles["member"]])
    assert (await joined).display_name == "Ève Petit"
    updated = expect_event(bot, "member_update")
    emu.set_member_roles(g.id, eve.id, [g.roles["member"], g.roles["facilitator"]])
    _, after = await updated
    assert [r.name for r in after.roles] == ["@everyone", "Members", "Facilitators"]
    posted = expect_event(bot, "message")
    typo = emu.send_message(eve.id, g.channels["general"], "helo")
    await posted
    edited = expect_event(bot, "message_edit")
    emu.edit_user_message(typo, "hello")
    assert (await edited)[1].content == "hello"
    removed = expect_event(bot, "raw_message_delete")
    emu.delete_message(typo)
    assert (await removed).message_id == typo.id
    emu.close_dms(eve.id)
    emu.open_dms(eve.id)
    await (await bot.fetch_user(eve.id)).send("Bienvenue !")
    assert [m.all_text() for m in emu.dms_to(eve.id)] == ["Bienvenue !"]


async def test_thread_archived_by_a_moderator(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    channel = bot.get_channel(g.channels["check-ins"])
    assert isinstance(channel, discord.TextChannel)
    thread = await channel.create_thread(name="Week 48", type=discord.ChannelType.public_thread)
    archived = expect_event(bot, "thread_update")
    emu.archive_thread(thread.id)
    _, after = await archived
    assert after.archived and not after.locked
    await thread.send("reopens it")
    assert not emu.state.channels[thread.id].archived
    [notice] = emu.messages_in(g.channels["check-ins"])
    assert notice.type == 18 and notice.content == "Week 48"
