"""Reading check-ins back: streaks, the CSV export, a member's export and erasure of
their data, and the retention purge."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.app import build_services
from bot.db import checkins as checkins_db
from bot.errors import UserError
from bot.services.base import Core
from bot.services.checkins import CLOSE_KIND, CSV_HEADER, NUDGE_KIND, OPEN_KIND, csv_text
from bot.services.community import RetentionService
from tests.services.checkins.harness import ALICE, BOB, GUILD, Harness, member


async def test_a_missed_week_breaks_the_streak_and_an_open_week_does_not(plc: Harness) -> None:
    await plc.known(ALICE)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    await plc.answer(ALICE, (await plc.current()).id, texts=("w1", ""))
    await plc.advance(timedelta(days=7))  # week 2: no answer
    await plc.advance(timedelta(days=7))
    await plc.answer(ALICE, (await plc.current()).id, texts=("w3", ""))
    await plc.advance(timedelta(days=7))  # week 4 open, not answered yet
    history = await plc.checkins.history(member(ALICE))
    assert [w.status for w in history.weeks] == ["open", "answered", "missed", "answered"]
    assert (history.streak, history.best_streak) == (1, 1)


async def test_the_csv_export_parses_back_to_the_stored_answers(plc: Harness) -> None:
    await plc.set_goal(ALICE, "=Reading", target="10")
    checkin = await plc.open_week()
    await plc.answer(ALICE, checkin.id, progress="3,5", texts=("Line 1\nline 2, with comma", "-"))
    await plc.answer(BOB, checkin.id, texts=('Quote " inside', ""))
    asked: list[list[int]] = []

    async def names(user_ids: list[int]) -> dict[int, str]:
        asked.append(user_ids)
        return {ALICE: "Alice A.", BOB: "@Bob"}

    export = await plc.checkins.export_csv(plc.facilitator, names)
    assert asked == [[ALICE, BOB]]  # the authors' names are looked up once, never stored
    rows = list(csv.reader(io.StringIO(export.text)))
    assert export.rows == 2
    assert tuple(rows[0]) == CSV_HEADER
    async with plc.core.db.read() as conn:
        stored = await checkins_db.answers_to(conn, checkin.id)
        numbers = await checkins_db.goal_numbers_of(conn, [a.id for a in stored])
    for_goal = {n.answer_id: n.value for n in numbers}
    assert len(rows) == 1 + len(stored)
    for row, answer in zip(rows[1:], stored, strict=True):
        record = dict(zip(CSV_HEADER, row, strict=True))
        assert record["week"] == checkin.week
        assert int(record["user_id"]) == answer.user_id
        assert record["answer_1"] == csv_text(answer.texts[0])
        assert record["answer_2"] == csv_text(answer.texts[1])
        assert record["question_1"] == "What did you try? What worked?"
        reported = answer.progress if answer.progress is not None else for_goal.get(answer.id)
        assert (float(record["progress"]) if record["progress"] else None) == reported
    alice = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert alice["goal"] == "'=Reading" and alice["member"] == "Alice A."
    assert alice["answer_2"] == "'-" and alice["target"] == "10"
    assert dict(zip(CSV_HEADER, rows[2], strict=True))["member"] == "'@Bob"


async def test_an_answer_with_numbers_for_two_goals_is_one_row_per_goal(plc: Harness) -> None:
    reading = await plc.set_goal(ALICE, "Reading", target="10")
    visits = await plc.set_goal(ALICE, "Visits", target="4")
    checkin = await plc.open_week()
    await plc.checkins.save_answer(
        member(ALICE), checkin.id, goal_numbers={reading.id: "3", visits.id: "1"}, texts=["x", ""]
    )

    async def names(user_ids: list[int]) -> dict[int, str]:
        return {}

    export = await plc.checkins.export_csv(plc.facilitator, names)
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert export.rows == 2
    assert sorted((r["goal"], r["progress"], r["target"], r["answer_1"]) for r in rows) == [
        ("Reading", "3", "10", "x"),
        ("Visits", "1", "4", "x"),
    ]
    # The goal's number, as /goal list shows it: two goals sharing a title stay apart.
    assert sorted((r["goal_number"], r["goal"]) for r in rows) == sorted(
        [(str(reading.id), "Reading"), (str(visits.id), "Visits")]
    )
    history = await plc.checkins.history(member(ALICE))
    assert sorted(history.weeks[0].numbers) == [1.0, 3.0]


async def test_only_facilitators_export_and_an_empty_export_has_no_rows(plc: Harness) -> None:
    async def names(user_ids: list[int]) -> dict[int, str]:
        raise AssertionError("no names are looked up")

    with pytest.raises(UserError) as caught:
        await plc.checkins.export_csv(member(BOB), names)
    assert caught.value.key == "errors.not_facilitator"
    assert (await plc.checkins.export_csv(plc.facilitator, names)).rows == 0


async def test_export_and_delete_reach_answers_and_away_weeks(plc: Harness) -> None:
    await plc.known(ALICE, BOB)
    checkin = await plc.open_week()
    await plc.answer(ALICE, checkin.id, progress="1", texts=("mine", ""))
    await plc.answer(BOB, checkin.id, texts=("bob's", ""))
    await plc.members.set_away(GUILD, ALICE, "2026-12-31", "en")
    await plc.advance(timedelta(hours=48))
    await plc.advance(timedelta(days=5))  # next Monday 09:30: W49 opens, Alice away
    async with plc.core.db.read() as conn:
        exported = await plc.checkins.export_member(conn, GUILD, ALICE)
    assert [a["texts"] for a in exported["answers"]] == [["mine", ""]]
    # W48 she answered: not away that week, though away before it closed.
    assert exported["away_weeks"] == ["2026-W49"]
    assert exported["counters_of_closed_weeks"] == {"streak": 1, "best_streak": 1, "answered": 1}
    async with plc.core.db.transaction() as conn:
        await plc.checkins.delete_member(conn, GUILD, ALICE)
    async with plc.core.db.read() as conn:
        assert await checkins_db.answers_of_member(conn, GUILD, ALICE) == []
        assert await checkins_db.away_weeks_of_member(conn, GUILD, ALICE) == set()
        assert len(await checkins_db.answers_of_member(conn, GUILD, BOB)) == 1


async def test_check_ins_are_purged_after_twelve_months_idempotently(plc: Harness) -> None:
    """The retention rule deletes closed weeks over a year old with their answers; run
    twice, it does what it did once."""
    first = await plc.open_week()
    await plc.answer(ALICE, first.id, texts=("old", ""))
    await plc.advance(timedelta(hours=36))
    await plc.advance(timedelta(hours=12))
    await plc.clock.advance(timedelta(days=365))
    async with plc.core.db.transaction() as conn:
        assert await plc.checkins.purge_old(conn, plc.clock.now()) == 1
    async with plc.core.db.transaction() as conn:
        assert await plc.checkins.purge_old(conn, plc.clock.now()) == 0
    async with plc.core.db.read() as conn:
        assert await checkins_db.get_checkin(conn, first.id) is None
        assert await checkins_db.answers_of_member(conn, GUILD, ALICE) == []


async def test_the_check_in_rule_runs_in_the_one_retention_purge(core: Core) -> None:
    """``build_services`` registers the retention rule with the RetentionService, once."""
    services = build_services(core)
    removed = await services.get(RetentionService).purge()
    assert removed["check-ins over 12 months"] == 0
    assert {OPEN_KIND, NUDGE_KIND, CLOSE_KIND} <= core.scheduler.kinds
