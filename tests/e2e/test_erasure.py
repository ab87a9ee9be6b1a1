"""``/me delete`` leaves no trace in the database file nor in its WAL.

SQLite's ``secure_delete`` zeroes erased rows in the pages it writes, but the WAL
keeps the pages as they were until a checkpoint; the erasure ends with one that
truncates the WAL. A byte scan of ``-wal``, ``-shm`` and the file proves it.
"""

from __future__ import annotations

import struct
from datetime import timedelta
from pathlib import Path

import pytest

from bot.db import checkins as checkins_db
from tests.e2e.checkins_steps import set_goal
from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import rsvp
from tests.e2e.meeting_steps import schedule as schedule_meeting
from tests.e2e.privacy import database_rows
from tests.e2e.test_checkins import OPEN, answer, open_week, schedule
from tests.e2e.test_questions import propose

GOAL_CANARY = "Canary goal 7f3a9c"
ANSWER_CANARY = "Canary practice b41e02"
TOPIC_CANARY = "Canary topic 91c4"
OTHER_CANARY = "Chloe keeps this 5d2c"


async def traces(h: Harness, user_id: int, texts: list[str]) -> dict[str, list[str]]:
    """Which of the needles the database still holds: on SQLite each file beside it (the
    bytes, erased rows included); on PostgreSQL every value of every table (the server's
    files are its own)."""
    needles = {
        "id as text": str(user_id).encode(),
        "id as 8-byte integer": struct.pack(">q", user_id),
        **{repr(text): text.encode() for text in texts},
    }
    stored: dict[str, bytes] = {}
    if h.database is not None:
        stored["rows"] = b"\n".join(await database_rows(h))
    else:
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{h.db_path}{suffix}")
            stored[path.name] = path.read_bytes() if path.exists() else b""
    found: dict[str, list[str]] = {}
    for where, data in stored.items():
        hits = [name for name, needle in needles.items() if needle in data]
        if hits:
            found[where] = hits
    return found


@pytest.mark.sqlite_only  # the file's bytes and its WAL
async def test_me_delete_leaves_no_trace_in_the_database_nor_its_wal(harness: Harness) -> None:
    h = harness
    bob = h.user("bob")
    await h.setup_community()
    await h.slash("bob", "me timezone", name="Europe/Paris")
    await set_goal(h, "bob", title=GOAL_CANARY)
    await schedule(h)
    await h.advance(OPEN)
    await answer(h, "bob", progress="44", tried=ANSWER_CANARY)
    await answer(h, "chloe", tried=OTHER_CANARY)
    meeting = await schedule_meeting(h, when="2026-12-01 16:00")
    await rsvp(h, "bob", meeting, "going")
    await propose(h, "bob", TOPIC_CANARY, anonymous=False)
    # Before: the canaries are there (the scan would see them).
    assert await traces(h, bob, [GOAL_CANARY, ANSWER_CANARY, TOPIC_CANARY]) != {}

    def posted_answers() -> list[str]:
        return [
            text
            for m in h.emu.state.messages.values()
            if not m.deleted and m.author_id == h.emu.bot_user_id
            for text in (ANSWER_CANARY, OTHER_CANARY, TOPIC_CANARY)
            if text in m.all_text()
        ]

    assert sorted(posted_answers()) == sorted([ANSWER_CANARY, OTHER_CANARY, TOPIC_CANARY])

    ask = await h.slash("bob", "me delete", locale="en-US")
    assert ask.message is not None
    done = await h.emu.click(bob, ask.message, ask.message.custom_ids()[0], locale="en-US")
    await done.final()

    assert await traces(h, bob, [GOAL_CANARY, ANSWER_CANARY, TOPIC_CANARY]) == {}
    # What the bot had posted in Bob's name (his answer, his signed topic) is gone from
    # Discord too, and he is told.
    assert posted_answers() == [OTHER_CANARY]
    told = h.emu.state.messages[ask.message.id].content
    assert "removed 2 messages it had posted in your name" in told
    assert "could not be removed" not in told
    assert Path(f"{h.db_path}-wal").stat().st_size == 0  # truncated by the checkpoint
    # Another member's data is untouched.
    async with h.bot.core.db.read() as conn:
        remaining = await checkins_db.answers_of_guild(conn, h.guild.id)
    assert [(a.user_id, a.texts[0]) for a in remaining] == [(h.user("chloe"), OTHER_CANARY)]
    # The bot goes on writing normally after the checkpoint.
    await h.advance(timedelta(hours=1))
    status = await h.slash("chloe", "plc status")
    assert status.message is not None


async def test_posts_discord_will_not_remove_are_listed_with_their_links(harness: Harness) -> None:
    """Where Discord refuses, the reply says what remains and where (nothing half-erased)."""
    h = harness
    bob = h.user("bob")
    await open_week(h)
    await answer(h, "bob", tried=ANSWER_CANARY)
    h.emu.faults.add(method="DELETE", path="/messages/", status=403, code=50013)
    ask = await h.slash("bob", "me delete", locale="en-US")
    assert ask.message is not None
    done = await h.emu.click(bob, ask.message, ask.message.custom_ids()[0], locale="en-US")
    await done.final()
    told = h.emu.state.messages[ask.message.id].content
    assert "could not be removed" in told
    [post] = [m for m in h.emu.state.messages.values() if ANSWER_CANARY in m.all_text()]
    assert f"/{post.channel_id}/{post.id}" in told
    assert await traces(h, bob, [ANSWER_CANARY]) == {}  # the database forgot it all the same
