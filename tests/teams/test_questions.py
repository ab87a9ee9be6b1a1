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


async def test_a_facilitator_unblocks_by_typing_the_command_or_on_the_panel(
    teams: TeamsHarness,
) -> None:
    """``questions unblock number:1`` is typed as Discord's slash command is used; the
    private panel's *Unblock author* does the same; members are refused."""
    await teams.setup_community()
    await teams.command("bob", "ask")
    await teams.submit("bob", teams.last_private("bob"), question="Rude?")
    [review] = teams.posts_in("Moderation")
    await teams.click("alice", review, "Approve")

    await teams.command("alice", "questions moderate number:1")
    await teams.click("alice", teams.last_private("alice"), "Block author")
    blocked = card_text(teams.last_private("alice"))
    assert "The author of anonymous question #1 is now blocked" in blocked
    assert "**questions unblock number:1** undoes it." in blocked
    await teams.command("bob", "ask")
    assert "blocked" in card_text(teams.last_private("bob"))

    refused = await teams.run("david", "questions unblock", channel=None, number=1)
    assert "Only facilitators" in refused
    said = await teams.run("alice", "questions unblock", channel=None, number=1)
    assert "The author of anonymous question #1 can post anonymously again" in said
    await teams.command("bob", "ask")
    assert "Ask anonymously" in card_text(teams.last_private("bob"))

    await teams.command("alice", "questions moderate number:1")
    await teams.click("alice", teams.last_private("alice"), "Block author")
    await teams.click("alice", teams.last_private("alice"), "Unblock author")
    assert "can post anonymously again" in card_text(teams.last_private("alice"))
    assert "Block author" in str(teams.last_private("alice").card)


async def test_the_french_block_confirmation_agrees_with_neither_a_question_nor_a_theme(
    teams: TeamsHarness,
) -> None:
    """« la personne à l'origine de cette publication »: no participle to agree with the
    item (une question écrite, un thème écrit), blocked for the first time or again."""
    await teams.setup_community()
    teams.world.user("alice").locale = "fr-CA"
    await teams.command("bob", "ask")
    await teams.submit("bob", teams.last_private("bob"), question="Rude?")
    [review] = teams.posts_in("Moderation")
    await teams.click("alice", review, "Approve")

    await teams.command("alice", "questions moderer numero:1")
    stale = teams.last_private("alice")
    await teams.command("alice", "questions moderer numero:1")
    await teams.click("alice", teams.last_private("alice"), "Bloquer")
    blocked = card_text(teams.last_private("alice"))
    assert (
        "C'est fait pour la question anonyme nº 1 : la personne à l'origine de cette "
        "publication ne peut plus rien publier anonymement" in blocked
    )
    await teams.click("alice", stale, "Bloquer")  # a panel opened before the block
    again = card_text(stale)
    assert "Pour la question anonyme nº 1, la personne à l'origine de cette publication" in again
    assert "l'a écrit" not in blocked + again


async def test_a_public_list_typed_in_the_1_1_chat_is_refused_in_the_members_words(
    teams: TeamsHarness,
) -> None:
    """``questions populaires public:oui`` belongs in a channel: typed in the private
    chat, it posts nothing there and says where to type it, in the member's language
    (the community's is English)."""
    await teams.setup_community()
    await teams.command("bob", "ask")
    await teams.submit("bob", teams.last_private("bob"), question="A rubric?")
    [review] = teams.posts_in("Moderation")
    await teams.click("alice", review, "Approve")
    teams.world.user("chloe").locale = "fr-CA"
    before = len(teams.private("chloe"))

    await teams.command("chloe", "questions populaires public:oui")
    [said] = teams.private("chloe")[before:]
    assert "tapez la commande dans un canal de votre communauté" in card_text(said)
    assert "A rubric?" not in card_text(said)
    await teams.command("chloe", "questions populaires public:oui", channel="Questions")
    assert "A rubric?" in card_text(teams.posts_in("Questions")[-1])


async def test_a_french_review_of_a_topic_agrees_with_un_theme(teams: TeamsHarness) -> None:
    """« Approuvez pour la publier … qui l'a écrite » was said of a topic too (un thème):
    its review says « le publier … l'a proposé », and « Approuvé … publié », « Refusé »."""
    await teams.setup_community(language="fr")
    for title in ("Devoirs", "Bulletins"):
        await teams.command("chloe", "theme proposer")
        await teams.submit("chloe", teams.last_private("chloe"), title=title)
    approved, rejected = teams.posts_in("Moderation")
    hint = card_text(approved)
    assert "Approuvez pour le publier dans **Questions**" in hint
    assert "ne peut voir qui l'a proposé." in hint
    await teams.click("alice", approved, "Approuver")
    assert "Approuvé par Alice Tremblay : publié dans **Questions**." in card_text(approved)
    await teams.click("alice", rejected, "Refuser")
    assert "Refusé par Alice Tremblay ; le texte a été effacé." in card_text(rejected)
    await teams.command("bob", "demander")
    await teams.submit("bob", teams.last_private("bob"), question="Rude?")
    question = teams.posts_in("Moderation")[-1]
    assert "Approuvez pour la publier" in card_text(question)  # une question
