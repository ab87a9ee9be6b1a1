"""A week's check-in answered on Teams: the prompt's Answer opens the form in place for
the member; what they leave blank arrives blank, as from a Discord form."""

from __future__ import annotations

from bot.db import goals as goals_db
from bot.emulator.teams.cards import walk
from bot.emulator.teams.state import TeamsMessage
from tests.teams.harness import TeamsHarness, card_text, text_of


async def test_an_answer_with_questions_left_blank_is_saved_and_edited(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("alice", "checkin now", channel="Check-ins")
    [prompt] = [m for m in teams.posts_in("Check-ins") if m.root_id is None]
    # The week as people say it, by its Monday: no ISO week number ("2026-W48").
    assert "Weekly check-in · week of 23 November" in card_text(prompt)

    opened = await teams.click("bob", prompt, "Answer")
    assert opened.status == 200
    # Only the first text question answered: the number and the last question blank.
    await teams.submit("bob", prompt, q1="Reading circles")
    assert "Thanks! Your answer is posted" in card_text(teams.last_private("bob"))
    [post] = answers(teams, prompt)
    assert "Reading circles" in card_text(post)
    assert "Obstacles" not in card_text(post)

    # Answer again: his answer, filled, to edit; he clears it and answers the last one.
    await teams.click("bob", prompt, "Answer")
    form = text_of(prompt.card_for(teams.world.bob.id))
    assert "Edit my check-in · week of 23 November" in form
    filled = {
        node.get("id"): node.get("value") for node in _inputs(prompt.card_for(teams.world.bob.id))
    }
    assert filled["q1"] == "Reading circles"
    await teams.submit("bob", prompt, q1="", q2="Time to plan")
    assert "Your answer is updated" in card_text(teams.last_private("bob"))
    [post] = answers(teams, prompt)
    assert "Time to plan" in card_text(post) and "Reading circles" not in card_text(post)


def answers(teams: TeamsHarness, prompt: TeamsMessage) -> list[TeamsMessage]:
    """The answers the bot posted in the prompt's reply chain."""
    return [m for m in teams.emu.state.replies_to(prompt) if m.by_bot]


def _inputs(card: object) -> list[dict[str, object]]:
    return [node for node in walk(card) if str(node.get("type", "")).startswith("Input.")]


async def test_a_progress_chart_is_shown_with_what_it_shows_for_a_screen_reader(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("chloe", "objectif definir")
    form = teams.last_private("chloe")
    values = {"title": "Lecture", "measure": "minutes", "baseline": "5", "target": "20"}
    await teams.submit("chloe", form, **values, due="2027-03-01")
    await teams.command("chloe", "objectif progression", channel="Check-ins")
    [chart] = [m for m in teams.posts_in("Check-ins") if "Progression" in card_text(m)]
    assert card_text(chart).startswith(  # no "de" before a name ("de Alice"): a dash
        "Progression sur l'objectif nº 1 **Lecture** (minutes) — Chloé Gagnon : "
        "aucune valeur hebdomadaire pour l'instant, cible 20."
    )
    [image] = [node for node in walk(chart.card) if node.get("type") == "Image"]
    assert image["altText"] == (
        "Graphique : les valeurs hebdomadaires de l'objectif « Lecture » (minutes), du point "
        "de départ 5 vers la cible 20 ; aucune valeur pour l'instant."
    )


async def test_a_french_member_is_told_the_button_as_the_english_prompt_shows_it(
    teams: TeamsHarness,
) -> None:
    """Chloé's Teams is in French; the prompt is the community's, in English: the reply
    names the button she will press again as it reads on the card, **Answer**."""
    await teams.setup_community()
    await teams.command("alice", "checkin now", channel="Check-ins")
    [prompt] = [m for m in teams.posts_in("Check-ins") if m.root_id is None]
    await teams.click("chloe", prompt, "Answer")
    await teams.submit("chloe", prompt, q1="essai")
    reply = card_text(teams.last_private("chloe"))
    assert "Appuyez de nouveau sur **Answer** pour la modifier" in reply, reply


async def test_a_french_facilitator_reads_the_schedule_time_the_french_way(
    teams: TeamsHarness,
) -> None:
    """A time of day in a French sentence is written as French writes it (« 14 h 30 »),
    not on the English clock ("14:30"); English keeps "09:00"."""
    await teams.setup_community()
    await teams.command("alice", "checkin schedule day:Monday time:9:00")
    assert "every **Monday** at **09:00**" in card_text(teams.last_private("alice"))
    teams.world.user("alice").locale = "fr-CA"
    await teams.command("alice", "checkin schedule day:Monday time:14:30")
    assert "chaque **lundi** à **14 h 30**" in card_text(teams.last_private("alice"))


async def test_goals_sharing_a_title_are_told_apart_by_their_numbers(teams: TeamsHarness) -> None:
    """Teams has no list to pick from while typing: `goal list` shows each goal's number,
    a title two open goals share names both numbers, and `goal:N` closes the one meant."""
    await teams.setup_community()
    for target in ("10", "20"):
        await teams.command("bob", "goal set")
        form = teams.last_private("bob")
        values = {"title": "Reading", "measure": "pages", "baseline": "0", "target": target}
        await teams.submit("bob", form, **values, due="2027-03-01")
    warned = card_text(teams.last_private("bob"))
    assert "You already have an open goal titled **Reading** (#" in warned
    async with teams.app.core.db.read() as conn:
        stored = await goals_db.of_member(
            conn, await teams.team_number(), await teams.user_number("bob")
        )
    first, second = sorted(goal.id for goal in stored)
    assert f"(#{first}); this one is #{second}" in warned
    await teams.command("bob", "goal list")
    listed = card_text(teams.last_private("bob"))
    assert f"#{first} · **Reading**" in listed and f"#{second} · **Reading**" in listed
    await teams.command("bob", "goal close goal:Reading")
    refused = card_text(teams.last_private("bob"))
    assert f"titled “Reading”: #{first}, #{second}" in refused
    await teams.command("bob", f"goal close goal:{first}")
    assert "Goal closed: **Reading**" in card_text(teams.last_private("bob"))


async def test_a_facilitator_gives_the_community_goals_number_in_the_check_in_card(
    teams: TeamsHarness,
) -> None:
    """On Teams too, the form in a facilitator's view of the prompt asks each open
    community goal's number, which is kept for that goal; a member's view does not."""
    await teams.setup_community()
    await teams.command("alice", "goal set scope:community")
    form = teams.last_private("alice")
    values = {"title": "Attendance", "measure": "% present", "baseline": "80", "target": "95"}
    await teams.submit("alice", form, **values, due="2027-06-30")
    async with teams.app.core.db.read() as conn:
        [goal] = await goals_db.of_community(conn, await teams.team_number())
    await teams.command("alice", "checkin now", channel="Check-ins")
    [prompt] = [m for m in teams.posts_in("Check-ins") if m.root_id is None]

    await teams.click("alice", prompt, "Answer")
    ids = [node.get("id") for node in _inputs(prompt.card_for(teams.world.alice.id))]
    assert f"goal-{goal.id}" in ids and "progress" not in ids, ids
    await teams.submit("alice", prompt, **{f"goal-{goal.id}": "85"})
    reply = card_text(teams.last_private("alice"))
    assert f"85 recorded for the community goal #{goal.id} **Attendance**" in reply, reply
    async with teams.app.core.db.read() as conn:
        assert [v.value for v in await goals_db.values(conn, goal.id)] == [85.0]

    await teams.click("bob", prompt, "Answer")
    ids = [node.get("id") for node in _inputs(prompt.card_for(teams.world.bob.id))]
    assert "progress" in ids and f"goal-{goal.id}" not in ids, ids


async def test_no_community_goal_yet_says_the_command_as_it_is_typed_on_teams(
    teams: TeamsHarness,
) -> None:
    """Discord picks an option's choice from a menu (« son option portee : Objectif
    commun »); on Teams it is typed, so the text says what to type, and typed it works."""
    await teams.setup_community()
    for member, said in (
        ("chloe", "**objectif definir portee:commun**"),
        ("bob", "**goal set scope:community**"),
    ):
        listed = await teams.run(member, "goal list")
        assert said in listed, listed
    await teams.command("alice", "goal set scope:community")
    assert "Set a community goal" in card_text(teams.last_private("alice"))
