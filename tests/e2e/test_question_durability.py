"""Anonymous questions across restarts, Discord faults, member data and retention, through
the emulator."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.services.community import RetentionService
from bot.services.questions import RETENTION_RULE
from tests.e2e.harness import Harness
from tests.e2e.test_questions import (
    ask,
    bot_posts,
    click,
    label,
    moderate,
    panel_click,
    propose,
    refreshed,
)


async def test_a_delayed_post_survives_a_restart_and_goes_out_once(
    unstarted_harness: Harness,
) -> None:
    """A delayed post is durable across a restart, and sent once (nonce)."""
    h = unstarted_harness
    await h.start_community(privacy={"post_delay_max_seconds": 600})
    answer = await ask(h, "bob", "Posted later")
    assert "within 10 minutes" in (answer.content or "")
    assert bot_posts(h, "questions") == []
    await h.restart()
    assert bot_posts(h, "questions") == []
    await h.advance(timedelta(minutes=11))
    [message] = bot_posts(h, "questions")
    assert message.embeds[0]["title"] == "Anonymous question #1"
    await h.restart()
    await h.advance(timedelta(hours=2))
    assert len(bot_posts(h, "questions")) == 1


async def test_discord_creating_then_answering_502_leaves_one_message(harness: Harness) -> None:
    """discord.py retries the send; the nonce makes Discord return the same message."""
    await harness.setup_community()
    harness.fail_posts("questions", 502)
    answer = await ask(harness, "bob", "Exactly once")
    assert "#1" in (answer.content or "")
    assert len(bot_posts(harness, "questions")) == 1


async def test_a_lost_questions_channel_keeps_the_question_until_fixed(harness: Harness) -> None:
    """403 at posting time: the admins are told, the question waits, then goes out once."""
    await harness.setup_community()
    harness.fail_posts("questions", 403, code=50001)
    answer = await ask(harness, "bob", "Waiting for the channel")
    assert "as soon as the bot can write" in (answer.content or "")
    assert bot_posts(harness, "questions") == []
    [notice] = bot_posts(harness, "announcements")
    assert f"<#{harness.channel('questions')}>" in notice.content
    # The admin fixes things and re-runs setup: the question goes out on the next try.
    await harness.slash("admin", "plc setup", questions_channel=harness.channel("questions"))
    await harness.advance(timedelta(minutes=5))
    [message] = bot_posts(harness, "questions")
    assert message.embeds[0]["description"] == "Waiting for the channel"


async def test_me_export_and_delete_reach_only_what_is_not_anonymous(harness: Harness) -> None:
    """Signed topics and own upvotes are exported and erased; anonymous posts are not."""
    await harness.setup_community()
    await ask(harness, "bob", "Bob's anonymous question")
    await propose(harness, "bob", "Bob's signed topic", anonymous=False)
    question, _ = bot_posts(harness, "questions")
    await click(harness, "bob", question, "up")
    await click(harness, "david", question, "up")

    export = await (await harness.slash("bob", "me export")).final()
    assert export.message is not None
    data = json.loads(export.message.attachments[0].data)["questions"]
    assert [t["title"] for t in data["signed_topics"]] == ["Bob's signed topic"]
    assert data["upvotes"] == [{"kind": "question", "number": 1}]
    assert "Bob's anonymous question" not in json.dumps(data)
    assert "not linked to you" in data["anonymous_posts"]

    confirm = await harness.slash("bob", "me delete")
    assert confirm.message is not None
    erase = next(c for c in confirm.message.custom_ids())
    # Erased once Bob is told (a command meanwhile reads what was committed before).
    await (await harness.emu.click(harness.user("bob"), confirm.message, erase)).final()
    top = await harness.slash("david", "questions top")
    description = top.embeds[0]["description"]
    assert "▲ 1 · [Question #1]" in description  # David's upvote stays, Bob's is gone
    assert "Topic #1" not in description


async def test_handles_are_purged_after_14_days_by_the_daily_job(harness: Harness) -> None:
    """After 14 days the author of #N can no longer be told apart, even by the bot."""
    await harness.setup_community()
    await ask(harness, "bob", "An old question")
    [message] = bot_posts(harness, "questions")
    panel = await moderate(harness, "admin", message)  # opened on day 0, with Block author
    status = await harness.slash("david", "plc status")
    assert "Anonymous questions: 1 open" in json.dumps(status.embeds, ensure_ascii=False)
    await harness.restart()  # the daily purge keeps nothing in memory
    retention = harness.bot.services.get(RetentionService)
    handles = []
    for _ in range(15):
        await harness.advance(timedelta(days=1))
        # What the scheduler's daily "retention" job runs (it waits on the wall clock).
        removed = await retention.purge()
        assert RETENTION_RULE in removed
        async with harness.bot.core.db.read() as conn:
            cursor = await conn.execute(
                "SELECT COUNT(*) FROM questions WHERE author_handle IS NOT NULL"
            )
            row = await cursor.fetchone()
        assert row is not None
        handles.append(row[0])
    # Asked on day 0 at 14:00 UTC; its handle expires at midnight UTC 14 days later.
    assert handles == [1] * 13 + [0] * 2
    async with harness.bot.core.db.read() as conn:
        cursor = await conn.execute(
            "SELECT COUNT(*) FROM timers WHERE kind = 'questions_retention'"
        )
        per_community = await cursor.fetchone()
    assert per_community is not None and per_community[0] == 0  # one retention path
    too_late = await panel_click(harness, "admin", panel, "mblock")
    assert "erased" in too_late
    fresh = await moderate(harness, "admin", message)
    assert "plc:q:mblock" not in " ".join(fresh.message.custom_ids())  # no longer offered


async def test_forms_and_buttons_from_before_a_restart_still_work(harness: Harness) -> None:
    """Forms are routed by custom_id (``plcq:ask``, ``plcq:report:<ref>``), not kept in memory."""
    await harness.setup_community()
    await ask(harness, "bob", "Posted before the restart")
    [message] = bot_posts(harness, "questions")
    opened = await harness.slash("david", "ask")
    report = await click(harness, "bob", message, "report")
    assert opened.modal is not None and report.modal is not None
    await harness.restart()

    asked = await harness.emu.submit_modal(
        harness.user("david"), opened, {"question": "Typed across a restart"}
    )
    assert "#2" in ((await asked.final()).content or "")
    reported = await harness.emu.submit_modal(harness.user("bob"), report, {"reason": "Off"})
    assert "without your name" in ((await reported.final()).content or "")
    await click(harness, "chloe", message, "up")
    assert label(refreshed(harness, message), "up") == "▲ 1"
    assert [m.embeds[0]["description"] for m in bot_posts(harness, "questions")] == [
        "Posted before the restart",
        "Typed across a restart",
    ]
