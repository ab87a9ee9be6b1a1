"""The anonymity guarantees of anonymous questions, end to end.

A canary member asks through ``/ask`` while faults hit each step (submit, queue,
approve, post); afterwards the database, its WAL, a backup, every log line and
everything the bot sent to Discord are scanned for the canary's id and names.
"""

from __future__ import annotations

import logging
import random
import re
from datetime import timedelta

import pytest

from bot.db import Database
from bot.db import questions as questions_db
from bot.services.questions import QuestionService
from tests.e2e.harness import Harness
from tests.e2e.privacy import (
    author_values,
    database_rows,
    files_of,
    logged,
    member_traces,
    production_logging,
    public_messages,
    recorded_but_what_names_the_asker_to_the_bot,
)
from tests.e2e.test_questions import ask, bot_posts, click

CANARY = "chloe"


async def _resetup(h: Harness) -> None:
    """An admin re-runs /plc setup after fixing permissions (resumes paused channels)."""
    result = await h.slash(
        "admin",
        "plc setup",
        questions_channel=h.channel("questions"),
        moderation_channel=h.channel("moderation"),
    )
    await result.final()


async def stored_bytes(h: Harness) -> bytes:
    """What the database keeps: on SQLite the file, its WAL and a backup of it; on
    PostgreSQL every value of every table (backups are the server's, pg_dump)."""
    if h.database is not None:
        return b"\n".join(await database_rows(h))
    backup = h.tmp_path / "backup.sqlite3"
    db = h.bot.core.db
    assert isinstance(db, Database)
    await db.backup(backup)
    return files_of(h.db_path, h.db_path.with_name(h.db_path.name + "-wal"), backup)


async def test_canary_leaves_no_trace_with_faults_at_every_step(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing the bot stores, logs or sends names the canary."""
    h = harness
    await h.setup_community(moderation=True)
    canary_id = h.user(CANARY)
    with production_logging(caplog):
        # 1. submit: Discord refuses the answer to the modal (the interaction expired).
        opened = await h.slash(CANARY, "ask")
        h.emu.faults.add(method="POST", path="/callback", status=404, code=10062, times=1)
        failed = await h.emu.submit_modal(canary_id, opened, {"question": "Lost at submit"})
        assert failed.response_type is not None

        # ... and an unexpected error inside the service while saving.
        async def broken_insert(*args: object, **kwargs: object) -> int:
            raise RuntimeError("disk hiccup")

        with monkeypatch.context() as patch:
            patch.setattr(questions_db, "insert", broken_insert)
            crashed = await ask(h, CANARY, "Lost in the service")
        assert re.search(r"`[0-9a-f]{6}`", crashed.content or "")  # a reference, in French
        assert bot_posts(h, "moderation") == []

        # 2. queue: the moderation channel refuses (403); the question waits.
        h.fail_posts("moderation", 403, code=50001, times=1)
        queued = await ask(h, CANARY, "My anonymous question, please")
        assert queued.ephemeral and "dès que le bot pourra écrire" in (queued.content or "")
        await _resetup(h)
        await h.advance(timedelta(minutes=5))
        [review] = bot_posts(h, "moderation")

        # 3. approve: the answer to the click fails; 4. post: #questions refuses (403).
        h.fail_posts("questions", 403, code=50013, times=1)
        h.emu.faults.add(method="POST", path="/callback", status=404, code=10062, times=1)
        approving = await click(h, "alice", review, "approve")
        assert re.search(r"`[0-9a-f]{6}`", approving.content or "")  # told, by reference
        await h.advance(timedelta(minutes=1))
        assert bot_posts(h, "questions") == []
        lost = bot_posts(h, "moderation")[-1]  # the admins are told the channel is lost
        assert f"<#{h.channel('questions')}>" in lost.content
        await _resetup(h)
        # ... and Discord creates the message, then answers 502 (the nonce keeps it single).
        h.fail_posts("questions", 502)
        await h.advance(timedelta(minutes=5))
        [posted] = bot_posts(h, "questions")
        assert h.emu.faults.faults == []  # every injected fault was hit
        assert posted.embeds[0]["description"] == "My anonymous question, please"
        assert posted.author_id == h.emu.bot_user_id and posted.interaction_metadata is None

        # A second question of the canary: no stored value may link the two (below).
        await ask(h, CANARY, "A second one")
        second = bot_posts(h, "moderation")[-1]
        assert "A second one" in second.all_text()
        await click(h, "alice", second, "approve")
        await h.emu.wait_for(lambda: len(bot_posts(h, "questions")) == 2)

        stored = await stored_bytes(h)

    traces = member_traces(h, CANARY)
    # The scan would find the canary where it must be: Discord tells the bot who asked.
    assert traces["id as text"] in h.emu.dump_bytes()

    sent = h.emu.dump_bytes(from_bot_only=True) + recorded_but_what_names_the_asker_to_the_bot(h)
    public = public_messages(h)
    logs = logged(caplog)
    assert "reference" in caplog.text  # the forced service error was logged, by reference
    assert any(record.levelno == logging.DEBUG for record in caplog.records)
    for name, trace in traces.items():
        assert trace not in stored, f"canary {name} in the database, WAL or backup"
        assert trace not in sent, f"canary {name} in a recorded request, answer or frame"
        assert trace not in public, f"canary {name} in a public message"
        assert trace not in logs, f"canary {name} in the logs"

    # The canary's two questions share no stored value.
    blobs = await author_values(h.bot.core.db)
    assert len(blobs) >= 4 and len(set(blobs)) == len(blobs)


async def test_posting_order_does_not_reveal_submission_order(
    unstarted_harness: Harness,
) -> None:
    """With the delay on, the clock moves and the questions come out shuffled."""
    h = unstarted_harness
    await h.start_community(privacy={"post_delay_max_seconds": 900})
    h.bot.services.get(QuestionService).submissions.delay_random = random.Random(7)
    askers = ["owner", "admin", "alice", "bob", "chloe", "david"]
    for n, user in enumerate(askers):
        answer = await ask(h, user, f"Submitted {n}")
        assert "15 minutes" in (answer.content or "")
        await h.advance(timedelta(seconds=20))
    assert bot_posts(h, "questions") == []
    await h.advance(timedelta(minutes=16))
    posts = bot_posts(h, "questions")
    assert len(posts) == len(askers)
    by_number = sorted(posts, key=lambda m: m.embeds[0]["title"])
    submitted = [int(m.embeds[0]["description"].split()[-1]) for m in by_number]
    assert sorted(submitted) == list(range(len(askers)))
    assert submitted != list(range(len(askers)))  # "#N" follows posting, not submission
