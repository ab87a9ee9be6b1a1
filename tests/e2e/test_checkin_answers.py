"""What a member is told when they answer the week's check-in (end to end)."""

from __future__ import annotations

import pytest

from tests.e2e.checkins_steps import (
    NUDGE_TO_CLOSE,
    TO_NUDGE,
    answer,
    answer_button,
    click_answer,
    open_week,
    prompt,
    set_goal,
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


async def test_a_number_given_without_an_open_goal_is_said_to_count_toward_none(
    harness: Harness,
) -> None:
    """A member with no open goal still has the one number field: the reply says the
    number counts toward no goal and how to set one (before: nothing said, the number
    seemingly kept for a goal), in the member's language; a member with a goal is told
    which goal it went to, not this."""
    h = harness
    await open_week(h)
    opened = await click_answer(h, "bob")
    saved = await (
        await h.emu.submit_modal(
            h.user("bob"), opened, {"progress": "5", "q1": "tried"}, locale="en-US"
        )
    ).final()
    assert (
        "Your number 5 counts toward no goal: you have no open goal. Set one with `/goal set`"
        in (saved.content or "")
    ), saved.content
    again = await click_answer(h, "bob")
    edited = await (
        await h.emu.submit_modal(h.user("bob"), again, {"progress": "6,5", "q1": "x"}, locale="fr")
    ).final()
    assert "Votre nombre 6,5 ne compte pour aucun objectif" in (edited.content or "")
    assert "`/objectif definir`" in (edited.content or ""), edited.content

    await set_goal(h, "chloe")
    counted = await answer(h, "chloe", progress="50")
    assert "counts toward no goal" not in (counted.content or "")
    assert "ne compte pour aucun objectif" not in (counted.content or "")
