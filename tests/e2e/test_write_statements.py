"""What a member's action costs the database, through the running bot: each statement is
a trip to the database thread, each write a commit waited for on disk.

A check-in answer, an RSVP, an upvote, a session turn: each is one write (and, for the
answer and the turn, one more for the post that shows it), with the statements below
(before, with the community's settings read each time: 26 statements and 4 writes for
an answer, 12 and 1 for an RSVP, 7 and 1 for an upvote, about 25 and 3 for a turn, a
bulk run woken for its post included). A transaction that only runs statements goes to
the database thread once, whatever its length: the answer's, and the close of a post.

A member's first interaction in a process also compares the language their client speaks
with their row (one read); the members below have acted once before they are measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest

from tests.db.trips import ThreadTrips
from tests.e2e import checkins_steps as steps
from tests.e2e import meeting_steps
from tests.e2e.facilitation import (
    click,
    last_with,
    round_going,
    run,
)
from tests.e2e.harness import Harness
from tests.e2e.test_questions import ask, bot_posts
from tests.e2e.test_questions import click as question_click

pytestmark = pytest.mark.sqlite_only  # SQLite's statements and trips to aiosqlite's thread


@dataclass
class Cost:
    statements: list[str] = field(default_factory=list)
    trips: int = 0
    """Trips to the database thread: a statement each, unless run in one trip."""

    @property
    def writes(self) -> int:
        return self.statements.count("BEGIN IMMEDIATE")

    def __len__(self) -> int:
        return len(self.statements)


async def quiet(harness: Harness) -> None:
    """Until what came before is done: what was due has run, the alarm is re-armed."""
    await harness.bot.core.scheduler.run_due()
    for _ in range(1000):
        if not harness.bot.core.scheduler.alarm.rearming:
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the alarm kept re-arming")


@asynccontextmanager
async def cost(harness: Harness) -> AsyncIterator[Cost]:
    await quiet(harness)
    seen = Cost()
    await harness.bot.core.db.trace(seen.statements.append)
    try:
        with ThreadTrips(harness.bot.core.db) as trips:
            yield seen
        seen.trips = trips.count
    finally:
        await harness.bot.core.db.trace(None)


async def measured(harness: Harness, action: Callable[[], Awaitable[object]]) -> Cost:
    async with cost(harness) as seen:
        await action()
        await harness.bot.core.scheduler.closes_written()  # what it wrote behind its reply
    return seen


async def answer_form(harness: Harness, text: str) -> Callable[[], Awaitable[object]]:
    """Bob's answer form opened (to edit his answer, once he answered); what submits it."""
    prompt = steps.prompt(harness)
    opened = await harness.emu.click(harness.user("bob"), prompt, steps.answer_button(prompt))
    assert opened.modal is not None, opened.content

    async def submit() -> object:
        values = {"q1": text, "q2": ""}
        return await (await harness.emu.submit_modal(harness.user("bob"), opened, values)).final()

    return submit


async def test_a_check_in_answer(harness: Harness) -> None:
    await harness.setup_community()
    await steps.schedule(harness)
    await steps.open_week(harness)
    first = await measured(harness, await answer_form(harness, "Tried it"))
    # The answer is not read back once its post's close recorded the message (15 before).
    # 14 before its post's close set synchronous=NORMAL around its commit and FULL back
    # (two pragmas in the same trip, no disk work). 16 before its post was sent as its
    # transaction wrote it, without reading the timer back.
    assert (len(first), first.writes) == (15, 2), first.statements
    # Each transaction in one trip, the reads none (15 before; 5 with reads on the thread).
    assert first.trips == 2
    edit = await measured(harness, await answer_form(harness, "Tried again"))
    # 18, then 17; +2 pragmas; -1, its post not read back
    assert (len(edit), edit.writes) == (18, 2), edit.statements
    assert edit.trips == 2  # 18 before; 6 with reads on the thread


async def test_an_rsvp(harness: Harness) -> None:
    await harness.setup_community()
    announcement = await meeting_steps.schedule(harness, when="2026-12-03 16:00")
    await run(harness, "bob", "me language")  # his client's language compared once
    answered = await measured(
        harness, lambda: meeting_steps.rsvp(harness, "bob", announcement, "going")
    )
    # Going makes his row, with the language his client speaks, for the reminders'
    # DMs after a restart: one statement more than before (9).
    # The date's answers are counted once, after the change (10 before).
    assert (len(answered), answered.writes) == (9, 1), answered.statements
    assert answered.trips == 1  # the whole write in one trip (10 before)


async def test_an_upvote(harness: Harness) -> None:
    await harness.setup_community()
    await ask(harness, "bob", "Upvote me")
    [message] = bot_posts(harness, "questions")
    await run(harness, "chloe", "me language")  # her client's language compared once
    upvoted = await measured(harness, lambda: question_click(harness, "chloe", message, "up"))
    assert (len(upvoted), upvoted.writes) == (4, 1), upvoted.statements
    assert upvoted.trips == 1  # the whole write in one trip (4 before)


async def test_a_session_turn(harness: Harness) -> None:
    thread = await round_going(harness)
    turn = last_with(harness, thread, "plc:ses:done:")
    done = await measured(harness, lambda: click(harness, "alice", turn, "plc:ses:done:"))
    # Its post run as the write planned it, not read back (12 before); 11 before its
    # post's close set synchronous=NORMAL around its commit and FULL back (two pragmas),
    # 13 before the turn's own commit did the same (its sync runs beside its post).
    assert (len(done), done.writes) == (15, 2), done.statements
    # The turn's write in one trip, its post closed in one, the reads none (12 before;
    # 9 with reads on the thread; 7 with the turn's statements each a trip).
    assert done.trips == 2


def whole_session_reads(statements: list[str]) -> list[str]:
    """The statements that bring a session's whole row back (its protocol's snapshot
    with it, decoded and validated each time)."""
    return [
        s
        for s in statements
        if "sessions" in s and ("SELECT *" in s or "RETURNING *" in s) and "session_" not in s
    ]


async def test_a_session_turn_reads_the_session_once(harness: Harness) -> None:
    thread = await round_going(harness)
    turn = last_with(harness, thread, "plc:ses:done:")
    done = await measured(harness, lambda: click(harness, "alice", turn, "plc:ses:done:"))
    # Read once to check the click; its conditional update returns only the new version
    # (it returned the whole row before: two reads of the snapshot per move).
    assert len(whole_session_reads(done.statements)) == 1, done.statements


async def test_a_session_turn_runs_its_post_without_reading_it_back(harness: Harness) -> None:
    thread = await round_going(harness)
    turn = last_with(harness, thread, "plc:ses:done:")
    done = await measured(harness, lambda: click(harness, "alice", turn, "plc:ses:done:"))
    # The next prompt's timer is run as the turn's write planned it (it was read back
    # once committed before).
    assert not [s for s in done.statements if "FROM timers t LEFT JOIN" in s], done.statements


def transactions(statements: list[str]) -> list[list[str]]:
    """The statements from each BEGIN to its COMMIT, with the pragmas set around it."""
    found: list[list[str]] = []
    for at, statement in enumerate(statements):
        if statement == "BEGIN IMMEDIATE":
            start = at - 1 if at and statements[at - 1].startswith("PRAGMA") else at
            end = statements.index("COMMIT", at) + 1
            if end < len(statements) and statements[end].startswith("PRAGMA"):
                end += 1
            found.append(statements[start:end])
    return found


async def test_an_answer_waits_for_the_disk_and_its_posts_close_does_not(
    harness: Harness,
) -> None:
    await harness.setup_community()
    await steps.schedule(harness)
    await steps.open_week(harness)
    answered = await measured(harness, await answer_form(harness, "Tried it"))
    saved, close = transactions(answered.statements)
    # What bob is told is saved: a commit with the connection's FULL, no pragma around it.
    assert not [s for s in saved if s.startswith("PRAGMA")], saved
    assert any("INSERT INTO checkin_answers" in s for s in saved), saved
    # The post's close only records what was sent: NORMAL for its commit, FULL after.
    assert close[0] == "PRAGMA synchronous=NORMAL", close
    assert close[-2:] == ["COMMIT", "PRAGMA synchronous=FULL"], close
    assert harness.bot.core.db.log.unsynced  # synced by the next answer or within 1 s
