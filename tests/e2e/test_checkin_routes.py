"""The check-in's buttons and forms keep the ids earlier versions put on posted messages,
and route after a restart: the prompt's Answer and pulse buttons, the answer and goal
forms, and *Edit my answer* (the button earlier versions replied with when Answer was
pressed again)."""

from __future__ import annotations

from bot.db import checkins as checkins_db
from bot.emulator import InteractionResult
from tests.e2e.checkins_steps import answer, open_week, prompt, stored_answers, thread_posts
from tests.e2e.harness import Harness


async def test_every_id_routes_after_a_restart(harness: Harness) -> None:
    h = harness
    await open_week(h, pulse=True)
    async with h.bot.core.db.read() as conn:
        (checkin,) = await checkins_db.checkins_of(conn, h.guild.id)
    await answer(h, "bob", tried="Before the restart")
    goal_form = await h.slash("chloe", "goal set")
    await h.restart()

    posted = prompt(h)
    vote = await h.emu.click(h.user("chloe"), posted, f"plc:checkin:pulse:{checkin.id}:4")
    assert vote.ephemeral and "anonym" in (vote.content or "")  # Chloé reads French
    # Answer pressed again opens his answer to edit, filled.
    form = await h.emu.click(h.user("bob"), posted, f"plc:checkin:answer:{checkin.id}")
    assert form.modal is not None
    assert form.modal.custom_id == f"plc:checkin:answer-form:{checkin.id}"
    assert form.modal.title == "Edit my check-in · week of 23 November"
    assert {f.custom_id: f.value for f in form.modal.fields}["q1"] == "Before the restart"
    await edited(h, form, "After it")

    assert goal_form.modal is not None and goal_form.modal.custom_id == "plc:goal:form:mine"
    values = {"title": "Across", "measure": "n", "baseline": "0", "target": "3"}
    goal = await h.emu.submit_modal(h.user("chloe"), goal_form, values | {"due": "2027-06-15"})
    assert goal.ephemeral and "**Across**" in (goal.content or "")


async def test_edit_my_answer_of_earlier_versions_opens_the_filled_form(harness: Harness) -> None:
    h = harness
    await open_week(h)
    await answer(h, "bob", tried="First try")
    (stored,) = await stored_answers(h)
    earlier = prompt(h)  # a message holding the button earlier versions replied with
    for row in earlier.components:
        for component in row["components"]:
            component["custom_id"] = f"plc:checkin:edit:{stored.id}"
    await h.restart()

    chloe = await h.emu.click(h.user("chloe"), earlier, f"plc:checkin:edit:{stored.id}")
    assert chloe.modal is None and chloe.ephemeral  # not her answer
    form = await h.emu.click(h.user("bob"), earlier, f"plc:checkin:edit:{stored.id}")
    assert form.modal is not None
    assert {f.custom_id: f.value for f in form.modal.fields}["q1"] == "First try"
    await edited(h, form, "Second try")


async def edited(h: Harness, form: InteractionResult, text: str) -> None:
    """Bob submits his filled answer form with ``text``: his one post in the thread says it."""
    saved = await (
        await h.emu.submit_modal(h.user("bob"), form, {"progress": "", "q1": text})
    ).final()
    assert saved.ephemeral and "updated" in (saved.content or "")
    assert [p.all_text().count(text) for p in thread_posts(h)] == [1]
