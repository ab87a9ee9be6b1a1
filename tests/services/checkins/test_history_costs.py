"""What ``/checkin me`` costs in validated models: the numbers each answer reported for
the member's goals come with their week's row, read as plain values, not a model each.
(Building the shown values with ``model_construct`` instead of validating them was tried:
in pydantic 2 it is a Python loop, slower than the validation it skips.)"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

from bot.chat import Panel
from bot.services.checkins import replies
from bot.services.checkins.models import CheckinHistory, WeekEntry
from bot.services.checkins.reports import HISTORY_WEEKS
from tests.markup import rendered_plainly
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


async def test_checkin_me_reply_validates_no_week(plc: Harness) -> None:
    """The weeks are only shown: read as plain tuples and dataclasses, and the layout of a
    history already shown is not built again (nor a week's line another member showed)."""
    await a_history_of_numbers(plc)
    history, read = await validations(plc.checkins.history(member(BOB)))
    assert len(history.weeks) == HISTORY_WEEKS and read <= 1, read  # the counters only
    first, built = await validations(_layout(plc.checkins.history(member(BOB))))
    again, rebuilt = await validations(_layout(plc.checkins.history(member(BOB))))
    assert again is first
    # The line, the week and the wrapper with the number, then the panel's own (before:
    # 89, a model for each row and each week read, each number's text and their join,
    # and all of it again at every reply); asked again, only the counters.
    assert built <= 3 * HISTORY_WEEKS + 6, built
    assert rebuilt <= 1, rebuilt


async def _layout(history: Awaitable[CheckinHistory]) -> Panel:
    return replies.history_panel(await history)


async def a_history_of_numbers(plc: Harness) -> None:
    """BOB answers every week of more than HISTORY_WEEKS, with a number each time."""
    week = await plc.open_week()
    for n in range(HISTORY_WEEKS + 2):
        await plc.checkins.save_answer(member(BOB), week.id, progress=str(n), texts=["x", ""])
        await plc.advance(timedelta(days=7))
        week = await plc.current()


def test_one_number_is_written_as_several_are() -> None:
    """A week reporting one number is written as a week reporting several: the same
    number, in each language's way, after the line."""
    when = datetime(2026, 11, 23, tzinfo=UTC)
    weeks = [
        WeekEntry(checkin_id=1, week="2026-W47", opened_at=when, status="answered", numbers=n)
        for n in ((3.5,), (3.5, 4.0), ())
    ]
    panel = replies.history_panel(CheckinHistory(streak=3, best_streak=3, answered=3, weeks=weeks))
    field = panel.fields[0].value
    assert rendered_plainly([field], "en") == [
        "✅ Week of 16 November: 3.5\n✅ Week of 16 November: 3.5 · 4\n✅ Week of 16 November"
    ]
    assert rendered_plainly([field], "fr") == [
        "✅ Semaine du 16 novembre : 3,5\n✅ Semaine du 16 novembre : 3,5 · 4\n"
        "✅ Semaine du 16 novembre"
    ]
