"""Moderation that facilitators reach without the *Moderate* command: the buttons an
approved item keeps on its review message, and the item found by its number."""

from __future__ import annotations

import pytest

from bot.chat import Posted
from bot.db import Database
from bot.errors import NotFacilitator, UserError
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.questions import QuestionPost, QuestionService, ReviewPost
from tests.recording_chat import RecordingChat
from tests.services.questions.helpers import (
    ALICE,
    BOB,
    MODERATION_CHANNEL,
    MODERATOR,
    QUESTIONS_CHANNEL,
    facilitator,
    member,
    rows,
    set_up_questions,
)


async def approved_and_posted(
    core: Core, community: CommunityService, text: str = "Something rude"
) -> tuple[QuestionService, str]:
    questions = await set_up_questions(core, community, moderation=True)
    asked = await questions.submissions.ask(member(ALICE), text, None)
    await questions.moderation.approve(facilitator(), asked.item.ref)
    await questions.posting.post_approved(asked.item.ref)
    return questions, asked.item.ref


def edits_of(chat: RecordingChat, channel_id: int) -> list[tuple[Posted, object]]:
    return [(posted, card) for posted, card in chat.edits if posted.channel_id == channel_id]


async def test_an_approval_leaves_remove_and_block_on_the_review_message(
    core: Core, community: CommunityService
) -> None:
    questions = await set_up_questions(core, community, moderation=True)
    asked = await questions.submissions.ask(member(ALICE), "Approve me", None)
    approved = await questions.moderation.approve(facilitator(), asked.item.ref)
    assert isinstance(approved.shown, ReviewPost)
    actions = [button.action for button in approved.shown.layout().components()]
    assert actions == [f"plc:q:rremove:{asked.item.ref}", f"plc:q:rblock:{asked.item.ref}"]


async def test_block_then_remove_from_the_review_message(
    core: Core, community: CommunityService, chat: RecordingChat, db: Database
) -> None:
    questions, ref = await approved_and_posted(core, community)
    chat.edits.clear()

    blocked = await questions.moderation.block_author(facilitator(), ref, clicked="review")
    assert blocked.newly_blocked
    assert isinstance(blocked.shown, ReviewPost)
    assert blocked.shown.decision == "blocked" and blocked.shown.moderator_id == MODERATOR
    assert chat.edits == []  # the click shows the review anew; the post did not change
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.submissions.ask(member(ALICE), "Again", None)

    removed = await questions.moderation.remove(facilitator(), ref, clicked="review")
    assert isinstance(removed.shown, ReviewPost)
    assert removed.shown.decision == "removed" and removed.shown.author_blocked
    [(post, card)] = chat.edits  # the public post, not the review message clicked
    assert post.channel_id == QUESTIONS_CHANNEL
    assert isinstance(card, QuestionPost) and card.item.status == "removed"
    assert await rows(db, "SELECT text FROM questions") == [("",)]


async def test_a_private_panel_keeps_the_review_message_up_to_date(
    core: Core, community: CommunityService, chat: RecordingChat
) -> None:
    questions, ref = await approved_and_posted(core, community)
    chat.edits.clear()
    await questions.moderation.block_author(facilitator(), ref)
    [(_, blocked)] = edits_of(chat, MODERATION_CHANNEL)
    assert isinstance(blocked, ReviewPost) and blocked.decision == "blocked"
    again = await questions.moderation.block_author(facilitator(), ref)
    assert not again.newly_blocked and len(chat.edits) == 1  # nothing new to show

    removed = await questions.moderation.remove(facilitator(), ref)
    assert isinstance(removed.shown, QuestionPost)
    [_, (_, review)] = edits_of(chat, MODERATION_CHANNEL)
    assert isinstance(review, ReviewPost) and review.decision == "removed"
    assert review.author_blocked and [
        b.action.split(":")[2] for b in review.layout().components()
    ] == ["runblock"]
    assert len(edits_of(chat, QUESTIONS_CHANNEL)) == 1


async def test_an_approved_item_removed_before_it_is_posted_never_is(
    core: Core, community: CommunityService, chat: RecordingChat
) -> None:
    questions = await set_up_questions(core, community, moderation=True)
    asked = await questions.submissions.ask(member(ALICE), "Take me down", None)
    await questions.moderation.approve(facilitator(), asked.item.ref)
    removed = await questions.moderation.remove(facilitator(), asked.item.ref, clicked="review")
    assert removed.item.status == "removed" and removed.item.text == ""
    await questions.posting.post_approved(asked.item.ref)
    assert [s.target.channel_id for s in chat.sent] == [MODERATION_CHANNEL]


async def test_the_item_numbered_n_is_for_facilitators(
    core: Core, community: CommunityService
) -> None:
    questions = await set_up_questions(core, community, moderation=False)
    asked = await questions.submissions.ask(member(ALICE), "Find me by number", None)
    topic = await questions.submissions.propose_topic(member(BOB), "A topic", "", anonymous=True)
    found = await questions.moderation.item_numbered(facilitator(), 1, "question")
    assert found.ref == asked.item.ref
    assert (await questions.moderation.item_numbered(facilitator(), 1, "topic")).ref == (
        topic.item.ref
    )
    with pytest.raises(NotFacilitator):
        await questions.moderation.item_numbered(member(BOB), 1, "question")
    with pytest.raises(UserError) as missing:
        await questions.moderation.item_numbered(facilitator(), 2, "question")
    assert missing.value.key == "questions.errors.no_question_numbered"
    assert missing.value.params == {"number": 2}
