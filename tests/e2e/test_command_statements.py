"""What a member's command costs the database, through the running bot: each statement is
a trip to the database thread and back, which under load costs more than the query.

A command that shows what is coming reads each date with its meeting and its answers in
one statement, and the dates' assignments in one more, however many meetings the
community has. Before, each meeting's title, each date's answers and each date's
assignment were read apart: with two meetings /meeting list took 5 statements,
/rotation show 7 and /plc status 18 (its meeting line also read the answers and
facilitators it does not show). The rotation's line comes with its members' rows (away,
left) in the same read; /plc status reads the open check-in with the schedule, and the
counts with the paused targets.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.emulator import Message
from bot.services.community import MemberService
from tests.e2e import checkins_steps, meeting_steps
from tests.e2e.facilitation import run
from tests.e2e.harness import Harness
from tests.e2e.test_goals import bob_reports_on_his_goal, set_named_goal
from tests.e2e.test_write_statements import Cost, measured

pytestmark = pytest.mark.sqlite_only  # SQLite's statements and trips to aiosqlite's thread


async def two_meetings_with_a_rotation(harness: Harness) -> Message:
    """Returns the second meeting's announcement."""
    await harness.setup_community(language="en")
    for user in ("bob", "chloe"):
        await run(harness, user, "rotation join")
    await meeting_steps.schedule(harness, when="2026-12-03 16:00", title="Planning")
    return await meeting_steps.schedule(harness, when="2026-12-04 16:00", title="Review")


async def command(harness: Harness, name: str, **options: object) -> tuple[Cost, str]:
    answers: list[str] = []

    async def ask() -> None:
        answers.append(await run(harness, "bob", name, **options))

    return await measured(harness, ask), answers[0]


async def test_meeting_list_reads_each_date_with_its_meeting(harness: Harness) -> None:
    review = await two_meetings_with_a_rotation(harness)
    for user, answer in (("chloe", "going"), ("david", "going"), ("alice", "maybe")):
        await meeting_steps.rsvp(harness, user, review, answer)
    listed, text = await command(harness, "meeting list")
    assert "Planning" in text and "Review" in text, text
    assert "✅ 0 · ❔ 0 · ❌ 0" in text and "✅ 2 · ❔ 1 · ❌ 0" in text, text
    # The dates with their meetings and the answers so far; who facilitates.
    assert len(listed) == 2, listed.statements
    assert listed.writes == 0
    assert listed.trips == 0  # read on the loop's thread


async def test_rotation_show_reads_the_assignments_at_once(harness: Harness) -> None:
    await two_meetings_with_a_rotation(harness)
    await run(harness, "chloe", "me away", until="2026-12-18")
    shown, text = await command(harness, "rotation show")
    assert "Planning" in text and "Review" in text, text
    assert "— away" in text  # Chloe's member row came with the line
    # The line with its members, the dates with their meetings, their assignments.
    assert len(shown) == 3, shown.statements
    assert shown.writes == 0
    assert shown.trips == 0  # read on the loop's thread


async def test_rotation_show_counts_the_dates_held_with_the_line(harness: Harness) -> None:
    """How often each volunteer facilitated comes with the line, counted by the database:
    before, every assignment of the year was read, then the past ones asked of the
    meetings (4 statements once a date was held)."""
    await two_meetings_with_a_rotation(harness)
    await harness.advance(datetime(2026, 12, 4, 12, tzinfo=UTC) - harness.clock.now())
    shown, text = await command(harness, "rotation show")
    assert f"<@{harness.user('bob')}> — facilitated 1 time" in text, text  # Planning, held
    assert f"<@{harness.user('chloe')}> — facilitated 0 times" in text, text  # Review, coming
    assert "Review" in text and "Planning" not in text, text
    # The line with its members and their counts, the coming dates, their assignments.
    assert len(shown) == 3, shown.statements
    assert shown.writes == 0


async def test_plc_status_reads_each_features_line_in_few_statements(harness: Harness) -> None:
    await two_meetings_with_a_rotation(harness)
    await checkins_steps.schedule(harness)
    await harness.advance(checkins_steps.OPEN)
    status, text = await command(harness, "plc status")
    assert "Planning" in text and "Check-in open" in text and "Next check-in" in text, text
    # Meetings: the dates with their meetings (not their answers and facilitators);
    # questions: the counts; check-ins: the open one with the schedule and the weeks
    # that have one (where the next opening goes), in one (two before); rotation: the
    # holder of the next date the meetings' line read (asked of the meetings' service,
    # which answers once: before, the rotation read the dates again); sessions: the live
    # one's channel; the status's own part: the counts, the paused targets and the missed
    # timers by kind, in one (two before).
    assert len(status) == 6, status.statements
    assert status.writes == 0
    assert status.trips == 0  # read on the loop's thread


async def test_me_reminders_is_one_statement_in_its_transaction(harness: Harness) -> None:
    """The member's row is made and the choice saved by one upsert (before: the row made,
    then the choice updated, 4 statements). The row is first read on the loop's thread,
    without a trip, so that choosing what is already chosen writes nothing."""
    await harness.setup_community(language="en")
    await run(harness, "alice", "me reminders", state="on")  # the community's settings kept
    # Bob's first interaction compares his client's language with his row, once a process.
    await run(harness, "bob", "me language")
    for state in ("off", "on"):
        saved, _ = await command(harness, "me reminders", state=state)
        # The read, then BEGIN IMMEDIATE, the upsert and COMMIT in one trip.
        assert len(saved) == 4, saved.statements
        assert saved.writes == 1
        assert saved.trips == 1  # the transaction in one trip (3 before)
    member = await harness.bot.services.get(MemberService).get(
        harness.guild.id, harness.user("bob")
    )
    assert member is not None and member.dm_reminders


async def test_me_reminders_already_chosen_is_one_read(harness: Harness) -> None:
    """Nothing to save, the same reply: one read on the loop's thread, no write and no
    trip (before: the upsert's transaction, 3 statements in a trip, for nothing)."""
    await harness.setup_community(language="en")
    await run(harness, "alice", "me reminders", state="on")  # the community's settings kept
    await run(harness, "bob", "me language")
    _, changed = await command(harness, "me reminders", state="on")  # Bob's row made
    again, text = await command(harness, "me reminders", state="on")
    assert text == changed, text
    assert len(again) == 1, again.statements
    assert again.writes == 0
    assert again.trips == 0


async def test_goal_list_reads_both_lists_at_once(harness: Harness) -> None:
    """The member's goals and the community's open ones come in one read, each with its
    latest value (before: one each, 3 statements with the latest values; then 2)."""
    await harness.setup_community(language="en")
    await set_named_goal(harness, "bob", "Reading fluency", "75")
    await set_named_goal(harness, "chloe", "Not Bob's", "12")
    form = await harness.slash("alice", "goal set", scope="community")
    values = {"title": "Shared rubric", "measure": "count", "baseline": "0", "target": "9"}
    await harness.emu.submit_modal(harness.user("alice"), form, values | {"due": "2027-06-15"})
    listed, text = await command(harness, "goal list")
    assert "Reading fluency" in text and "Shared rubric" in text, text
    assert "Not Bob's" not in text
    assert len(listed) == 1, listed.statements
    assert listed.trips == 0


async def test_checkin_me_reads_the_weeks_with_their_goal_numbers(harness: Harness) -> None:
    """The goals' numbers each week's answer reported come with the weeks (before: read
    apart, 2 statements)."""
    await bob_reports_on_his_goal(harness, progress="44,5")
    await run(harness, "bob", "checkin me")  # the community's settings kept
    history, text = await command(harness, "checkin me")
    assert "44.5" in text, text
    assert len(history) == 1, history.statements
    assert history.trips == 0
