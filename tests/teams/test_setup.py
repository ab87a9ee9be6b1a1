"""``/plc setup`` on Teams: the team's owners set the community up, channels by name; Teams
has no roles (owners facilitate), so no role is asked for, and a typed one is refused with
a sentence saying why. Texts that name a Discord thing read in Teams' words."""

from __future__ import annotations

import re

import pytest

from bot.emulator.teams import TeamsMessage
from bot.services.community import CommunityService
from tests.teams.harness import TeamsHarness, card_text


async def test_the_owner_sets_the_community_up_through_the_form_without_a_role(
    teams: TeamsHarness,
) -> None:
    await teams.install()
    not_yet = await teams.run("bob", "rotation show")
    assert "A team owner can run **plc setup** (time zone, language, channels)" in not_yet
    assert "Manage Server" not in not_yet

    refused = await teams.run("bob", "plc setup")
    assert refused == "Only the team's owners can do this."  # no form for him to fill

    await teams.command("alice", "plc setup", channel="Check-ins")
    form = teams.last_private("alice")
    assert form.card is not None
    asked = [n["id"] for n in form.card["body"] if str(n.get("type")).startswith("Input.")]
    assert asked == [
        "timezone",
        "language",
        "checkin_channel",
        "questions_channel",
        "announcements_channel",
        "moderation_channel",
    ]
    channels = {c["title"]: c["value"] for c in form.card["body"][4]["choices"]}
    await teams.submit(
        "alice",
        form,
        timezone="America/Toronto",
        language="en",
        checkin_channel=channels["Check-ins"],
        questions_channel=channels["Questions"],
        announcements_channel=channels["Announcements"],
    )
    saved = card_text(teams.private("alice")[-1])
    assert "Community set up" in saved and "**Check-ins**" in saved
    assert "Facilitator role (on Teams, the team's owners facilitate)" in saved
    community = await teams.app.services.get(CommunityService).get(await teams.team_number())
    assert community is not None
    assert community.checkin_channel_id == await teams.channel_number("Check-ins")
    assert community.facilitator_role_id is None


async def test_a_role_typed_on_teams_is_refused_and_nothing_changes(teams: TeamsHarness) -> None:
    await teams.setup_community()
    refused = await teams.run(
        "alice", "plc setup", channel="Check-ins", language="fr", facilitator_role="Teachers"
    )
    assert refused == "Teams has no roles: the option facilitator_role cannot be used here."
    community = await teams.app.services.get(CommunityService).get(await teams.team_number())
    assert community is not None and community.language == "en"


async def test_french_members_read_teams_words(teams: TeamsHarness) -> None:
    await teams.install()
    not_yet = await teams.run("chloe", "rotation afficher")
    assert "Une personne propriétaire de l'équipe peut lancer **cap configurer**" in not_yet
    assert "(fuseau horaire, langue, canaux)" in not_yet
    await teams.setup_community()
    status = await teams.run("chloe", "cap etat")
    assert "Canal des bilans" in status and "Salon" not in status
    assert "dans Teams, les propriétaires de l'équipe animent" in status
    # The version and the last round trip to the Bot Connector, as Discord shows its own.
    assert re.search(r"^plc-bot \S+ · latence \d+ ms$", status, re.MULTILINE), status


def welcomes(teams: TeamsHarness) -> list[TeamsMessage]:
    return [m for m in teams.posts_in("General") if "plc-bot" in card_text(m)]


@pytest.mark.parametrize(
    ("by", "said_first", "said_then"),
    [
        (
            "alice",
            "👋 Hello! I am **plc-bot**.",
            (
                "one of the team's owners writes **plc setup** to me",
                "Write **help** to me for every command.",
                "🇫🇷 En français : **cap configurer** pour commencer",
            ),
        ),
        (
            "chloe",  # her Teams is in French
            "👋 Bonjour ! Je suis **plc-bot**.",
            (
                "une personne propriétaire de l'équipe m'écrit **cap configurer**",
                "(fuseau horaire, langue, canaux)",
                "🇬🇧 In English: **plc setup** to begin",
            ),
        ),
    ],
)
async def test_the_welcome_speaks_teams_words_in_the_language_of_whoever_added_the_app(
    teams: TeamsHarness, by: str, said_first: str, said_then: tuple[str, ...]
) -> None:
    """A team has no language of its own: the welcome, in General, follows the Teams of
    the member who added the app, with its line in the other language."""
    await teams.install(by=by)
    [welcome] = welcomes(teams)
    said = card_text(welcome)
    assert said.startswith(said_first)
    assert all(part in said for part in said_then), said
    assert "Manage Server" not in said and "Gérer le serveur" not in said


async def test_a_team_is_greeted_once_and_never_again_once_set_up(teams: TeamsHarness) -> None:
    """Teams tells an install twice (the app's install, the team's update): one welcome;
    a team that was set up before and adds the app back is not greeted again."""
    await teams.install()
    [welcome] = welcomes(teams)
    await teams.setup_community()
    await teams.emu.uninstall_from_team(teams.world.team, teams.world.alice)
    await teams.install()
    assert welcomes(teams) == [welcome]
