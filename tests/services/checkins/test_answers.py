"""Answering: one answer per member and week, edits, refusals, the anonymous pulse."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import PrivacySettings
from bot.db import checkins as checkins_db
from bot.errors import UserError
from bot.services.checkins import CheckinService
from bot.services.outbox import Outbox
from tests.conftest import START
from tests.services.checkins.harness import ALICE, BOB, CAROL, GUILD, Harness, member


async def test_one_answer_per_member_per_week_and_edits_update_it(plc: Harness) -> None:
    checkin = await plc.open_week()
    first = await plc.answer(ALICE, checkin.id, progress="3", texts=("a", "b"))
    await plc.clock.advance(timedelta(hours=1))
    second = await plc.checkins.save_answer(
        member(ALICE, "fr"), checkin.id, progress="4,5", texts=["a2", ""]
    )
    assert second.created is False
    assert second.answer.id == first.id
    assert (second.answer.progress, second.answer.texts) == (4.5, ("a2", ""))
    assert second.answer.help_text == ""
    assert second.answer.updated_at > second.answer.created_at
    async with plc.core.db.read() as conn:
        assert len(await checkins_db.answers_to(conn, checkin.id)) == 1
    # The database itself refuses a second row for the same member and week.
    async with plc.core.db.transaction() as conn:
        again = await checkins_db.insert_answer(
            conn,
            GUILD,
            checkin.id,
            ALICE,
            progress=None,
            texts=["x"],
            help_text="",
            now=START,
        )
    assert again is None


async def test_bad_answers_are_refused_and_nothing_is_written(plc: Harness) -> None:
    checkin = await plc.open_week()
    cases = [
        ({"progress": "a lot"}, "goals.errors.not_a_number"),
        ({"progress": " ", "texts": [" ", "\u200b"]}, "checkins.errors.empty_answer"),
        ({"texts": ["x" * 1001, ""]}, "errors.text_too_long"),
        ({"texts": ["only one"]}, "checkins.errors.questions_changed"),
    ]
    for changes, key in cases:
        values: dict[str, object] = {"progress": "", "texts": ["ok", ""]}
        values.update(changes)
        with pytest.raises(UserError) as caught:
            await plc.checkins.save_answer(member(ALICE), checkin.id, **values)  # type: ignore[arg-type]
        assert caught.value.key == key
    async with plc.core.db.read() as conn:
        assert await checkins_db.answers_to(conn, checkin.id) == []


async def test_answering_or_editing_after_close_is_refused(plc: Harness) -> None:
    await plc.schedule(time_text="09:30", close_after_hours=2)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    answer = await plc.answer(ALICE, checkin.id, texts=("a", "b"))
    form = await plc.checkins.edit_form(member(ALICE), answer.id)
    assert form.existing == answer and form.questions[0] == "What did you try? What worked?"
    with pytest.raises(UserError) as caught:
        await plc.checkins.edit_form(member(BOB), answer.id)
    assert caught.value.key == "checkins.errors.not_your_answer"
    await plc.clock.advance(timedelta(hours=2))  # past closes_at, before the timer ran
    for attempt in (
        plc.checkins.answer_form(member(BOB), checkin.id),
        plc.checkins.edit_form(member(ALICE), answer.id),
        plc.checkins.save_answer(member(BOB), checkin.id, progress="1", texts=["", ""]),
    ):
        with pytest.raises(UserError) as caught:
            await attempt
        assert caught.value.key == "checkins.errors.closed"


async def test_custom_questions_are_snapshotted_and_none_is_a_help_request(
    plc: Harness,
) -> None:
    """Only the built-in obstacles question asks for help: a custom last question, even
    one worded like it, is not taken for a help request (the digest would quote it)."""
    await plc.schedule(time_text="09:30", questions_text="Tried? | Learned? | Need help with?")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    form = await plc.checkins.answer_form(member(ALICE, "fr"), checkin.id)
    assert form.questions == ["Tried?", "Learned?", "Need help with?"]
    saved = await plc.answer(ALICE, checkin.id, texts=("x", "y", "a colleague to observe"))
    assert saved.help_text == ""
    # A new schedule does not change the open week's questions.
    await plc.schedule(time_text="09:30")
    form = await plc.checkins.answer_form(member(ALICE), checkin.id)
    assert form.questions == ["Tried?", "Learned?", "Need help with?"]


async def test_a_number_with_no_goal_chosen_goes_to_the_newest_goal_and_says_so(
    plc: Harness,
) -> None:
    """A form opened before goals could be chosen sends one number: the newest goal's."""
    old = await plc.set_goal(ALICE, "Old", target="10")
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    new = await plc.set_goal(ALICE, "New", target="5")
    checkin = await plc.current()
    form = await plc.checkins.answer_form(member(ALICE), checkin.id)
    assert [g.id for g in form.goals] == [new.id, old.id]
    saved = await plc.checkins.save_answer(member(ALICE), checkin.id, progress="2", texts=["", ""])
    assert [(n.goal.id, n.value) for n in saved.numbers] == [(new.id, 2.0)]
    assert saved.answer.progress is None
    assert [p.value for p in (await plc.goals.progress(member(ALICE))).series.points] == [2.0]
    assert old.id != new.id


async def test_each_open_goal_takes_its_own_number_and_the_reply_names_it(plc: Harness) -> None:
    """Issue 20: the number went silently to the newest goal; now one per goal."""
    reading = await plc.set_goal(ALICE, "Reading", target="10")
    visits = await plc.set_goal(ALICE, "Visits", target="4")
    checkin = await plc.open_week()
    saved = await plc.checkins.save_answer(
        member(ALICE, "fr"),
        checkin.id,
        goal_numbers={reading.id: "3,5", visits.id: "1"},
        texts=["", ""],
    )
    assert {(n.goal.title, n.value) for n in saved.numbers} == {("Reading", 3.5), ("Visits", 1.0)}
    form = await plc.checkins.answer_form(member(ALICE), checkin.id)
    assert form.numbers == {reading.id: 3.5, visits.id: 1.0}  # pre-filled to edit
    edited = await plc.checkins.save_answer(
        member(ALICE), checkin.id, goal_numbers={visits.id: ""}, texts=["Tried", ""]
    )
    assert [(n.goal.id, n.value) for n in edited.numbers] == [(reading.id, 3.5)]
    chart = await plc.goals.progress(member(ALICE), goal_ref=str(reading.id))
    assert [p.value for p in chart.series.points] == [3.5]
    assert (await plc.goals.progress(member(ALICE), goal_ref=str(visits.id))).series.points == []


async def test_the_goal_chosen_in_the_form_takes_the_number(plc: Harness) -> None:
    """More goals than the form has room for: a choice of goal and one number."""
    first = await plc.set_goal(ALICE, "First")
    await plc.set_goal(ALICE, "Second")
    checkin = await plc.open_week()
    saved = await plc.checkins.save_answer(
        member(ALICE), checkin.id, progress="7", goal_id=first.id, texts=["", ""]
    )
    assert [(n.goal.id, n.value) for n in saved.numbers] == [(first.id, 7.0)]


async def test_a_number_for_a_goal_not_open_and_hers_is_refused_whole(plc: Harness) -> None:
    mine = await plc.set_goal(ALICE, "Mine")
    bobs = await plc.set_goal(BOB, "Bob's")
    checkin = await plc.open_week()
    for numbers, key in (
        ({bobs.id: "3"}, "checkins.errors.goal_gone"),
        ({mine.id: "x"}, "goals.errors.not_a_number"),
    ):
        with pytest.raises(UserError) as caught:
            await plc.checkins.save_answer(
                member(ALICE), checkin.id, goal_numbers=numbers, texts=["Tried", ""]
            )
        assert caught.value.key == key
    await plc.goals.close_goal(member(ALICE), str(mine.id))  # closed while the form was open
    with pytest.raises(UserError) as caught:
        await plc.checkins.save_answer(
            member(ALICE), checkin.id, goal_numbers={mine.id: "3"}, texts=["Tried", ""]
        )
    assert caught.value.key == "checkins.errors.goal_gone"
    async with plc.core.db.read() as conn:
        assert await checkins_db.answers_to(conn, checkin.id) == []  # nothing half-written


async def test_the_pulse_is_anonymous_one_vote_each_and_hidden_below_three(
    plc: Harness,
) -> None:
    await plc.schedule(time_text="09:30", pulse=True)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    assert await plc.checkins.vote_pulse(member(ALICE), checkin.id, 2) is True
    assert await plc.checkins.vote_pulse(member(ALICE), checkin.id, 4) is False  # changed
    assert await plc.checkins.vote_pulse(member(BOB), checkin.id, 5) is True
    summary = await plc.checkins.pulse_summary(checkin.id)
    assert summary is not None and summary.count == 2 and summary.average is None
    for bad in (0, 6):
        with pytest.raises(UserError) as caught:
            await plc.checkins.vote_pulse(member(CAROL), checkin.id, bad)
        assert caught.value.key == "checkins.errors.bad_pulse"
    await plc.checkins.vote_pulse(member(CAROL), checkin.id, 3)
    summary = await plc.checkins.pulse_summary(checkin.id)
    assert summary is not None and summary.count == 3 and summary.average == 4.0
    async with plc.core.db.read() as conn:
        cursor = await conn.execute("SELECT * FROM checkin_pulse")
        rows = [dict(row) for row in await cursor.fetchall()]
    # No author column: only a keyed hash (one vote each), the check-in and the score.
    assert {tuple(row) for row in rows} == {("checkin_id", "voter_hash", "score")}
    assert sorted(row["score"] for row in rows) == [3, 4, 5]
    assert all(len(row["voter_hash"]) == 64 for row in rows)
    assert len({row["voter_hash"] for row in rows}) == 3
    await plc.advance(timedelta(hours=48))
    (closing,) = plc.closings
    assert closing.digest.pulse is not None and closing.digest.pulse.average == 4.0


async def test_the_pulse_average_stays_hidden_in_the_digest_below_three(plc: Harness) -> None:
    await plc.schedule(time_text="09:30", pulse=True)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    await plc.checkins.vote_pulse(member(ALICE), checkin.id, 1)
    await plc.checkins.vote_pulse(member(BOB), checkin.id, 5)
    await plc.advance(timedelta(hours=48))
    (closing,) = plc.closings
    assert closing.digest.pulse is not None
    assert (closing.digest.pulse.count, closing.digest.pulse.average) == (2, None)


async def test_a_check_in_without_pulse_refuses_votes(plc: Harness) -> None:
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    with pytest.raises(UserError) as caught:
        await plc.checkins.vote_pulse(member(ALICE), (await plc.current()).id, 3)
    assert caught.value.key == "checkins.errors.no_pulse"


async def test_pulse_tags_come_from_the_anonymizer_in_the_stored_layout(plc: Harness) -> None:
    """Votes cast before the Anonymizer took over still count as the member's one vote."""
    await plc.schedule(time_text="09:30", pulse=True)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    secret = plc.core.settings.privacy.secret
    assert secret is not None
    legacy = hmac.new(
        secret.get_secret_value().encode(), f"pulse|{checkin.id}|{ALICE}".encode(), hashlib.sha256
    ).hexdigest()
    async with plc.core.db.transaction() as conn:
        assert await checkins_db.vote_pulse(conn, checkin.id, legacy, 2) is True
    assert await plc.checkins.vote_pulse(member(ALICE), checkin.id, 5) is False  # a change
    async with plc.core.db.read() as conn:
        cursor = await conn.execute("SELECT voter_hash, score FROM checkin_pulse")
        assert [tuple(row) for row in await cursor.fetchall()] == [(legacy, 5)]


async def test_without_a_secret_the_pulse_is_refused(plc: Harness) -> None:
    await plc.schedule(time_text="09:30", pulse=True)
    await plc.advance(timedelta(minutes=30))
    settings = plc.core.settings.model_copy(update={"privacy": PrivacySettings(secret=None)})
    core = replace(plc.core, settings=settings)
    outbox = Outbox(core.scheduler, core.chat, core.clock)
    service = CheckinService(core, plc.community, plc.members, outbox)
    with pytest.raises(UserError) as caught:
        await service.vote_pulse(member(ALICE), (await plc.current()).id, 3)
    assert caught.value.key == "checkins.errors.pulse_unavailable"
