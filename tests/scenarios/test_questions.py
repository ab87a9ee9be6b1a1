"""An anonymous question on each platform: asked privately (Discord: ``/ask``; Teams: in the
1:1 chat with the bot), reviewed and approved by a facilitator, posted by the bot with no
identity; then a privacy scan: the database, its WAL and a backup, every log line (DEBUG,
as production writes it), everything the bot sent and every public message hold no trace
of the asker, and their two questions share no stored value."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.privacy import author_values, files_of, logged, production_logging
from tests.scenarios.drivers import Driver, Post

CANARY = "chloe"


async def ask(chat: Driver, question: str) -> str:
    """The canary asks privately; the receipt they get."""
    opened = await chat.run(CANARY, "ask", where="dm")
    assert opened.form is not None, opened.text
    return (await chat.fill(CANARY, opened.form, question=question)).text


def awaiting_review(chat: Driver) -> list[Post]:
    return [p for p in chat.posts("moderation") if "awaiting review" in p.text]


async def test_an_anonymous_question_leaves_no_trace_of_its_asker(
    chat: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.setup()
    with production_logging(caplog):
        receipt = await ask(chat, "My anonymous question, please")
        assert "transmise anonymement à la modération" in receipt
        [review] = awaiting_review(chat)
        assert "My anonymous question, please" in review.text
        await chat.press("alice", review, "Approve")
        assert "Anonymous question approved" in review.text  # the review card, updated
        await chat.wait_for(lambda: len(chat.posts("questions")) == 1)
        [posted] = chat.posts("questions")
        assert "Anonymous question #1" in posted.text
        assert "My anonymous question, please" in posted.text
        assert posted.labels() == ["▲ 0", "Report"]  # no moderation button in public
        await chat.press("bob", posted, "▲")
        assert posted.labels() == ["▲ 1", "Report"]

        await ask(chat, "A second one")  # nothing stored may link the two (below)
        second = awaiting_review(chat)[-1]
        await chat.press("alice", second, "Approve")
        await chat.wait_for(lambda: len(chat.posts("questions")) == 2)
        backup = chat.db_path.with_name("backup.sqlite3")
        await chat.app.core.db.backup(backup)

    wal = chat.db_path.with_name(chat.db_path.name + "-wal")
    stored = files_of(chat.db_path, wal, backup)
    sent, public = chat.sent(CANARY), chat.public()
    logs = logged(caplog)
    assert any(record.levelno == logging.DEBUG for record in caplog.records)
    for name, trace in chat.traces(CANARY).items():
        assert trace not in stored, f"the asker's {name} in the database, WAL or backup"
        assert trace not in sent, f"the asker's {name} in what the bot sent"
        assert trace not in public, f"the asker's {name} in a public message"
        assert trace not in logs, f"the asker's {name} in the logs"

    blobs = await author_values(chat.app.core.db)  # the two questions share no value
    assert len(blobs) >= 4 and len(set(blobs)) == len(blobs)
