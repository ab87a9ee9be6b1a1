"""The rotation end to end on Teams: the same commands as on Discord, typed to the bot."""

from __future__ import annotations

from tests.teams.harness import TeamsHarness, card_text


async def test_members_join_and_show_the_rotation_by_text_commands(teams: TeamsHarness) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    joined = card_text(teams.last_private("bob"))
    assert "joined the rotation" in joined
    await teams.command("david", "rotation join")
    shown = card_text(teams.last_private("david"))
    assert "Bob Martin" in shown and "David Roy" in shown
