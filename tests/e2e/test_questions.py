"""``/ask``, ``/topic propose``, ``/questions top`` and the buttons, through the emulator."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import pytest

from bot.db.questions import items as questions_db
from bot.emulator import CommandUnavailable, InteractionResult, Message, Permission, ResponseType
from tests.e2e.harness import Harness

CUSTOM_ID = re.compile(r"^plc:q:[a-z]+:[0-9a-f]{16}$")


def is_action(custom_id: str, action: str) -> bool:
    """Whether a button is ``action`` of an item (``plc:q:``, or ``plcq:`` as posted by
    earlier versions)."""
    return re.match(rf"plc(?::q|q):{action}:", custom_id) is not None


def action_of(custom_id: str) -> str:
    return custom_id.split(":")[-2]


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


async def in_review(h: Harness, author: str, question: str) -> Message:
    """A community with a moderation channel, ``author``'s question asked: its review."""
    await h.setup_community(moderation=True)
    await ask(h, author, question)
    [review] = bot_posts(h, "moderation")
    return review


def custom_id(message: Message, action: str) -> str:
    found = [c for c in message.custom_ids() if is_action(c, action)]
    assert found, f"no {action} button on {message.custom_ids()}"
    return found[0]


async def click(h: Harness, user: str, message: Message, action: str) -> InteractionResult:
    return await h.emu.click(h.user(user), message, custom_id(message, action))


def label(message: Message, action: str) -> str:
    component = message.find_component(custom_id(message, action))
    assert component is not None
    return str(component["label"])


async def moderate(h: Harness, user: str, message: Message) -> InteractionResult:
    """Apps › Moderate on a post: the facilitator's private panel."""
    result = await h.emu.message_command(
        h.guild.id, h.user(user), "Moderate", message, locale="en-US"
    )
    return await result.final()


async def recorded(h: Harness, message: Message) -> None:
    """Until the bot has recorded its post, which it commits once Discord took it: a
    moment after the post shows, and a read sees only what is committed."""
    for _ in range(300):
        async with h.bot.core.db.read() as conn:
            if await questions_db.get_by_message(conn, h.guild.id, message.id) is not None:
                return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the bot never recorded its post {message.id}")


def panel_id(panel: InteractionResult, action: str) -> str:
    found = [c for c in panel.message.custom_ids() if is_action(c, action)]
    assert found, f"no {action} in the panel: {panel.message.custom_ids()}"
    return found[0]


async def panel_click(h: Harness, user: str, panel: InteractionResult, action: str) -> str:
    """Press a panel button; what the member reads: the updated panel, or a refusal."""
    result = await h.emu.click(h.user(user), panel.message, panel_id(panel, action), locale="en-US")
    await result.final()
    if result.response_type == ResponseType.UPDATE_MESSAGE:
        return h.emu.state.messages[panel.message.id].content or ""
    return result.content or ""


def refreshed(h: Harness, message: Message) -> Message:
    return h.emu.state.messages[message.id]


async def test_question_is_posted_by_the_bot_with_buttons_and_a_thread(harness: Harness) -> None:
    await harness.setup_community()
    answer = await ask(harness, "bob", "How do you grade group work?", "assessment")
    assert answer.ephemeral
    assert "#1" in (answer.content or "")

    [message] = bot_posts(harness, "questions")
    assert message.interaction_metadata is None  # a plain message, not an interaction reply
    assert message.embeds[0]["title"] == "Anonymous question #1"
    assert message.embeds[0]["description"] == "How do you grade group work?"
    assert message.embeds[0]["fields"][0]["value"] == "assessment"
    assert message.allowed_mentions == {"parse": []}
    assert message.nonce
    assert all(CUSTOM_ID.match(c) for c in message.custom_ids())  # only the opaque ref
    # Members see only what they may use; moderation is in the Moderate command.
    assert [label(message, a) for a in ("up", "report")] == ["▲ 0", "Report"]
    assert [action_of(c) for c in message.custom_ids()] == ["up", "report"]
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
    assert f"<@{harness.user('alice')}>" in review.all_text()
    # Approved: Remove and Block author stay for whoever facilitates, not Approve again.
    assert [action_of(c) for c in review.custom_ids()] == ["rremove", "rblock"]
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
    with pytest.raises(CommandUnavailable):  # Discord hides Moderate from members
        await moderate(harness, "bob", message)
    panel = await moderate(harness, "alice", message)
    assert panel.ephemeral and "Moderating anonymous question #1" in (panel.content or "")
    done = await panel_click(harness, "alice", panel, "mdone")
    assert "Marked as answered." in done
    message = refreshed(harness, message)
    assert message.embeds[0]["footer"]["text"] == "Answered ✓"  # the public post, updated
    again = await moderate(harness, "alice", message)
    answered = again.message.find_component(panel_id(again, "mdone"))
    assert answered is not None and answered.get("disabled")
    top = await harness.slash("bob", "questions top")
    assert "Question #2" in top.embeds[0]["description"]
    assert "Question #1" not in top.embeds[0]["description"]


async def test_a_member_given_the_command_is_still_refused_at_run_time(harness: Harness) -> None:
    """An admin may show Moderate to more members; the facilitator check still holds."""
    await harness.setup_community()
    await ask(harness, "bob", "Leave me be")
    [message] = bot_posts(harness, "questions")
    helpers = harness.emu.state.add_role(
        harness.guild.id, "Helpers", permissions=Permission.MANAGE_MESSAGES
    )
    harness.emu.set_member_roles(
        harness.guild.id, harness.user("david"), [harness.guild.roles["member"], helpers.id]
    )
    refused = await moderate(harness, "david", message)
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    assert refused.message.custom_ids() == []
    assert "Leave me be" in refreshed(harness, message).all_text()


async def test_moderating_something_else_is_refused_clearly(harness: Harness) -> None:
    await harness.setup_community()
    note = harness.emu.send_message(harness.user("bob"), harness.channel("general"), "hello")
    refused = await moderate(harness, "alice", note)
    assert refused.ephemeral and "nothing to moderate" in (refused.content or "")


async def test_buttons_of_posts_from_before_the_moderate_command_still_work(
    harness: Harness,
) -> None:
    await harness.setup_community()
    await ask(harness, "bob", "An old post")
    [message] = bot_posts(harness, "questions")
    ref = message.custom_ids()[0].split(":")[-1]
    old = [
        {"type": 2, "style": 4, "label": "Remove", "custom_id": f"plcq:remove:{ref}"},
        {"type": 2, "style": 4, "label": "Block author", "custom_id": f"plcq:block:{ref}"},
    ]
    message.components[0]["components"].extend(old)  # as the bot posted them before
    refused = await click(harness, "bob", message, "remove")
    assert "Only facilitators" in (refused.content or "")
    removed = await click(harness, "admin", message, "remove")
    assert removed.ephemeral and "Removed anonymous question #1" in (removed.content or "")
    message = refreshed(harness, message)
    assert "removed by the moderators" in message.all_text()
    assert message.custom_ids() == []  # the post now follows the new layout


async def test_report_reaches_the_facilitators_without_the_reporter(harness: Harness) -> None:
    """The reason goes to the moderators; the reporter is never named."""
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
    assert "\\[click\\]\\(http://evil.example\\)" in report.content  # shown as typed
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
    """The author of #N is refused afterwards, even after a restart; nobody learns who."""
    await harness.setup_community()
    await ask(harness, "bob", "Something rude")
    [message] = bot_posts(harness, "questions")
    with pytest.raises(CommandUnavailable):
        await moderate(harness, "david", message)

    panel = await moderate(harness, "admin", message)
    blocked = await panel_click(harness, "admin", panel, "mblock")
    assert "author of anonymous question #1 is now blocked" in blocked
    bob = harness.emu.state.users[harness.user("bob")]
    assert "Bob" not in blocked and str(bob.id) not in blocked

    panel = await moderate(harness, "admin", message)
    removed = await panel_click(harness, "admin", panel, "mremove")
    assert "Removed anonymous question #1" in removed
    message = refreshed(harness, message)
    assert message.custom_ids() == []
    assert "removed by the moderators" in message.all_text()
    assert "Something rude" not in message.all_text()
    after_removal = await moderate(harness, "admin", message)
    assert [action_of(c) for c in after_removal.message.custom_ids()] == ["munblock"]

    again = await harness.slash("bob", "ask")
    assert again.modal is None and "blocked" in (again.content or "")
    await ask(harness, "david", "David is not blocked")
    assert len(bot_posts(harness, "questions")) == 2

    await harness.restart()
    after = await harness.slash("bob", "ask")
    assert after.modal is None and "blocked" in (after.content or "")
    top = await harness.slash("bob", "questions top")
    assert "1 removed" in top.embeds[0]["footer"]["text"]
    assert "1 author blocked" in top.embeds[0]["footer"]["text"]


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
    """@everyone, role and user mentions ping nobody; links show as typed."""
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
    await h.start_community(privacy={"secret": None})
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
    signed_panel = await moderate(harness, "alice", first)
    # signed: no anonymous author to block
    assert "block" not in " ".join(signed_panel.message.custom_ids())
    assert "Proposed anonymously" in second.all_text()
    assert panel_id(await moderate(harness, "alice", second), "mblock")
    done = signed_panel.message.find_component(panel_id(signed_panel, "mdone"))
    assert done is not None and done["label"] == "Discussed"
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


async def test_the_review_message_title_follows_the_decision(harness: Harness) -> None:
    await harness.setup_community(moderation=True)
    await ask(harness, "bob", "Approve me")
    await ask(harness, "david", "Reject me")
    approved, rejected = bot_posts(harness, "moderation")
    await click(harness, "alice", approved, "approve")
    await click(harness, "alice", rejected, "rejectblock")
    assert refreshed(harness, approved).embeds[0]["title"] == "Anonymous question approved"
    assert refreshed(harness, rejected).embeds[0]["title"] == (
        "Anonymous question rejected, author blocked"
    )

    [posted] = await harness.emu.wait_for(lambda: bot_posts(harness, "questions"))
    await recorded(harness, posted)
    panel = await moderate(harness, "alice", posted)
    await panel_click(harness, "alice", panel, "mremove")
    review = refreshed(harness, approved)
    assert review.embeds[0]["title"] == "Anonymous question removed"
    assert "Approve me" not in review.all_text()  # erased here too
    assert f"Removed by <@{harness.user('alice')}>" in review.all_text()
