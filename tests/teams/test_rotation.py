"""The rotation end to end on Teams: the same commands as on Discord, typed to the bot."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.teams import TeamsMessage
from bot.emulator.teams.cards import walk
from bot.services.facilitation.rotation.service import RotationService
from teams.markup import teams_instant
from tests.e2e.privacy import stored_bytes
from tests.teams.harness import Named, TeamsHarness, card_text


def buttons(message: TeamsMessage) -> list[str]:
    """The titles of the buttons on a message's card."""
    return [
        str(n.get("title")) for n in walk(message.card or {}) if n.get("type") == "Action.Execute"
    ]


async def accepted_by(teams: TeamsHarness, occurrence: int, name: str) -> None:
    """The date is ``name``'s, accepted."""
    rotation = teams.app.services.get(RotationService)
    assignment = await rotation.assignment(occurrence)
    assert assignment is not None and assignment.status == "accepted"
    assert assignment.user_id == await teams.user_number(name)


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
    assert buttons(offer) == ["Accept", "Can't this time"]
    assert "Will you facilitate **PLC meeting** on {{DATE(" in text
    assert f"{{{{TIME({teams_instant(starts)})}}}}" in text

    declined = await teams.click("bob", offer, "Can't this time")
    assert declined.status == 200
    answered = teams.last_private("bob")  # the offer itself, edited: no second answer
    assert answered.id == offer.id
    assert "you passed, and **PLC meeting** ({{DATE(" in card_text(answered)
    assert buttons(answered) == []
    await teams.advance(timedelta(0))
    chloe_offer = teams.last_private("chloe")
    # In her own language: her Teams speaks French, the community English.
    assert "Voulez-vous animer" in card_text(chloe_offer)

    accepted = await teams.click("chloe", chloe_offer, "J'accepte")
    assert accepted.status == 200
    answered = teams.last_private("chloe")
    assert answered.id == chloe_offer.id
    assert "Merci ! Vous animerez **PLC meeting**" in card_text(answered)
    assert buttons(answered) == []
    await accepted_by(teams, occurrence, "chloe")


async def test_a_member_who_leaves_the_team_hands_their_date_on(teams: TeamsHarness) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    await teams.command("chloe", "rotation join", channel="Check-ins")
    occurrence = await teams.announce_date("PLC meeting", teams.clock.now() + timedelta(days=10))
    rotation = teams.app.services.get(RotationService)
    before = await rotation.assignment(occurrence)
    assert before is not None and before.user_id == await teams.user_number("bob")
    await teams.emu.remove_members(teams.world.team, [teams.world.bob], by=teams.world.alice)
    after = await rotation.assignment(occurrence)
    assert after is not None and after.user_id == await teams.user_number("chloe")


async def test_the_bot_removed_from_the_team_and_added_back(teams: TeamsHarness) -> None:
    from bot.services.community import CommunityService

    await teams.setup_community()
    community = teams.app.services.get(CommunityService)
    guild = await teams.team_number()
    await teams.emu.uninstall_from_team(teams.world.team, teams.world.alice)
    left = await community.get(guild)
    assert left is not None and left.left_at is not None
    await teams.install()
    back = await community.get(guild)
    assert back is not None and back.left_at is None


async def test_a_members_erasure_leaves_no_trace_of_their_teams_id(teams: TeamsHarness) -> None:
    from bot.services.community import MemberService

    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    members = teams.app.services.get(MemberService)
    guild, bob = await teams.team_number(), await teams.user_number("bob")
    exported = await members.export(guild, bob)
    assert exported["teams"] == {
        "teams_id": teams.world.bob.id,
        "locale": "en-US",
        "personal_chat_known": True,
    }
    await members.delete(guild, bob)
    assert teams.world.bob.id.encode() not in await stored_bytes(teams)
    await teams.command("bob", "rotation show")  # a new message: a new number
    assert await teams.user_number("bob") != bob


async def test_set_next_and_skip_name_who_they_moved(teams: TeamsHarness) -> None:
    """``set-next`` said "this volunteer", ``skip`` "the next volunteer shown below": they
    now name the members, as Teams shows them."""
    await teams.setup_community()
    for member in ("bob", "chloe"):
        await teams.command(member, "rotation join", channel="Check-ins")
    said = await teams.run("alice", "rotation set-next", member=Named("chloe"))
    assert "Done: Chloé Gagnon takes the next meeting date announced." in said
    skipped = await teams.run("alice", "rotation skip")
    assert "Skipped Chloé Gagnon: Bob Martin is now next." in skipped


async def test_a_date_every_volunteer_declined_is_taken_from_its_notice(
    teams: TeamsHarness,
) -> None:
    """The notice in the moderation channel carries "I'll facilitate it": a member outside
    the rotation is refused (told where they clicked), a team owner takes the date, and the notice
    then says who took it, for everyone, without its button."""
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    occurrence = await teams.announce_date("PLC meeting", teams.clock.now() + timedelta(days=10))
    await teams.click("bob", teams.last_private("bob"), "Can't this time")
    await teams.advance(timedelta(0))
    [notice] = [
        m
        for m in teams.posts_in("Moderation")
        if "Every available volunteer declined" in card_text(m)
    ]
    assert buttons(notice) == ["I'll facilitate it"]

    refused = await teams.click("david", notice, "I'll facilitate it")
    assert refused.status == 200  # said to David alone, where he clicked
    assert "Only facilitators and the rotation's volunteers" in refused.body["value"]
    assert buttons(notice) == ["I'll facilitate it"]  # unchanged
    taken = await teams.click("alice", notice, "I'll facilitate it")
    assert taken.status == 200
    [edited] = [m for m in teams.posts_in("Moderation") if m.id == notice.id]
    assert "✅ Settled: Alice" in card_text(edited) and buttons(edited) == []
    assert "Thank you! You facilitate **PLC meeting**" in card_text(teams.last_private("alice"))
    await accepted_by(teams, occurrence, "alice")


async def test_assign_is_a_text_command_in_both_languages(teams: TeamsHarness) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    occurrence = await teams.announce_date("PLC meeting", teams.clock.now() + timedelta(days=10))
    said = await teams.run("alice", "rotation assign", meeting="PLC meeting", member=Named("chloe"))
    assert "Done: Chloé Gagnon facilitates **PLC meeting**" in said
    assert "Bob Martin, who had been asked and had not said yes, is no longer asked." in said
    await teams.advance(timedelta(0))
    # Chloé never wrote to the bot: told in the community's language.
    assert "Alice Tremblay named you to facilitate **PLC meeting**" in card_text(
        teams.last_private("chloe")
    )
    assert "No need to answer the offer" in card_text(teams.last_private("bob"))
    again = await teams.run(
        "alice", "rotation attribuer", rencontre="PLC meeting", membre=Named("bob")
    )
    assert "already has a facilitator: Chloé Gagnon" in again
    rotation = teams.app.services.get(RotationService)
    assignment = await rotation.assignment(occurrence)
    assert assignment is not None and assignment.user_id == await teams.user_number("chloe")
