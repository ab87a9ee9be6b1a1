"""The check-in's buttons and forms keep the ids earlier versions put on posted messages,
and route after a restart: the prompt's Answer and pulse buttons, Edit my answer, the
answer and goal forms."""

from __future__ import annotations

from bot.db import checkins as checkins_db
from tests.e2e.checkins_steps import answer, open_week, prompt, stored_answers, thread_posts
from tests.e2e.harness import Harness


async def test_every_id_routes_after_a_restart(harness: Harness) -> None:
    h = harness
    await open_week(h, pulse=True)
    async with h.bot.core.db.read() as conn:
        (checkin,) = await checkins_db.checkins_of(conn, h.guild.id)
    await answer(h, "bob", tried="Before the restart")
    (stored,) = await stored_answers(h)
    goal_form = await h.slash("chloe", "goal set")
    await h.restart()

    posted = prompt(h)
    vote = await h.emu.click(h.user("chloe"), posted, f"plc:checkin:pulse:{checkin.id}:4")
    assert vote.ephemeral and "anonym" in (vote.content or "")  # Chloé reads French
    again = await h.emu.click(h.user("bob"), posted, f"plc:checkin:answer:{checkin.id}")
    assert again.message is not None
    form = await h.emu.click(h.user("bob"), again.message, f"plc:checkin:edit:{stored.id}")
    assert form.modal is not None
    assert form.modal.custom_id == f"plc:checkin:answer-form:{checkin.id}"
    saved = await (
        await h.emu.submit_modal(h.user("bob"), form, {"progress": "", "q1": "After it"})
    ).final()
    assert saved.ephemeral and "updated" in (saved.content or "")
    assert [p.all_text().count("After it") for p in thread_posts(h)] == [1]

    assert goal_form.modal is not None and goal_form.modal.custom_id == "plc:goal:form:mine"
    values = {"title": "Across", "measure": "n", "baseline": "0", "target": "3"}
    goal = await h.emu.submit_modal(h.user("chloe"), goal_form, values | {"due": "2027-06-15"})
    assert goal.ephemeral and "**Across**" in (goal.content or "")
