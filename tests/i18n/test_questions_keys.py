"""Every message of anonymous questions and topics, laid out in each of its variants and
rendered in French and in English with a markup that would expose platform syntax: a
missing key fails here, and no Discord markup (``<@``, ``<#``, ``<t:``) comes from the
feature itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from bot.chat import Card, Message
from bot.db.questions import ModerationCounts, QuestionItem
from bot.services.questions import (
    Decision,
    Outcome,
    QuestionPost,
    ReportPost,
    ReviewPost,
    Submission,
    TopList,
)
from bot.services.questions.forms import ask_form, report_form, topic_form
from bot.services.questions.replies import ModerationResult, moderation_panel, receipt, result
from tests.markup import form_contents, rendered_plainly

WHEN = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)


def item(**changes: object) -> QuestionItem:
    values: dict[str, object] = {
        "id": 1,
        "guild_id": 10,
        "ref": "0123456789abcdef",
        "kind": "question",
        "number": 3,
        "text": "How do you grade group work?",
        "details": "assessment",
        "proposer_id": None,
        "status": "posted",
        "reviewed": None,
        "review_channel_id": 20,
        "review_message_id": 21,
        "channel_id": 30,
        "message_id": 31,
        "thread_id": None,
        "answered_at": None,
        "discussed_at": None,
        "session_ref": None,
        "posted_at": WHEN,
        "upvotes": 2,
        "blockable": True,
    }
    return QuestionItem.model_validate({**values, **changes})


def items() -> Iterator[QuestionItem]:
    """Questions and topics, anonymous or signed, with or without details, at each stage."""
    for kind in ("question", "topic"):
        for proposer in (None, 7):
            for details in ("", "more words"):
                for status in ("review", "approved", "posted", "rejected", "removed"):
                    yield item(kind=kind, proposer_id=proposer, details=details, status=status)
        yield item(kind=kind, answered_at=WHEN)
        yield item(kind=kind, discussed_at=WHEN)
        yield item(kind=kind, number=None, status="approved", blockable=False)


def cards(language: str) -> Iterator[Card]:
    lang = "fr" if language == "fr" else "en"
    for shown in items():
        yield QuestionPost(language=lang, item=shown)
        yield ReportPost(language=lang, item=shown, reason="Rude", facilitator_role_id=None)
        yield ReportPost(language=lang, item=shown, reason="Rude", facilitator_role_id=5)
        decisions: tuple[Decision | None, ...] = (None, *get_args(Decision))
        for decision in decisions:
            for moderator in (None, 8):
                for blocked in (False, True):
                    yield ReviewPost(
                        language=lang,
                        item=shown,
                        questions_channel_id=30,
                        decision=decision,
                        moderator_id=moderator,
                        author_blocked=blocked,
                    )
    counts = ModerationCounts(approved=1, rejected=2, removed=0, blocked=1)
    for listed in ([], list(items())):
        yield TopList(language=lang, guild_id=10, items=listed, counts=counts)


def replies() -> Iterator[Message]:
    for shown in items():
        yield moderation_panel(shown)
        for done in get_args(ModerationResult):
            for newly in (False, True):
                outcome = Outcome(item=shown, shown=QuestionPost(language="en", item=shown))
                said = result(outcome.model_copy(update={"newly_blocked": newly}), done)
                yield moderation_panel(shown, said)
        for delayed in (False, True):
            for moderated in (False, True):
                submission = Submission(
                    item=shown,
                    due_at=WHEN + timedelta(minutes=5),
                    delayed=delayed,
                    moderated=moderated,
                    questions_channel_id=30,
                    delay_max_minutes=15,
                )
                yield Message(content=receipt(submission))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_card_lays_out_in_both_languages_without_platform_syntax(language: str) -> None:
    laid_out = set()
    for card in cards(language):
        message = card.layout()
        assert message.content is not None or message.panels
        rendered_plainly(message.contents(), card.language)
        laid_out.add(type(card))
    assert laid_out == {QuestionPost, ReviewPost, ReportPost, TopList}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_reply_and_form_renders_in_both_languages(language: str) -> None:
    for message in replies():
        assert rendered_plainly(message.contents(), language)
    for form in (ask_form(), topic_form(), report_form("0123456789abcdef")):
        assert all(rendered_plainly(form_contents(form), language))


def test_a_review_names_no_one_but_the_moderator_and_keeps_its_actions() -> None:
    """Once approved, Remove and Block author stay on the review message; a block then
    leaves Remove and Unblock author; a removal leaves Block author (Unblock author, its
    author blocked); a rejection leaves nothing, a rejection with a block Unblock author."""

    def actions(decision: Decision, status: str, blocked: bool) -> list[str]:
        card = ReviewPost(
            language="en",
            item=item(status=status),
            questions_channel_id=30,
            decision=decision,
            moderator_id=8,
            author_blocked=blocked,
        )
        return [button.action.split(":")[2] for button in card.layout().components()]

    assert actions("approved", "approved", False) == ["rremove", "rblock"]
    assert actions("blocked", "posted", True) == ["rremove", "runblock"]
    assert actions("removed", "removed", False) == ["rblock"]
    assert actions("removed", "removed", True) == ["runblock"]
    assert actions("rejected", "rejected", False) == []
    assert actions("rejected_blocked", "rejected", True) == ["runblock"]
    assert actions("unblocked", "posted", False) == ["rremove", "rblock"]
    assert actions("unblocked", "rejected", False) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_signed_topic_awaiting_review_is_not_said_to_hide_its_author(language: str) -> None:
    """A signed topic shows its author's name: the review does not say nobody can see who
    wrote it, as it does for an anonymous question or topic."""

    def review(**changes: object) -> str:
        pending = item(status="review", kind="topic", **changes)
        card = ReviewPost(language=language, item=pending, questions_channel_id=30)
        return " ".join(rendered_plainly(card.layout().contents(), language))

    anonymous, signed = review(), review(proposer_id=5)
    nobody = {"en": "Nobody, you included", "fr": "Personne, vous y compris"}[language]
    assert nobody in anonymous and nobody not in signed
    assert "[member 5]" in signed
    assert {"en": "under its author's name", "fr": "sous le nom de"}[language] in signed
