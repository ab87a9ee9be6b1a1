"""The core's sends on Teams: a channel post, its reply chain as the thread, an edit, a
delete; and a scenario written like the Discord ones (``run`` as ``slash``)."""

from __future__ import annotations

from bot.chat import Channel, Notice
from tests.teams.harness import Named, TeamsHarness, card_text


async def test_a_post_its_thread_an_edit_and_a_delete(teams: TeamsHarness) -> None:
    await teams.setup_community()
    chat = teams.app.core.chat
    guild, channel = await teams.team_number(), await teams.channel_number("Announcements")
    first = Notice(language="en", key="facilitation.rotation.left")
    posted = await chat.send(Channel(guild, channel), first)
    assert posted is not None and posted.channel_id == channel
    [root] = teams.posts_in("Announcements")
    assert root.root_id is None and "You left the rotation" in card_text(root)

    thread = await chat.start_thread(posted, "Answers")
    assert thread is not None and thread.channel_id != channel
    reply = await chat.send(Channel(guild, thread.channel_id), first)
    assert reply is not None
    [_, in_chain] = teams.posts_in("Announcements")
    assert in_chain.root_id == root.id  # a reply in the post's chain

    second = Notice(language="fr", key="facilitation.rotation.left")
    assert await chat.edit(posted, second)
    assert "Vous avez quitté la rotation" in card_text(root) and len(root.history) == 1
    assert await chat.delete(posted)
    assert root.deleted
    assert not await chat.delete(posted)  # already gone: not an error


async def test_a_scenario_reads_like_the_discord_ones(teams: TeamsHarness) -> None:
    await teams.setup_community()
    assert "joined the rotation" in await teams.run("bob", "rotation join")
    assert "rejoint la rotation" in await teams.run("chloe", "rotation join", channel=None)
    shown = await teams.run("alice", "rotation set-next", member=Named("chloe"))
    assert shown.index("Chloé Gagnon") < shown.index("Bob Martin")
