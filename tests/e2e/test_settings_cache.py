"""The community's settings are kept in the process (every command reads them first):
each way they change is seen by the very next command."""

from __future__ import annotations

import asyncio

from bot.db import communities as communities_db
from tests.e2e.harness import Harness

NOT_SET_UP = "This community is not set up yet"
NOT_FACILITATOR = "Only facilitators can do this"


async def recorded(harness: Harness, *, left: bool) -> None:
    """Until the bot's listener has written the departure (or the return): it runs as a
    task of its own once discord.py dispatched the gateway event."""
    for _ in range(500):
        async with harness.bot.core.db.read() as conn:
            community = await communities_db.get(conn, harness.guild.id)
        if community is not None and (community.left_at is not None) == left:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot never recorded it")


async def test_setting_up_is_seen_by_the_next_command(harness: Harness) -> None:
    before = await harness.slash("bob", "goal list", locale="en-US")
    assert NOT_SET_UP in (before.content or ""), before.content
    await harness.setup_community()
    after = await harness.slash("bob", "goal list", locale="en-US")
    assert NOT_SET_UP not in (after.content or ""), after.content


async def test_a_new_facilitator_role_is_seen_by_the_next_command(harness: Harness) -> None:
    helpers = harness.emu.state.add_role(harness.guild.id, "Helpers").id
    await harness.setup_community()
    allowed = await harness.slash("alice", "rotation skip", locale="en-US")
    assert NOT_FACILITATOR not in (allowed.content or ""), allowed.content
    await harness.slash("admin", "plc setup", facilitator_role=helpers)
    refused = await harness.slash("alice", "rotation skip", locale="en-US")
    assert NOT_FACILITATOR in (refused.content or ""), refused.content


async def test_the_bot_removed_and_added_back_is_seen_by_the_next_command(
    harness: Harness,
) -> None:
    await harness.setup_community()
    guild_id = harness.guild.id
    assert NOT_SET_UP not in (
        (await harness.slash("bob", "goal list", locale="en-US")).content or ""
    )

    harness.emu.gateway.dispatch("GUILD_DELETE", {"id": str(guild_id)}, guild_id=guild_id)
    await recorded(harness, left=True)
    gone = await harness.slash("bob", "goal list", locale="en-US")
    assert NOT_SET_UP in (gone.content or ""), gone.content

    payload = harness.emu.state.guild_create_json(guild_id, with_members=False)
    payload.pop("unavailable", None)  # a guild joined, not one coming back from an outage
    harness.emu.gateway.dispatch("GUILD_CREATE", payload, guild_id=guild_id)
    await recorded(harness, left=False)
    back = await harness.slash("bob", "goal list", locale="en-US")
    assert NOT_SET_UP not in (back.content or ""), back.content
