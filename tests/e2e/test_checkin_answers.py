"""What a member is told when they answer the week's check-in (end to end)."""

from __future__ import annotations

import pytest

from tests.e2e.checkins_steps import (
    NUDGE_TO_CLOSE,
    TO_NUDGE,
    answer_button,
    click_answer,
    open_week,
    prompt,
)
from tests.e2e.harness import Harness


@pytest.mark.parametrize(
    ("community", "member", "locale", "told", "not_named"),
    [
        ("en", "chloe", "fr", "Appuyez de nouveau sur **Answer** pour la modifier", "Répondre"),
        ("fr", "bob", "en-US", "Press **Répondre** again to edit it", "Answer**"),
    ],
)
async def test_a_member_is_told_the_button_as_the_prompt_shows_it(
    harness: Harness, community: str, member: str, locale: str, told: str, not_named: str
) -> None:
    """The prompt is posted in the community's language: the reply to a member who reads
    another names its button as it is written there, in the member's own sentence."""
    h = harness
    await open_week(h, language=community)
    posted = prompt(h)
    opened = await h.emu.click(h.user(member), posted, answer_button(posted), locale=locale)
    assert opened.modal is not None
    saved = await (
        await h.emu.submit_modal(h.user(member), opened, {"q1": "essai"}, locale=locale)
    ).final()
    reply = saved.content or ""
    assert told in reply, reply
    assert not_named not in reply


async def test_an_answer_refused_as_too_late_offers_nothing_to_correct(
    harness: Harness,
) -> None:
    """A form refused for what was typed comes back with *Correct it*; one refused because
    the check-in closed does not: no correction can make it accepted."""
    h = harness
    await open_week(h)
    late_form = await click_answer(h, "bob")
    await h.advance(TO_NUDGE + NUDGE_TO_CLOSE)
    refused = await (
        await h.emu.submit_modal(h.user("bob"), late_form, {"q1": "late"}, locale="en-US")
    ).final()
    assert refused.ephemeral and "This check-in is closed" in (refused.content or "")
    custom_ids = refused.message.custom_ids() if refused.message else []
    assert not [c for c in custom_ids if c.startswith("plc:form-again:")], custom_ids


async def test_a_number_refused_in_an_answer_can_still_be_corrected(harness: Harness) -> None:
    h = harness
    await open_week(h)
    opened = await click_answer(h, "bob")
    refused = await (
        await h.emu.submit_modal(h.user("bob"), opened, {"progress": "a lot"}, locale="en-US")
    ).final()
    assert "is not a number" in (refused.content or "")
    assert refused.message is not None
    assert [c for c in refused.message.custom_ids() if c.startswith("plc:form-again:")]
