"""What ``/checkin me`` costs in validated models: the numbers each answer reported for
the member's goals come with their week's row, read as plain values, not a model each.
(Building the shown values with ``model_construct`` instead of validating them was tried:
in pydantic 2 it is a Python loop, slower than the validation it skips.)"""

from __future__ import annotations

from datetime import timedelta

from bot.services.checkins.reports import HISTORY_WEEKS
from tests.services.checkins.harness import BOB, GUILD, Harness, member
from tests.services.test_reply_costs import validations


async def test_checkin_me_validates_each_week_once(plc: Harness) -> None:
    goals = [await plc.set_goal(BOB, title) for title in ("Reading", "Writing")]
    week = await plc.open_week()
    for n in range(HISTORY_WEEKS + 2):
        numbers = {goal.id: str(n + i) for i, goal in enumerate(goals)}
        await plc.checkins.save_answer(
            member(BOB), week.id, progress="5", texts=["x", ""], goal_numbers=numbers
        )
        await plc.advance(timedelta(days=7))
        week = await plc.current()
    history, validated = await validations(plc.checkins.history(member(BOB)))
    assert [entry.status for entry in history.weeks[1:]] == ["answered"] * (HISTORY_WEEKS - 1)
    assert all(entry.numbers for entry in history.weeks[1:])
    # The same as the history validated from every week there is.
    assert history == await plc.checkins.full_history(GUILD, BOB)
    assert history.streak == history.answered == HISTORY_WEEKS + 2
    # A row and a line per week, the history and its counters (before: a model for each
    # goal number too, 48 with two goals).
    assert validated <= 2 * HISTORY_WEEKS + 2, validated
