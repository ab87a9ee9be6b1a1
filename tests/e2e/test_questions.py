"""``/ask``, ``/topic propose``, ``/questions top`` and the buttons, through the emulator."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from bot.emulator import InteractionResult, Message, Permission
from bot.services.questions import RETENTION_RULE
from bot.services.retention import RetentionService
from tests.e2e.harness import Harness

CUSTOM_ID = re.compile(r"^plcq:[a-z]+:[0-9a-f]{16}$")


async def ask(h: Harness, user: str, question: str, topic: str | None = None) -> InteractionResult:
    """``/ask`` then submit the modal; returns the submission's (final) answer."""
    opened = await h.slash(user, "ask")
    assert opened.modal is not None, opened.content
    values = {"question": question, **({"topic": topic} if topic else {})}
    done = await h.emu.submit_modal(h.user(user), opened, values)
    return await done.final()


async def propose(
    h: Harness, user: str, title: str, details: str = "", *, anonymous: bool
) -> InteractionResult:
    opened = await h.slash(user, "topic propose")
    assert opened.modal is not None, opened.content
    values: dict[str, Any] = {"title": title, "anonymous": ["yes" if anonymous else "no"]}
    if details:
        values["details"] = details
    done = await h.emu.submit_modal(h.user(user), opened, values)
    return await done.final()


def bot_posts(h: Harness, channel: str) -> list[Message]:
    return [m for m in h.emu.messages_in(h.channel(channel)) if m.author_id == h.emu.bot_user_id]


def custom_id(message: Message, action: str) -> str:
    found = [c for c in message.custom_ids() if c.startswith(f"plcq:{action}:")]
    assert found, f"no {action} button on {message.custom_ids()}"
    return found[0]


async def click(h: Harness, user: str, message: Message, action: str) -> InteractionResult:
    return await h.emu.click(h.user(user), message, custom_id(message, action))


def label(message: Message, action: str) -> str:
    component = message.find_component(custom_id(message, action))
    assert component is not None
    return str(component["label"])


def refreshed(h: Harness, message: Message) -> Message:
    return h.emu.state.messages[message.id]


async def test_question_is_posted_by_the_bot_with_buttons_and_a_thread(harness: Harness) -> None:
    await harness.setup_community()
    answer = await ask(harness, "bob", "How do you grade group work?", "assessment")
    assert answer.ephemeral
    assert "#1" in (answer.content or "")

    [message] = bot_posts(harness, "questions")
    assert message.interaction_metadata is None  # a plain message, not an interaction reply (A1)
    assert message.embeds[0]["title"] == "Anonymous question #1"
    assert message.embeds[0]["description"] == "How do you grade group work?"
    assert message.embeds[0]["fields"][0]["value"] == "assessment"
    assert message.allowed_mentions == {"parse": []}
    assert message.nonce
    assert all(CUSTOM_ID.match(c) for c in message.custom_ids())  # A6
    assert [label(message, a) for a in ("up", "done", "report", "remove", "block")] == [
        "▲ 0",
        "Answered",
        "Report",
        "Remove",
        "Block author",
    ]
    assert message.thread_id is not None
    thread = harness.emu.state.channel(message.thread_id)
    assert thread.name == "Answers to question #1"


async def test_question_through_moderation_approve_and_reject(harness: Harness) -> None:
    await harness.setup_community(moderation=True)
    answer = await ask(harness, "bob", "Is this allowed?")
    assert "moderators" in (answer.content or "")
    assert bot_posts(harness, "questions") == []
    [review] = bot_posts(harness, "moderation")
    assert review.embeds[0]["title"] == "Anonymous question awaiting review"
    assert "Is this allowed?" in review.all_text()
    assert all(CUSTOM_ID.match(c) for c in review.custom_ids())

    refused = await click(harness, "bob", review, "approve")
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    assert bot_posts(harness, "questions") == []

    approved = await click(harness, "alice", review, "approve")
    assert approved.response_type is not None
    review = refreshed(harness, review)
    assert f"<@{harness.user('alice')}>" in review.all_text() and review.custom_ids() == []
    # The approval answers at once; the post follows through the post timer.
    [posted] = await harness.emu.wait_for(lambda: bot_posts(harness, "questions"))
    assert posted.embeds[0]["title"] == "Anonymous question #1"
    assert posted.embeds[0]["description"] == "Is this allowed?"

    await ask(harness, "david", "Something to reject")
    second = bot_posts(harness, "moderation")[-1]
    await click(harness, "alice", second, "reject")
    second = refreshed(harness, second)
    assert "Something to reject" not in second.all_text()  # erased from Discord too
    assert len(bot_posts(harness, "questions")) == 1

    top = await harness.slash("bob", "questions top")
    footer = top.embeds[0]["footer"]["text"]
    assert "1 approved" in footer and "1 rejected" in footer


async def test_upvotes_toggle_with_three_members(harness: Harness) -> None:
    await harness.setup_community()
    await ask(harness, "bob", "Upvote me")
    [message] = bot_posts(harness, "questions")
    for user in ("bob", "chloe", "david"):
        await click(harness, user, message, "up")
    assert label(refreshed(harness, message), "up") == "▲ 3"
    await click(harness, "chloe", message, "up")
    assert label(refreshed(harness, message), "up") == "▲ 2"
    await click(harness, "chloe", message, "up")
    assert label(refreshed(harness, message), "up") == "▲ 3"


async def test_answered_is_for_facilitators(harness: Harness) -> None:
    await harness.setup_community()
    await ask(harness, "bob", "Answer me")
    await ask(harness, "david", "Still open")
    message = bot_posts(harness, "questions")[0]
    refused = await click(harness, "bob", message, "done")
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    await click(harness, "alice", message, "done")
    message = refreshed(harness, message)
    assert message.embeds[0]["footer"]["text"] == "Answered ✓"
    done = message.find_component(custom_id(message, "done"))
    assert done is not None and done.get("disabled")
    top = await harness.slash("bob", "questions top")
    assert "Question #2" in top.embeds[0]["description"]
    assert "Question #1" not in top.embeds[0]["description"]


async def test_report_reaches_the_facilitators_without_the_reporter(harness: Harness) -> None:
    """A8: the reason goes to the moderators; the reporter is never named."""
    await harness.setup_community()  # no moderation channel: facilitators in announcements
    await ask(harness, "bob", "Report me")
    [message] = bot_posts(harness, "questions")
    role = harness.guild.roles["facilitator"]
    opened = await click(harness, "david", message, "report")
    assert opened.modal is not None
    reason = f"Rude [click](http://evil.example) <@&{harness.guild.roles['admin']}> @everyone"
    sent = await harness.emu.submit_modal(harness.user("david"), opened, {"reason": reason})
    await sent.final()
    assert sent.ephemeral and "without your name" in (sent.content or "")
    [report] = bot_posts(harness, "announcements")
    assert report.content.startswith(f"<@&{role}> **Report** on anonymous question #1")
    assert "\\[click\\]\\(http://evil.example\\)" in report.content  # D2: shown as typed
    assert report.allowed_mentions is not None
    assert report.allowed_mentions.get("parse") == []
    assert [int(r) for r in report.allowed_mentions.get("roles", [])] == [role]
    assert report.mention_role_ids == [role] and not report.mention_everyone
    david = harness.emu.state.users[harness.user("david")]
    assert str(david.id) not in report.content and "David" not in report.content

    again = await click(harness, "david", message, "report")
    assert again.modal is not None
    second = await harness.emu.submit_modal(harness.user("david"), again, {"reason": "Again"})
    await second.final()
    assert "already reported" in (second.content or "")
    assert len(bot_posts(harness, "announcements")) == 1


async def test_remove_and_block_the_author_of_n(harness: Harness) -> None:
    """A3, A4: the author of #N is refused afterwards, even after a restart; nobody learns who."""
    await harness.setup_community()
    await ask(harness, "bob", "Something rude")
    [message] = bot_posts(harness, "questions")
    refused = await click(harness, "david", message, "block")
    assert "Only facilitators" in (refused.content or "")

    blocked = await click(harness, "admin", message, "block")
    assert blocked.ephemeral
    assert "author of anonymous question #1 is now blocked" in (blocked.content or "")
    bob = harness.emu.state.users[harness.user("bob")]
    assert "Bob" not in (blocked.content or "") and str(bob.id) not in (blocked.content or "")

    removed = await click(harness, "admin", message, "remove")
    message = refreshed(harness, message)
    assert [c.split(":")[1] for c in message.custom_ids()] == ["block"]  # only block stays
    assert "removed by the moderators" in message.all_text()
    assert "Something rude" not in message.all_text()
    [note] = await removed.wait_followups(1)
    assert note.ephemeral and "Removed anonymous question #1" in note.content

    again = await harness.slash("bob", "ask")
    assert again.modal is None and "blocked" in (again.content or "")
    await ask(harness, "david", "David is not blocked")
    assert len(bot_posts(harness, "questions")) == 2

    await harness.restart()
    after = await harness.slash("bob", "ask")
    assert after.modal is None and "blocked" in (after.content or "")
    top = await harness.slash("bob", "questions top")
    assert "1 removed" in top.embeds[0]["footer"]["text"]
    assert "1 authors blocked" in top.embeds[0]["footer"]["text"]


async def test_rate_limit_refuses_the_sixth_question_in_an_hour(harness: Harness) -> None:
    await harness.setup_community()
    for n in range(5):
        await ask(harness, "bob", f"Question {n}")
    refused = await ask(harness, "bob", "One too many")
    assert refused.ephemeral and "the limit" in (refused.content or "")
    assert len(bot_posts(harness, "questions")) == 5
    await ask(harness, "david", "Others may still ask")
    await harness.advance(timedelta(hours=1, minutes=1))
    await ask(harness, "bob", "An hour later")
    assert len(bot_posts(harness, "questions")) == 7


async def test_mentions_and_markdown_are_posted_inert(harness: Harness) -> None:
    """D1, D2: @everyone, role and user mentions ping nobody; links show as typed."""
    await harness.setup_community()
    role = harness.guild.roles["member"]
    chloe = harness.user("chloe")
    text = f"@everyone @here <@&{role}> <@{chloe}> [safe](http://evil.example) # Big\n<http://x.y>"
    await ask(harness, "bob", text, topic=f"<@{chloe}>")
    [message] = bot_posts(harness, "questions")
    [request] = [
        r
        for r in harness.emu.requests(method="POST", route="/channels/{channel_id}/messages")
        if r.path.endswith(f"/channels/{harness.channel('questions')}/messages")
    ]
    assert request.json["allowed_mentions"] == {"parse": []}
    description = message.embeds[0]["description"]
    assert f"\\<@&{role}\\>" in description and f"\\<@{chloe}\\>" in description
    assert "\\[safe\\]\\(http://evil.example\\)" in description
    assert "\\# Big" in description and "\\<http://x.y\\>" in description
    assert not message.mention_everyone and message.mention_user_ids == []
    assert message.mention_role_ids == []


async def test_bad_input_and_unusable_channels_are_refused_with_nothing_posted(
    harness: Harness,
) -> None:
    await harness.setup_community()
    empty = await ask(harness, "bob", "   \n  ")
    assert empty.ephemeral and "empty" in (empty.content or "")
    # The modal's own limit stops longer text; exactly at the limit is fine.
    fits = await ask(harness, "bob", "x" * 1500)
    assert "#1" in (fits.content or "")

    # The bot loses its right to post in #questions: refused up front, nothing stored.
    harness.emu.state.set_overwrite(
        harness.channel("questions"), harness.guild.roles["bot"], deny=Permission.SEND_MESSAGES
    )
    harness.emu.gateway.channel_event(
        "UPDATE", harness.emu.state.channel(harness.channel("questions"))
    )
    # Gateway events are handled in order: the bot knows before the next interaction.
    refused = await ask(harness, "bob", "Can you post this?")
    assert "cannot post" in (refused.content or "")
    assert len(bot_posts(harness, "questions")) == 1
    async with harness.bot.core.db.read() as conn:
        cursor = await conn.execute("SELECT COUNT(*) FROM questions")
        row = await cursor.fetchone()
    assert row is not None and row[0] == 1


async def test_a_missing_secret_turns_the_feature_off_with_a_reason(
    unstarted_harness: Harness,
) -> None:
    h = unstarted_harness
    h.settings_overrides = {"privacy": {"secret": None}}
    await h.start()
    await h.setup_community()
    refused = await h.slash("bob", "ask")
    assert refused.modal is None and refused.ephemeral
    assert "privacy secret" in (refused.content or "")
    assert bot_posts(h, "questions") == []


async def test_topics_signed_or_anonymous_and_the_top_list(harness: Harness) -> None:
    await harness.setup_community()
    signed = await propose(harness, "david", "Peer observation", "How to start", anonymous=False)
    assert "topic #1" in (signed.content or "")
    await propose(harness, "bob", "Workload", anonymous=True)
    await ask(harness, "bob", "A question")
    first, second, question = bot_posts(harness, "questions")
    assert first.embeds[0]["title"] == "Topic #1"
    assert f"Proposed by <@{harness.user('david')}>" in first.all_text()
    assert "block" not in " ".join(first.custom_ids())  # signed: no anonymous author to block
    assert "Proposed anonymously" in second.all_text()
    assert custom_id(second, "block")
    assert label(first, "done") == "Discussed"
    for user in ("bob", "chloe"):
        await click(harness, user, second, "up")
    await click(harness, "chloe", question, "up")

    mine = await harness.slash("bob", "questions top")
    assert mine.ephemeral
    lines = mine.embeds[0]["description"].splitlines()
    assert lines[0].startswith("▲ 2 · [Topic #2]") and lines[0].endswith("— Workload")
    assert lines[1].startswith("▲ 1 · [Question #1]")
    assert lines[2].startswith("▲ 0 · [Topic #1]")

    shared = await harness.slash("bob", "questions top", public=True)
    assert not shared.ephemeral and shared.message is not None
    assert shared.message.allowed_mentions == {"parse": []}


async def test_a_delayed_post_survives_a_restart_and_goes_out_once(
    unstarted_harness: Harness,
) -> None:
    """A7 delay + S3: the post is durable across a restart, and sent once (nonce)."""
    h = unstarted_harness
    h.settings_overrides = {"privacy": {"post_delay_max_seconds": 600}}
    await h.start()
    await h.setup_community()
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
    """D8: discord.py retries the send; the nonce makes Discord return the same message."""
    await harness.setup_community()
    harness.emu.faults.add(
        method="POST", path=f"/channels/{harness.channel('questions')}/messages", status=502
    )
    answer = await ask(harness, "bob", "Exactly once")
    assert "#1" in (answer.content or "")
    assert len(bot_posts(harness, "questions")) == 1


async def test_a_lost_questions_channel_keeps_the_question_until_fixed(harness: Harness) -> None:
    """403 at posting time: the admins are told, the question waits, then goes out once."""
    await harness.setup_community()
    harness.emu.faults.add(
        method="POST",
        path=f"/channels/{harness.channel('questions')}/messages",
        status=403,
        code=50001,
    )
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
    """G1, G2: signed topics and own upvotes are exported and erased; anonymous posts are not."""
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
    await harness.emu.click(harness.user("bob"), confirm.message, erase)
    top = await harness.slash("david", "questions top")
    description = top.embeds[0]["description"]
    assert "▲ 1 · [Question #1]" in description  # David's upvote stays, Bob's is gone
    assert "Topic #1" not in description


async def test_handles_are_purged_after_14_days_by_the_daily_job(harness: Harness) -> None:
    """G3: after 14 days the author of #N can no longer be told apart, even by the bot."""
    await harness.setup_community()
    await ask(harness, "bob", "An old question")
    [message] = bot_posts(harness, "questions")
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
    too_late = await click(harness, "admin", message, "block")
    assert "erased" in (too_late.content or "")
