"""Goals end to end: the form, the list, closing, the progress chart, personal data."""

from __future__ import annotations

import io
import json

from PIL import Image

from bot.charts import read_chart_data
from bot.db import goals as goals_db
from tests.e2e.checkins_steps import (
    OPEN,
    WEEK,
    answer,
    schedule,
    set_goal,
    stored_answers,
)
from tests.e2e.harness import Harness


async def bob_reports_on_his_goal(h: Harness, **answered: str) -> None:
    """Bob sets a goal and answers the week's check-in about it."""
    await h.setup_community()
    await set_goal(h, "bob")
    await schedule(h)
    await h.advance(OPEN)
    await answer(h, "bob", **answered)


async def test_the_progress_chart_is_a_png_of_the_stored_values(harness: Harness) -> None:
    h = harness
    await bob_reports_on_his_goal(h, progress="45")
    await h.advance(WEEK)
    await answer(h, "bob", progress="50,5")

    chart = await (await h.slash("chloe", "goal progress", member=h.user("bob"))).final()
    assert not chart.ephemeral and chart.message is not None
    (attachment,) = chart.message.attachments
    assert attachment.filename.endswith(".png")
    image = Image.open(io.BytesIO(attachment.data))
    image.verify()
    assert image.format == "PNG"
    data = read_chart_data(attachment.data)
    async with h.bot.core.db.read() as conn:
        (goal,) = await goals_db.of_member(conn, h.guild.id, h.user("bob"))
        stored = await goals_db.values(conn, goal.id)
    assert [p["value"] for p in data["points"]] == [v.value for v in stored] == [45.0, 50.5]
    assert [p["week"] for p in data["points"]] == [v.week for v in stored]
    assert (data["baseline"], data["target"]) == (goal.baseline, goal.target)
    assert chart.message.mention_user_ids == []

    nothing = await h.slash("david", "goal progress")
    assert nothing.ephemeral and "/goal set" in (nothing.content or "")


async def test_bad_goals_are_refused_with_the_reason(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    cases = [
        ({"baseline": "10", "target": "10,0"}, "target equals the baseline"),
        ({"baseline": "forty"}, "is not a number"),
        ({"due": "2026-01-05"}, "in the past"),
    ]
    for changes, expected in cases:
        form = await h.slash("bob", "goal set")
        values = {
            "title": "Goal",
            "measure": "count",
            "baseline": "1",
            "target": "5",
            "due": "2027-01-01",
        }
        values.update(changes)
        result = await h.emu.submit_modal(h.user("bob"), form, values)
        assert result.ephemeral and expected in (result.content or ""), result.content
    community = await h.slash("bob", "goal set", scope="community")
    assert community.modal is None and "facilitators" in (community.content or "")
    async with h.bot.core.db.read() as conn:
        assert await goals_db.of_member(conn, h.guild.id, h.user("bob")) == []


async def test_goals_are_listed_and_closed_through_autocomplete(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    await set_goal(h, "bob")
    choices = await h.emu.autocomplete(
        h.guild.id, h.user("bob"), "goal close", focused="goal", value="read"
    )
    (choice,) = choices.choices or []
    assert choice["name"] == "Reading fluency"
    other = await h.emu.autocomplete(
        h.guild.id, h.user("chloe"), "goal close", focused="goal", value=""
    )
    assert other.choices == []
    stolen = await h.slash("david", "goal close", goal=choice["value"])
    assert "another member" in (stolen.content or "")
    listed = await h.slash("bob", "goal list")
    assert "Reading fluency" in (listed.message.all_text() if listed.message else "")
    closed = await h.slash("bob", "goal close", goal=choice["value"])
    assert "Goal closed" in (closed.content or "")
    again = await h.slash("bob", "goal close", goal=choice["value"])
    assert "already closed" in (again.content or "")


async def test_me_export_and_delete_reach_goals_and_answers(harness: Harness) -> None:
    h = harness
    await bob_reports_on_his_goal(h, progress="44", tried="My practice")
    await answer(h, "chloe", tried="Hers")
    export = await (await h.slash("bob", "me export")).final()
    assert export.message is not None
    data = json.loads(export.message.attachments[0].data)
    assert [g["title"] for g in data["goals"]["goals"]] == ["Reading fluency"]
    assert [v["value"] for v in data["goals"]["goals"][0]["values"]] == [44.0]
    assert [a["texts"][0] for a in data["checkins"]["answers"]] == ["My practice"]

    ask = await h.slash("bob", "me delete")
    assert ask.message is not None
    await h.emu.click(h.user("bob"), ask.message, ask.message.custom_ids()[0])
    remaining = await stored_answers(h)
    assert [a.user_id for a in remaining] == [h.user("chloe")]
    async with h.bot.core.db.read() as conn:
        assert await goals_db.of_member(conn, h.guild.id, h.user("bob")) == []
