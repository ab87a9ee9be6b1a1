"""The rotation end to end on Teams: the same commands as on Discord, typed to the bot."""

from __future__ import annotations

from datetime import timedelta

from bot.services.rotation import RotationService
from teams.markup import teams_instant
from tests.teams.harness import TeamsHarness, card_text


async def test_members_join_and_show_the_rotation_by_text_commands(teams: TeamsHarness) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    joined = card_text(teams.last_private("bob"))
    assert "joined the rotation" in joined
    await teams.command("david", "rotation join")
    shown = card_text(teams.last_private("david"))
    assert "Bob Martin" in shown and "David Roy" in shown


async def test_the_offer_comes_by_1_to_1_chat_and_its_buttons_answer_it(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    await teams.command("chloe", "rotation rejoindre", channel="Check-ins")
    starts = teams.clock.now() + timedelta(days=10)
    occurrence = await teams.announce_date("PLC meeting", starts)
    offer = teams.last_private("bob")
    text = card_text(offer)
    assert "Will you facilitate **PLC meeting** on {{DATE(" in text
    assert f"{{{{TIME({teams_instant(starts)})}}}}" in text

    declined = await teams.click("bob", offer, "Can't this time")
    assert declined.status == 200
    assert "was offered to the next volunteer" in card_text(teams.last_private("bob"))
    await teams.advance(timedelta(0))
    chloe_offer = teams.last_private("chloe")
    assert "Will you facilitate" in card_text(chloe_offer)  # the community speaks English

    accepted = await teams.click("chloe", chloe_offer, "Accept")
    assert accepted.status == 200
    assert "Merci ! Vous animerez **PLC meeting**" in card_text(teams.last_private("chloe"))
    rotation = teams.app.services.get(RotationService)
    assignment = await rotation.assignment(occurrence)
    assert assignment is not None and assignment.status == "accepted"
    assert assignment.user_id == await teams.user_number("chloe")
