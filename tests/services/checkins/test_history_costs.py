"""What ``/checkin me`` costs in validated models: the member's recent weeks come from our
own database, validated once as they are read; what is built from them only to be shown
(each week's line, the numbers its answer reported, the history) is not validated again."""

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
    # One per week read (before: each week's line, each goal number and the history too).
    assert validated <= HISTORY_WEEKS, validated
