"""What a check-in answer writes to the disk: the pages its two commits append to the
write-ahead log (the answer, then its post's message). A page is written, and synced,
by each commit that changes it: an index no query reads costs every answer a page."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.db import Database
from bot.db import members as members_db
from tests.conftest import START
from tests.db.wal_frames import pages_written
from tests.services.checkins.harness import ALICE, BOB, GUILD, Harness, member

pytestmark = pytest.mark.sqlite_only  # SQLite's write-ahead log


async def test_a_first_answer_writes_thirteen_pages_and_none_for_a_goal_it_does_not_name(
    plc: Harness,
) -> None:
    checkin = await plc.open_week()
    async with plc.core.db.transaction() as conn:  # Alice acted before, in English
        await members_db.ensure(conn, GUILD, ALICE, START, client_language="en")
    await plc.answer(BOB, checkin.id, texts=("Warm", ""))  # the tables' first pages
    db = plc.core.db
    assert isinstance(db, Database)
    with pages_written(db.path) as written:
        saved = await plc.checkins.save_answer(member(ALICE), checkin.id, texts=["Tried", ""])
        await plc.core.scheduler.closes_written()  # its post's close, written behind it
    assert saved.posted_in is not None
    answer, shown = written.commits
    # No answer names a goal any more: the goal index holds none of them (14 pages before,
    # one of them this index's).
    assert "checkin_answers_goal" not in written.btrees()
    # The answer, its id's sequence, its two indexes; its post's timer and three indexes.
    # Alice's row is unchanged: SQLite leaves its page alone.
    assert answer == Counter(
        {
            "checkin_answers": 1,
            "sqlite_sequence": 1,
            "sqlite_autoindex_checkin_answers_1": 1,
            "checkin_answers_member": 1,
            "timers": 1,
            "sqlite_autoindex_timers_1": 1,
            "timers_pending_wake": 1,
            "timers_guild": 1,
        }
    )
    # The post's message on the answer, its delivery, the timer closed (its status in two
    # indexes).
    assert shown == Counter(
        {
            "checkin_answers": 1,
            "timer_deliveries": 1,
            "timers": 1,
            "timers_pending_wake": 1,
            "timers_guild": 1,
        }
    )
    assert written.pages == 13
