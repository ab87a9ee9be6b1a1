"""What a member is told when they answer the week's check-in (end to end)."""

from __future__ import annotations

from tests.e2e.checkins_steps import OPEN, answer_button, open_week, prompt
from tests.e2e.harness import Harness


async def test_a_french_member_is_told_the_button_as_the_english_prompt_shows_it(
    harness: Harness,
) -> None:
    """The prompt is posted in the community's language: the reply to a member who reads
    French names its button as it is written there (**Answer**), in a French sentence."""
    h = harness
    await open_week(h)
    posted = prompt(h)
    opened = await h.emu.click(h.user("chloe"), posted, answer_button(posted), locale="fr")
    assert opened.modal is not None
    saved = await (
        await h.emu.submit_modal(h.user("chloe"), opened, {"q1": "essai"}, locale="fr")
    ).final()
    reply = saved.content or ""
    assert "Appuyez de nouveau sur **Answer** pour la modifier" in reply, reply
    assert "Répondre" not in reply


async def test_an_english_member_is_told_the_button_as_the_french_prompt_shows_it(
    harness: Harness,
) -> None:
    h = harness
    await h.setup_community(language="fr")
    await h.slash("alice", "checkin schedule", day=0, time="09:30")
    await h.advance(OPEN)
    posted = prompt(h)
    opened = await h.emu.click(h.user("bob"), posted, answer_button(posted), locale="en-US")
    assert opened.modal is not None
    saved = await (
        await h.emu.submit_modal(h.user("bob"), opened, {"q1": "Tried"}, locale="en-US")
    ).final()
    assert "Press **Répondre** again to edit it" in (saved.content or ""), saved.content
