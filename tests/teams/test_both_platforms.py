"""One process serving a Discord server and a Teams team: one core, one database, one
scheduler; each community's calls go to its own platform and their data stay apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.db import communities as communities_db
from bot.db.url import DatabaseUrl
from tests.e2e.facilitation import run
from tests.e2e.harness import Harness, running_harness
from tests.e2e.privacy import stored_bytes
from tests.e2e.test_rotation import announce, offers
from tests.teams.harness import TeamsHarness, card_text, running_teams


@pytest.fixture
async def both(
    tmp_path: Path, clock: ControlledClock, database_url: DatabaseUrl | None
) -> AsyncIterator[tuple[TeamsHarness, Harness]]:
    async with (
        running_harness(tmp_path, clock, database=database_url) as on_discord,
        running_teams(tmp_path, clock, discord=on_discord, database=database_url) as teams,
    ):
        await teams.start()
        yield teams, on_discord


async def test_a_discord_community_and_a_teams_team_keep_their_data_apart(
    both: tuple[TeamsHarness, Harness],
) -> None:
    teams, on_discord = both
    await on_discord.setup_community(language="en")
    await teams.setup_community()
    await run(on_discord, "alice", "rotation join")
    await teams.command("bob", "rotation join", channel="Check-ins")

    shown_on_discord = await run(on_discord, "david", "rotation show")
    assert f"<@{on_discord.user('alice')}>" in shown_on_discord
    assert "Bob Martin" not in shown_on_discord
    await teams.command("david", "rotation show")
    shown_on_teams = card_text(teams.last_private("david"))
    assert "Bob Martin" in shown_on_teams and "<@" not in shown_on_teams

    async with teams.app.core.db.read() as conn:
        cursor = await conn.execute("SELECT guild_id FROM communities ORDER BY guild_id")
        guilds = [row[0] for row in await cursor.fetchall()]
        on_teams = await communities_db.get(conn, await teams.team_number())
    assert guilds == [await teams.team_number(), on_discord.guild.id]
    assert guilds[0] < 0 < guilds[1]
    assert on_teams is not None and on_teams.announcements_channel_id is not None
    assert on_teams.announcements_channel_id < 0

    # A date in the Teams team is offered on Teams; nothing reaches Discord for it.
    await teams.announce_date("Teams meeting", teams.clock.now() + timedelta(days=10))
    assert "Teams meeting" in card_text(teams.last_private("bob"))
    assert offers(on_discord, "alice") == []
    # And one in the Discord server is offered on Discord, by the same scheduler.
    await announce(on_discord, "2026-12-03 15:30", title="Discord meeting")
    [offer] = offers(on_discord, "alice")
    assert "Discord meeting" in offer.all_text()
    assert not [m for m in teams.private("bob") if "Discord meeting" in card_text(m)]


async def test_each_platform_speaks_its_own_words_in_one_process(
    both: tuple[TeamsHarness, Harness],
) -> None:
    """One catalog, two wordings: Discord members read Discord's words, Teams members
    Teams' (the same message: how to set the community up)."""
    teams, on_discord = both
    on_discord_text = await run(on_discord, "bob", "rotation show")
    assert "Someone with **Manage Server** can run `/plc setup`" in on_discord_text
    await teams.install()
    await teams.command("bob", "rotation show")
    on_teams_text = card_text(teams.last_private("bob"))
    assert "A team owner can run **plc setup**" in on_teams_text
    assert "Manage Server" not in on_teams_text


async def test_a_teams_member_who_asks_leaves_no_id_beside_a_discord_community(
    both: tuple[TeamsHarness, Harness],
) -> None:
    """Keyed Teams ids live beside Discord's snowflakes in one database: a Discord
    member's id is kept as it is (as always), a Teams asker's not at all."""
    teams, on_discord = both
    await on_discord.setup_community(language="en")
    await teams.setup_community()
    await run(on_discord, "alice", "rotation join")
    await teams.command("chloe", "ask")
    await teams.submit("chloe", teams.last_private("chloe"), question="A question")
    assert [card_text(m) for m in teams.posts_in("Moderation") if "A question" in card_text(m)]
    assert teams.world.chloe.id.encode() not in await stored_bytes(teams)
    async with teams.app.core.db.read() as conn:
        cursor = await conn.execute("SELECT user_id FROM rotation_volunteers")
        volunteers = [row[0] for row in await cursor.fetchall()]
    assert volunteers == [on_discord.user("alice")]
