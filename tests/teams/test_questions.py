"""Anonymous questions on Teams: the list of the most upvoted ones, as Teams shows it."""

from __future__ import annotations

from tests.teams.harness import TeamsHarness, card_text


async def test_the_most_upvoted_questions_link_each_to_its_post_once(teams: TeamsHarness) -> None:
    """``questions populaires``: each line's number is one link to the question's post
    (``[Question nº 1](url)``, as Discord writes it), never a link inside a link."""
    await teams.setup_community()
    await teams.command("chloe", "demander")  # in her 1:1 chat
    await teams.submit("chloe", teams.last_private("chloe"), question="Une grille ?")
    [review] = teams.posts_in("Moderation")
    await teams.click("alice", review, "Approve")
    [posted] = teams.posts_in("Questions")
    await teams.click("bob", posted, "▲")

    await teams.command("chloe", "questions populaires")
    [line] = [t for t in card_text(teams.last_private("chloe")).split("\n") if "▲" in t]
    assert line.startswith("▲ 1 · [Question nº 1](https://teams.microsoft.com/l/message/")
    assert line.endswith(") — Une grille ?") and line.count("](") == 1
    await teams.command("bob", "questions top")
    [line] = [t for t in card_text(teams.last_private("bob")).split("\n") if "▲" in t]
    assert line.startswith("▲ 1 · [Question #1](https://teams.microsoft.com/l/message/")
    assert "the message" not in line
