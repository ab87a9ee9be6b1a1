"""Goals end to end: the form, the list, closing, the progress chart, personal data."""

from __future__ import annotations

import io
import json

from PIL import Image

from bot.charts import read_chart_data
from bot.db import goals as goals_db
from tests.e2e.checkins_steps import (
    NUDGE_TO_CLOSE,
    OPEN,
    TO_NUDGE,
    WEEK,
    answer,
    click_answer,
    digests,
    schedule,
    scheduled,
    set_goal,
    stored_answers,
    thread_posts,
)
from tests.e2e.harness import Harness


async def bob_reports_on_his_goal(h: Harness, **answered: str) -> None:
    """Bob sets a goal and answers the week's check-in about it."""
    await scheduled(h)
    await set_goal(h, "bob")
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


async def test_a_goal_without_numbers_yet_is_charted_with_a_caption_saying_so(
    harness: Harness,
) -> None:
    """Its chart shows the baseline, the target and the due date; the caption says no
    weekly value came yet (not "0 weekly values"), in each language."""
    h = harness
    await h.setup_community()
    await set_goal(h, "bob")
    chart = await (await h.slash("bob", "goal progress", locale="en-US")).final()
    assert chart.message is not None and len(chart.message.attachments) == 1
    assert "no weekly value yet, target" in chart.message.content
    # The picture says what it shows, for a screen reader (Discord's alternative text).
    assert chart.message.attachments[0].description == (
        "Chart: the weekly values of Reading fluency (% of students at level 3), from the "
        "baseline 40 toward the target 75; no value yet."
    )
    french = await (await h.slash("bob", "goal progress", locale="fr")).final()
    assert french.message is not None
    assert "aucune valeur hebdomadaire pour l'instant, cible" in french.message.content
    assert (french.message.attachments[0].description or "").startswith(
        "Graphique : les valeurs hebdomadaires de l'objectif « Reading fluency » ("
    )


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


async def test_progress_with_only_closed_goals_says_none_is_open(harness: Harness) -> None:
    """A closed goal is not charted as if it were the current one."""
    h = harness
    await bob_reports_on_his_goal(h, progress="45")
    async with h.bot.core.db.read() as conn:
        (goal,) = await goals_db.of_member(conn, h.guild.id, h.user("bob"))
    closed = await h.slash("bob", "goal close", goal=str(goal.id), locale="en-US")
    assert "Goal closed" in (closed.content or "")

    mine = await h.slash("bob", "goal progress", locale="en-US")
    assert mine.ephemeral and mine.message is not None and not mine.message.attachments
    assert "You have no open goal" in (mine.content or "")
    assert "/goal set" in (mine.content or "")
    theirs = await h.slash("chloe", "goal progress", member=h.user("bob"), locale="fr")
    assert theirs.ephemeral and "aucun objectif ouvert" in (theirs.content or "")
    # Named, the closed goal is still charted: it is asked for.
    named = await (await h.slash("bob", "goal progress", goal=str(goal.id))).final()
    assert named.message is not None and len(named.message.attachments) == 1


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
    # The erasure is done once the member is told (reads do not wait for a write under way).
    await (await h.emu.click(h.user("bob"), ask.message, ask.message.custom_ids()[0])).final()
    remaining = await stored_answers(h)
    assert [a.user_id for a in remaining] == [h.user("chloe")]
    async with h.bot.core.db.read() as conn:
        assert await goals_db.of_member(conn, h.guild.id, h.user("bob")) == []


async def set_named_goal(h: Harness, name: str, title: str, target: str) -> int:
    form = await h.slash(name, "goal set")
    values = {"title": title, "measure": "count", "baseline": "0", "target": target}
    await h.emu.submit_modal(h.user(name), form, values | {"due": "2027-06-15"})
    async with h.bot.core.db.read() as conn:
        goals = await goals_db.of_member(conn, h.guild.id, h.user(name))
    return next(g.id for g in goals if g.title == title)


async def test_each_goal_gets_its_own_number_and_the_reply_names_it(harness: Harness) -> None:
    """Issue 20: the check-in's number went silently to the newest goal."""
    h = harness
    await h.setup_community()
    reading = await set_named_goal(h, "bob", "Reading", "10")
    visits = await set_named_goal(h, "bob", "Visits", "4")
    await schedule(h)
    await h.advance(OPEN)
    opened = await click_answer(h, "bob")
    assert opened.modal is not None
    fields = {f.custom_id: f.label for f in opened.modal.fields}
    assert fields[f"goal-{reading}"] == f"Goal #{reading}: Reading"
    assert fields[f"goal-{visits}"] == f"Goal #{visits}: Visits"
    saved = await h.emu.submit_modal(
        h.user("bob"), opened, {f"goal-{reading}": "3", f"goal-{visits}": "1", "q1": "Tried"}
    )
    text = (await saved.final()).content or ""
    assert f"3 recorded for your goal #{reading} **Reading** (target 10" in text
    assert f"1 recorded for your goal #{visits} **Visits** (target 4" in text
    (post,) = thread_posts(h)
    assert f"Goal #{reading}: Reading" in post.all_text()
    assert f"Goal #{visits}: Visits" in post.all_text()

    choices = await h.emu.autocomplete(
        h.guild.id, h.user("chloe"), "goal progress", focused="goal", member=h.user("bob")
    )
    assert [c["name"] for c in choices.choices or []] == ["Visits", "Reading"]
    chart = await (
        await h.slash("chloe", "goal progress", member=h.user("bob"), goal=str(reading))
    ).final()
    assert chart.message is not None and "**Reading**" in (chart.content or "")
    assert [p["value"] for p in read_chart_data(chart.message.attachments[0].data)["points"]] == [
        3.0
    ]
    newest = await (await h.slash("bob", "goal progress")).final()
    assert "**Visits**" in (newest.content or "")  # no goal named: the newest open one
    await set_named_goal(h, "david", "Mine", "3")
    wrong = await h.slash("david", "goal progress", goal=str(reading))  # not david's goal
    assert wrong.ephemeral and "not one of this member's goals" in (wrong.content or "")


async def test_more_goals_than_the_form_holds_ask_which_goal(harness: Harness) -> None:
    """Three questions leave room for two inputs: a choice of goal and its number."""
    h = harness
    await h.setup_community()
    ids = [await set_named_goal(h, "bob", title, "5") for title in ("One", "Two", "Three")]
    await schedule(h, questions="Tried? | Learned? | Help?")
    await h.advance(OPEN)
    opened = await click_answer(h, "bob")
    assert opened.modal is not None
    fields = {f.custom_id: f for f in opened.modal.fields}
    assert sorted(fields) == ["goal", "progress", "q1", "q2", "q3"]
    assert [o["value"] for o in fields["goal"].options] == [str(i) for i in reversed(ids)]
    saved = await h.emu.submit_modal(
        h.user("bob"), opened, {"goal": [str(ids[0])], "progress": "2", "q1": "x"}
    )
    assert f"2 recorded for your goal #{ids[0]} **One**" in ((await saved.final()).content or "")
    async with h.bot.core.db.read() as conn:
        assert [v.value for v in await goals_db.values(conn, ids[0])] == [2.0]
        assert await goals_db.values(conn, ids[2]) == []


async def test_an_empty_list_says_who_sets_community_goals(harness: Harness) -> None:
    """A member is not sent to `/goal set` for a community goal only facilitators set."""
    h = harness
    await h.setup_community()
    listed = await h.slash("bob", "goal list", locale="en-US")
    text = listed.message.all_text() if listed.message else ""
    assert "Your goals" in text and "None yet. Set one with `/goal set`." in text
    assert "Facilitators set them with `/goal set` and its option scope: Community goal." in text
    french = await h.slash("bob", "goal list", locale="fr")
    texte = french.message.all_text() if french.message else ""
    assert "Les animateurs et animatrices les définissent avec `/objectif definir`" in texte


async def test_a_refused_form_opens_again_filled_to_be_corrected(harness: Harness) -> None:
    """Discord closes a form once submitted: the refusal's button opens it again with what
    was typed, so the member corrects the one field instead of typing all five again."""
    h = harness
    await h.setup_community()
    form = await h.slash("bob", "goal set")
    fields = ("title", "measure", "baseline", "target", "due")
    typed = dict(zip(fields, ("Reading", "% at level 3", "40", "75", "2026-01-05"), strict=True))
    refused = await h.emu.submit_modal(h.user("bob"), form, typed)
    assert refused.ephemeral and "in the past" in (refused.content or "")
    assert refused.message is not None
    [again] = [c for c in refused.message.custom_ids() if c.startswith("plc:form-again:")]
    reopened = await h.emu.click(h.user("bob"), refused.message, again)
    assert reopened.modal is not None and reopened.modal.custom_id == form.modal.custom_id  # type: ignore[union-attr]
    assert {f.custom_id: f.value for f in reopened.modal.fields} == typed
    saved = await h.emu.submit_modal(h.user("bob"), reopened, typed | {"due": "2027-06-30"})
    assert "**Reading**" in (saved.content or "")
    async with h.bot.core.db.read() as conn:
        [goal] = await goals_db.of_member(conn, h.guild.id, h.user("bob"))
    assert (goal.title, goal.baseline, goal.target) == ("Reading", 40, 75)
    await h.restart()
    gone = await h.emu.click(h.user("bob"), refused.message, again)
    assert gone.modal is None and "Run the command again" in (gone.content or "")


async def test_a_target_equal_to_the_baseline_is_shown_the_readers_way(
    harness: Harness,
) -> None:
    """Typed ``3,5`` and ``3.5``: the refusal writes the number as the reader's language
    does (3.5 in English, 3,5 in French), not as it was typed."""
    h = harness
    await h.setup_community()
    for locale, baseline, target, shown in (
        ("en-US", "3,5", "3.5", "The target equals the baseline (3.5)"),
        ("fr", "3.5", "3,5", "La cible est égale au point de départ (3,5)"),
    ):
        form = await h.slash("bob", "goal set", locale=locale)
        typed = {
            "title": "Exit tickets",
            "measure": "%",
            "baseline": baseline,
            "target": target,
            "due": "2027-06-30",
        }
        refused = await (
            await h.emu.submit_modal(h.user("bob"), form, typed, locale=locale)
        ).final()
        assert shown in (refused.content or ""), refused.content


async def test_a_member_closing_a_community_goal_is_told_only_facilitators_can(
    harness: Harness,
) -> None:
    """Not "I cannot find that goal": the goal is there, it is the community's."""
    h = harness
    await h.setup_community()
    form = await h.slash("alice", "goal set", scope="community")
    assert form.modal is not None
    values = {
        "title": "Team attendance",
        "measure": "%",
        "baseline": "80",
        "target": "95",
        "due": "2027-06-30",
    }
    await (await h.emu.submit_modal(h.user("alice"), form, values)).final()
    refused = await h.slash("bob", "goal close", goal="Team attendance", locale="en-US")
    assert "“Team attendance” is a community goal: only facilitators can close it." in (
        refused.content or ""
    ), refused.content
    async with h.bot.core.db.read() as conn:
        [goal] = await goals_db.of_community(conn, h.guild.id, open_only=True)
    assert goal.title == "Team attendance"


async def test_a_title_already_open_is_warned_listed_by_number_and_closed_by_it(
    harness: Harness,
) -> None:
    """Two open goals with one title: the second is kept with a warning naming both
    numbers; `/goal list` shows each goal's number, which `/goal close` then takes (as
    typed, or as the list shows it, #12); the title alone says which numbers it could be."""
    h = harness
    await h.setup_community()
    first = await set_named_goal(h, "bob", "Reading", "10")
    form = await h.slash("bob", "goal set")
    values = {"title": "reading", "measure": "count", "baseline": "0", "target": "20"}
    saved = await (
        await h.emu.submit_modal(h.user("bob"), form, values | {"due": "2027-06-15"})
    ).final()
    async with h.bot.core.db.read() as conn:
        second = max(g.id for g in await goals_db.of_member(conn, h.guild.id, h.user("bob")))
    assert (
        f"You already have an open goal titled **reading** (#{first}); this one is #{second}"
        in (saved.content or "")
    )
    listed = await h.slash("bob", "goal list")
    lines = (listed.message.all_text() if listed.message else "").splitlines()
    assert any(line.startswith(f"#{second} · **reading**: baseline 0") for line in lines), lines
    assert any(line.startswith(f"#{first} · **Reading**: baseline 0") for line in lines), lines

    ambiguous = await h.slash("bob", "goal close", goal="Reading")
    assert f"titled “Reading”: #{first}, #{second}" in (ambiguous.content or "")
    assert f"`goal:{first}`" in (ambiguous.content or "")
    closed = await h.slash("bob", "goal close", goal=f"#{second}")
    assert "Goal closed: **reading**" in (closed.content or "")
    async with h.bot.core.db.read() as conn:
        still = await goals_db.of_member(conn, h.guild.id, h.user("bob"), open_only=True)
    assert [g.id for g in still] == [first]


async def test_a_facilitators_answer_records_the_community_goals_weekly_value(
    harness: Harness,
) -> None:
    """The community goal's number is asked in a facilitator's check-in answer (members
    are not asked it) and kept like a member goal's: the reply names the goal, the digest,
    `/goal list` and `/goal progress goal:<number>` show it (before: the number went to no
    goal, the digest said "no value yet" and the chart "No goal to chart yet"). The
    thread names it the community goal; the digest sets its owner apart from its title."""
    h = harness
    await scheduled(h, moderation=True)
    form = await h.slash("alice", "goal set", scope="community")
    values = {"title": "Attendance", "measure": "% present", "baseline": "80", "target": "95"}
    await (await h.emu.submit_modal(h.user("alice"), form, values | {"due": "2027-06-30"})).final()
    async with h.bot.core.db.read() as conn:
        (goal,) = await goals_db.of_community(conn, h.guild.id)
    await h.advance(OPEN)

    opened = await click_answer(h, "alice")
    assert opened.modal is not None
    labels = [f.label for f in opened.modal.fields]
    assert labels[0] == f"Objectif commun nº {goal.id} : Attendance", labels  # Alice reads French
    saved = await answer(h, "alice", progress="85")
    assert f"📈 85 enregistré pour l'objectif commun nº {goal.id} **Attendance** (cible 95" in (
        saved.content or ""
    ), saved.content
    member_form = await click_answer(h, "bob")
    assert member_form.modal is not None
    assert [f.custom_id for f in member_form.modal.fields] == ["progress", "q1", "q2"]
    await answer(h, "bob", progress="3", tried="Exit tickets")
    # The thread names the community goal as such, and posts no number that counts
    # toward no goal (before: « Progrès : Attendance », and Bob's "Progress 3").
    alice_post, bob_post = thread_posts(h)
    assert f"Community goal #{goal.id}: Attendance" in alice_post.all_text(), alice_post.all_text()
    assert "Progress" not in bob_post.all_text() and "3" not in bob_post.all_text()
    assert "Exit tickets" in bob_post.all_text()

    listed = await h.slash("chloe", "goal list", locale="en-US")
    assert "**Attendance**: 85 now" in (listed.message.all_text() if listed.message else "")
    await h.advance(TO_NUDGE + NUDGE_TO_CLOSE)
    (digest,) = digests(h)
    text = digest.all_text()
    assert f"Community — #{goal.id} **Attendance**: 85 · target 95" in text, text

    chart = await (
        await h.slash("chloe", "goal progress", goal=str(goal.id), locale="en-US")
    ).final()
    assert chart.message is not None and not chart.ephemeral, chart.content
    assert f"community on goal #{goal.id} **Attendance** (% present): 1 weekly value" in (
        chart.message.content
    )
    data = read_chart_data(chart.message.attachments[0].data)
    assert [p["value"] for p in data["points"]] == [85.0]
    suggested = await h.emu.autocomplete(
        h.guild.id, h.user("chloe"), "goal progress", focused="goal", value="att"
    )
    assert [c["name"] for c in suggested.choices or []] == ["Attendance"]


async def test_two_community_goals_sharing_a_title_are_told_apart_by_their_numbers(
    harness: Harness,
) -> None:
    """Two community goals titled alike: the facilitator's form, her reply, the thread and
    the digest name each by its number (before: « Objectif commun : Attendance » twice),
    and `/goal progress goal:Attendance` refuses, listing the numbers, instead of
    charting one of them silently."""
    h = harness
    await scheduled(h, moderation=True)
    for target in ("95", "90"):
        form = await h.slash("alice", "goal set", scope="community")
        values = {"title": "Attendance", "measure": "%", "baseline": "80", "target": target}
        await (
            await h.emu.submit_modal(h.user("alice"), form, values | {"due": "2027-06-30"})
        ).final()
    async with h.bot.core.db.read() as conn:
        first, second = sorted(g.id for g in await goals_db.of_community(conn, h.guild.id))
    await h.advance(OPEN)

    opened = await click_answer(h, "alice")
    assert opened.modal is not None
    labels = sorted(f.label for f in opened.modal.fields if f.custom_id.startswith("goal-"))
    assert labels == [
        f"Objectif commun nº {first} : Attendance",
        f"Objectif commun nº {second} : Attendance",
    ], labels
    saved = await (
        await h.emu.submit_modal(
            h.user("alice"), opened, {f"goal-{first}": "85", f"goal-{second}": "82"}
        )
    ).final()
    assert f"85 enregistré pour l'objectif commun nº {first} **Attendance**" in (
        saved.content or ""
    ), saved.content
    (post,) = thread_posts(h)
    assert f"Community goal #{second}: Attendance" in post.all_text(), post.all_text()

    refused = await h.slash("chloe", "goal progress", goal="Attendance", locale="en-US")
    assert f"titled “Attendance”: #{first}, #{second}" in (refused.content or ""), refused.content
    await h.advance(TO_NUDGE + NUDGE_TO_CLOSE)
    (digest,) = digests(h)
    text = digest.all_text()
    assert f"Community — #{first} **Attendance**: 85" in text, text
    assert f"Community — #{second} **Attendance**: 82" in text, text


async def test_a_goals_due_date_is_written_the_readers_way(harness: Harness) -> None:
    """`/goal set`'s reply and `/goal list` write the due day in words, in each language
    (before: « d'ici le 2027-06-30 », « échéance 2027-06-30 »)."""
    h = harness
    await h.setup_community()
    form = await h.slash("bob", "goal set", locale="fr")
    values = {"title": "Lecture", "measure": "pages", "baseline": "0", "target": "20"}
    saved = await (
        await h.emu.submit_modal(h.user("bob"), form, values | {"due": "fin juin"}, locale="fr")
    ).final()
    assert "(pages) d'ici le 30 juin 2027." in (saved.content or ""), saved.content
    french = await h.slash("bob", "goal list", locale="fr")
    assert "échéance 30 juin 2027" in (french.message.all_text() if french.message else "")
    english = await h.slash("bob", "goal list", locale="en-US")
    assert "due 30 June 2027" in (english.message.all_text() if english.message else "")
