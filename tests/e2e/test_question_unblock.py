"""Undoing a block: *Unblock author* on the private moderation panel and on the review
message, and ``/questions unblock number:``. Facilitators only, audited, and the author
is never revealed, to the facilitator who unblocks either."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator import InteractionResult, Message, ResponseType
from bot.services.community import RetentionService
from tests.e2e.harness import Harness
from tests.e2e.test_question_moderation import (
    AUTHOR,
    actions,
    assert_author_never_shown,
    moderate_number,
    press,
    title,
)
from tests.e2e.test_questions import ask, bot_posts, in_review, panel_click, propose, refreshed


async def unblock_number(h: Harness, user: str, number: int, **kind: str) -> InteractionResult:
    result = await h.slash(user, "questions unblock", number=number, locale="en-US", **kind)
    return await result.final()


async def can_ask(h: Harness, user: str) -> bool:
    """Whether ``/ask`` opens its form for ``user`` (a blocked author is refused)."""
    opened = await h.slash(user, "ask")
    if opened.modal is None:
        assert "blocked" in (opened.content or ""), opened.content
    return opened.modal is not None


async def approved_then_blocked(h: Harness, question: str) -> Message:
    """``AUTHOR``'s question approved and posted, then its author blocked from the review
    message: that review message."""
    review = await in_review(h, AUTHOR, question)
    await press(h, "alice", review, "approve")
    await h.emu.wait_for(lambda: bot_posts(h, "questions"))
    await press(h, "alice", refreshed(h, review), "rblock")
    return review


async def footer(h: Harness) -> str:
    top = await h.slash("david", "questions top", locale="en-US")
    return str(top.embeds[0]["footer"]["text"])


async def test_a_block_is_undone_from_the_panel_or_by_its_number(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    await ask(h, AUTHOR, "A misread question")
    panel = await moderate_number(h, "alice", 1)
    blocked = await panel_click(h, "alice", panel, "mblock")
    assert "The author of anonymous question #1 is now blocked" in blocked
    assert "`/questions unblock number:1` undoes it." in blocked
    assert panel.message is not None and actions(refreshed(h, panel.message)) == [
        "mdone",
        "mremove",
        "munblock",
    ]
    assert not await can_ask(h, AUTHOR)
    assert "1 author blocked" in await footer(h)

    # A member is refused (the button is on the facilitator's private panel); the block stays.
    refused = await unblock_number(h, "david", 1)
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    assert refused.message is not None and refused.message.custom_ids() == []
    assert not await can_ask(h, AUTHOR)

    unblocked = await panel_click(h, "alice", panel, "munblock")
    assert "The author of anonymous question #1 can post anonymously again" in unblocked
    assert actions(refreshed(h, panel.message)) == ["mdone", "mremove", "mblock"]
    assert await can_ask(h, AUTHOR)
    assert "0 authors blocked" in await footer(h)
    again = await unblock_number(h, "alice", 1)
    assert "The author of anonymous question #1 is not blocked" in (again.content or "")

    # Blocked a second time, undone by the command this time.
    reopened = await moderate_number(h, "alice", 1)
    assert "is now blocked" in await panel_click(h, "alice", reopened, "mblock")
    assert not await can_ask(h, AUTHOR)
    by_number = await unblock_number(h, "alice", 1)
    assert by_number.ephemeral
    assert "The author of anonymous question #1 can post anonymously again" in (
        by_number.content or ""
    )
    assert by_number.message is not None and "mblock" in actions(by_number.message)
    assert await can_ask(h, AUTHOR)

    audit = await h.slash("alice", "plc audit", action="question.unblock", locale="en-US")
    [log] = audit.embeds
    assert "2 entries" in log["footer"]["text"]
    unblocked = f"<@{h.user('alice')}> · question's author unblocked (`question.unblock`)"
    assert str(log["description"]).count(unblocked) == 2
    await assert_author_never_shown(h, [panel, reopened, refused, again, by_number, audit])


async def test_a_topic_is_unblocked_by_number_and_kind(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    await propose(h, AUTHOR, "A topic blocked by mistake", anonymous=True)
    panel = await moderate_number(h, "alice", 1, kind="topic")
    blocked = await panel_click(h, "alice", panel, "mblock")
    assert "`/questions unblock number:1 kind:Topic` undoes it." in blocked
    unblocked = await unblock_number(h, "alice", 1, kind="topic")
    assert "The author of topic #1 can post anonymously again" in (unblocked.content or "")
    assert await can_ask(h, AUTHOR)


async def test_a_misclicked_reject_and_block_is_undone_on_the_review_message(
    harness: Harness,
) -> None:
    """A rejected item has no number and no panel: its review message offers the undo."""
    h = harness
    review = await in_review(h, AUTHOR, "A fair question")
    await press(h, "alice", review, "rejectblock")
    review = refreshed(h, review)
    assert title(review) == "Anonymous question rejected, author blocked"
    assert actions(review) == ["runblock"]
    assert not await can_ask(h, AUTHOR)

    refused = await press(h, "david", review, "runblock")
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    assert not await can_ask(h, AUTHOR)
    undone = await press(h, "alice", review, "runblock")
    assert undone.response_type == ResponseType.UPDATE_MESSAGE
    review = refreshed(h, review)
    assert title(review) == "Anonymous question rejected"
    alice = f"<@{h.user('alice')}>"
    history = f"Rejected by {alice}; the text was erased.\nIts author was unblocked by {alice}"
    assert history in review.all_text()
    assert actions(review) == []
    assert await can_ask(h, AUTHOR)
    await assert_author_never_shown(h, [refused, undone])


async def test_the_review_message_of_an_approved_item_unblocks_and_blocks_again(
    harness: Harness,
) -> None:
    h = harness
    review = await approved_then_blocked(h, "Approved, then blocked by mistake")
    assert actions(refreshed(h, review)) == ["rremove", "runblock"]

    await press(h, "alice", review, "runblock")
    review = refreshed(h, review)
    assert title(review) == "Anonymous question approved"
    assert "unblocked by" in review.all_text() and actions(review) == ["rremove", "rblock"]
    assert await can_ask(h, AUTHOR)
    await press(h, "alice", review, "rblock")  # blocked again: the message follows
    assert title(refreshed(h, review)) == "Anonymous question approved, author blocked"
    assert not await can_ask(h, AUTHOR)

    # From the private panel, the review message is brought up to date too.
    panel = await moderate_number(h, "alice", 1)
    await panel_click(h, "alice", panel, "munblock")
    await h.emu.wait_for(lambda: "rblock" in actions(refreshed(h, review)))
    review = refreshed(h, review)
    assert title(review) == "Anonymous question approved" and "unblocked by" in review.all_text()


async def test_a_block_outlives_the_erased_link_and_is_still_undone(harness: Harness) -> None:
    """A block keeps the "#N" it was taken from: after the 14 days, #N still finds it;
    an item whose link is erased and that blocked nobody says its author cannot be found."""
    h = harness
    await h.setup_community()
    await ask(h, AUTHOR, "Blocked, then forgotten")
    await ask(h, "david", "Never blocked")
    panel = await moderate_number(h, "alice", 1)
    await panel_click(h, "alice", panel, "mblock")
    retention = h.bot.services.get(RetentionService)
    for _ in range(15):
        await h.advance(timedelta(days=1))
        await retention.purge()  # what the daily job runs
    assert not await can_ask(h, AUTHOR)

    untraceable = await unblock_number(h, "alice", 2)
    assert "No block was found through anonymous question #2" in (untraceable.content or "")
    assert "the link to its author was erased" in (untraceable.content or "")
    unblocked = await unblock_number(h, "alice", 1)
    assert "The author of anonymous question #1 can post anonymously again" in (
        unblocked.content or ""
    )
    assert await can_ask(h, AUTHOR)


async def test_unblocking_a_removed_item_keeps_who_removed_it_on_the_review_message(
    harness: Harness,
) -> None:
    """The review message keeps the decision the item stands on above the unblock."""
    h = harness
    review = await approved_then_blocked(h, "Approved, removed, blocked")
    await press(h, "alice", refreshed(h, review), "rremove")
    alice = f"<@{h.user('alice')}>"
    removed = f"Removed by {alice} after it was posted; the text was erased."
    await h.emu.wait_for(lambda: removed in refreshed(h, review).all_text())

    await unblock_number(h, "alice", 1)
    unblocked = f"{removed}\nIts author was unblocked by {alice}"
    await h.emu.wait_for(lambda: unblocked in refreshed(h, review).all_text())
    assert title(refreshed(h, review)) == "Anonymous question removed"


async def test_the_audit_log_names_an_approved_question_by_its_number(harness: Harness) -> None:
    """Approved before it had a number, a question is named in the log by the "#N" it
    got once posted, as its block is, not by an internal reference."""
    h = harness
    await approved_then_blocked(h, "Numbered once posted")
    log = await h.slash("alice", "plc audit", action="question", locale="fr")
    text = str(log.embeds[0]["description"])
    assert "question approuvée (`question.approve`) — numéro : 1" in text, text
    assert "auteur·e d'une question bloqué·e (`question.block`) — numéro : 1" in text
    assert "référence" not in text
