"""Anonymous questions and topics without Discord: submitting, anonymity, posting.
Moderation, reports, member data and retention: ``test_moderation.py``."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import ChannelRef, Moment
from bot.clock import ControlledClock
from bot.db import Database
from bot.db import timers as timers_db
from bot.errors import UserError
from bot.services.anonymity import Anonymizer
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.questions import (
    POST_KIND,
    QUESTION_MAX,
    RATE_LIMIT,
    QuestionPost,
    QuestionService,
    ReviewPost,
    post_key,
)
from tests.recording_chat import RecordingChat
from tests.services.questions.helpers import (
    ALICE,
    BOB,
    CAROL,
    GUILD,
    MODERATION_CHANNEL,
    QUESTIONS_CHANNEL,
    community_settings,
    facilitator,
    member,
    publish,
    question_service,
    rows,
    set_up_questions,
    traces_in_file,
    with_privacy,
)
from tests.services.status import status_lines

# -- submitting -----------------------------------------------------------------------------


async def test_question_is_posted_now_through_its_timer_and_stores_no_author(
    questions: QuestionService,
    db: Database,
    db_path: Path,
    clock: ControlledClock,
    chat: RecordingChat,
) -> None:
    text = "  How do you grade group work?\x07 "
    submission = await questions.submissions.ask(member(ALICE), text, "grading")
    assert submission.item.text == "How do you grade group work?"  # control character stripped
    assert submission.item.details == "grading"
    assert not submission.delayed and not submission.moderated
    assert submission.due_at == clock.now()
    async with db.read() as conn:
        timer = await timers_db.find(conn, POST_KIND, post_key(submission.item.ref, "first"))
    assert timer is not None and timer.due_at == clock.now()
    assert timer.payload == {"ref": submission.item.ref}
    # No delay: the same timer ran at once (run_now), so the author is told "#1".
    assert timer.status == "done"
    assert submission.item.status == "posted" and submission.item.number == 1
    [sent] = chat.sent
    assert sent.target.channel_id == QUESTIONS_CHANNEL and sent.nonce and sent.mention == ()
    assert isinstance(sent.card, QuestionPost) and sent.card.item.ref == submission.item.ref
    assert [name for _, name in chat.threads] == ["Answers to question #1"]
    assert traces_in_file(db_path, ALICE) == []


@pytest.mark.parametrize(
    ("question", "topic", "key"),
    [
        ("", None, "questions.errors.question_empty"),
        ("   \n\t ", None, "questions.errors.question_empty"),
        ("\x00\x01\x02", None, "questions.errors.question_empty"),
        ("x" * (QUESTION_MAX + 1), None, "questions.errors.question_too_long"),
        ("A fine question", "t" * 101, "questions.errors.topic_too_long"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    questions: QuestionService, db: Database, question: str, topic: str | None, key: str
) -> None:
    with pytest.raises(UserError) as refused:
        await questions.submissions.ask(member(ALICE), question, topic)
    assert refused.value.key == key
    if key.endswith("too_long"):
        assert refused.value.params["limit"] in (QUESTION_MAX, 100)
    assert await rows(db, "SELECT * FROM questions") == []
    assert await rows(db, "SELECT * FROM question_rate") == []
    assert await rows(db, f"SELECT * FROM timers WHERE kind = '{POST_KIND}'") == []


async def test_a_channel_the_bot_cannot_post_in_is_refused_before_storing(
    questions: QuestionService, db: Database, chat: RecordingChat
) -> None:
    chat.unwritable[QUESTIONS_CHANNEL] = ("send_messages",)  # as the platform says
    with pytest.raises(UserError) as refused:
        await questions.submissions.ask(member(ALICE), "Can you post this?", None)
    assert refused.value.key == "questions.errors.channel_unwritable"
    assert refused.value.params == {"channel": ChannelRef(channel_id=QUESTIONS_CHANNEL)}
    assert await rows(db, "SELECT * FROM questions") == []


async def test_a_missing_secret_refuses_with_a_reason(
    core: Core, community: CommunityService, db: Database
) -> None:
    without_secret = QuestionService(with_privacy(core, secret=None), community)
    for attempt in (
        without_secret.submissions.check_open(member(ALICE), "topic"),
        without_secret.submissions.ask(member(ALICE), "Why?", None),
        without_secret.submissions.propose_topic(member(ALICE), "Feedback", "", anonymous=True),
    ):
        with pytest.raises(UserError) as refused:
            await attempt
        assert refused.value.key == "questions.errors.no_secret"
    assert await rows(db, "SELECT * FROM questions") == []


async def test_no_questions_channel_is_refused(core: Core, community: CommunityService) -> None:
    await community.setup(
        GUILD, 1, community_settings(False).model_copy(update={"questions_channel_id": None})
    )
    questions = QuestionService(core, community)
    with pytest.raises(UserError, match="questions.errors.no_channel"):
        await questions.submissions.check_open(member(ALICE), "topic")
    with pytest.raises(UserError, match="questions.errors.no_channel"):
        await questions.submissions.ask(member(ALICE), "Why?", None)


async def test_rate_limit_counts_one_author_per_hour(
    questions: QuestionService, clock: ControlledClock, db: Database
) -> None:
    for n in range(RATE_LIMIT):
        await questions.submissions.ask(member(ALICE), f"Question {n}", None)
        await clock.advance(timedelta(minutes=5))
    with pytest.raises(UserError) as refused:
        await questions.submissions.ask(member(ALICE), "One too many", None)
    assert refused.value.key == "questions.errors.rate_limited"
    assert refused.value.params["limit"] == RATE_LIMIT
    assert refused.value.params["retry"] == Moment(
        at=clock.now() - timedelta(minutes=25) + timedelta(hours=1), style="relative"
    )
    await questions.submissions.ask(member(BOB), "Someone else may still ask", None)
    # The first one leaves the window 60 minutes after it was sent.
    await clock.advance(timedelta(minutes=36))
    await questions.submissions.ask(member(ALICE), "Allowed again", None)
    # Rows out of the window are gone, not just ignored.
    rate_rows = await rows(db, "SELECT at FROM question_rate")
    assert len(rate_rows) == RATE_LIMIT + 1  # Alice's last five-in-window minus the oldest, + Bob


# -- anonymity of what is stored ----------------------------------------------------------


async def test_two_questions_of_one_author_share_no_stored_value(
    questions: QuestionService, core: Core, db: Database
) -> None:
    """Nothing in the database groups them; only the secret can."""
    first = await questions.submissions.ask(member(ALICE), "First question", None)
    second = await questions.submissions.ask(member(ALICE), "Second question", None)
    for ref in (first.item.ref, second.item.ref):
        await publish(core.scheduler, questions, ref)
        await questions.participation.toggle_upvote(member(ALICE), ref)
    blobs: list[bytes] = []
    for sql in (
        "SELECT author_nonce, author_handle FROM questions",
        "SELECT nonce, tag FROM question_rate",
        "SELECT voter FROM question_upvotes",
    ):
        for row in await rows(db, sql):
            blobs.extend(value for value in row if isinstance(value, bytes))
    assert len(blobs) == 2 * 2 + 2 * 2 + 2
    assert len(set(blobs)) == len(blobs)
    # The holder of the secret can test a candidate, which is what blocks rely on.
    secret = core.settings.privacy.secret
    assert secret is not None
    anonymizer = Anonymizer(secret.get_secret_value())
    handles = await rows(db, "SELECT author_nonce, author_handle FROM questions ORDER BY id")
    for nonce, handle in handles:
        assert isinstance(nonce, bytes) and isinstance(handle, bytes)
        assert anonymizer.matches("question", GUILD, ALICE, nonce, handle)
        assert not anonymizer.matches("question", GUILD, BOB, nonce, handle)
        # A different secret cannot link them.
        assert not Anonymizer("x" * 40).matches("question", GUILD, ALICE, nonce, handle)


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_block_refuses_that_author_only_and_survives_a_restart(
    questions: QuestionService, core: Core, db: Database, db_path: Path, clock: ControlledClock
) -> None:
    """The block list holds keyed hashes; the author stays unknown."""
    asked = await questions.submissions.ask(member(ALICE), "Something rude", None)
    number = await publish(core.scheduler, questions, asked.item.ref)
    other = await questions.submissions.ask(member(BOB), "A kind question", None)
    await publish(core.scheduler, questions, other.item.ref)
    result = await questions.moderation.block_author(facilitator(), asked.item.ref)
    assert result.newly_blocked and result.item.number == number
    again = await questions.moderation.block_author(facilitator(), asked.item.ref)
    assert not again.newly_blocked
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.submissions.ask(member(ALICE), "Trying again", None)
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.submissions.propose_topic(member(ALICE), "A topic", "", anonymous=True)
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.submissions.check_open(
            member(ALICE), "question"
        )  # told before typing, at /ask
    await questions.submissions.check_open(member(BOB), "question")
    await questions.submissions.ask(member(BOB), "Bob is not blocked", None)
    assert (await questions.records.moderation_counts(GUILD)).blocked == 1
    assert traces_in_file(db_path, ALICE) == []

    # A new process on the same file (the handles of #N expire; the block does not).
    await clock.advance(timedelta(days=20))
    async with db.transaction() as conn:
        await questions.records.purge(conn, clock.now())
    reopened = await Database.open(db_path)
    try:
        restarted_core = dataclasses.replace(core, db=reopened)
        restarted = QuestionService(restarted_core, CommunityService(restarted_core))
        with pytest.raises(UserError, match="questions.errors.blocked"):
            await restarted.submissions.ask(member(ALICE), "After the restart", None)
        await restarted.submissions.ask(member(CAROL), "Carol asks", None)
    finally:
        await reopened.close()


# -- posting, delay and numbering ---------------------------------------------------------------


async def test_numbers_follow_posting_order_not_submission_order(
    core: Core, community: CommunityService, chat: RecordingChat
) -> None:
    delayed = question_service(
        with_privacy(core, post_delay_max_seconds=900), community, delay_random=random.Random(1)
    )
    refs = [
        (await delayed.submissions.ask(member(ALICE), f"Q{n}", None)).item.ref for n in range(3)
    ]
    assert chat.sent == []  # numbered when posted, not when submitted
    assert [(await delayed.records.get(GUILD, ref)).number for ref in refs] == [None] * 3
    numbers = [await publish(core.scheduler, delayed, ref) for ref in reversed(refs)]
    assert numbers == [1, 2, 3]
    topic = await delayed.submissions.propose_topic(
        member(BOB), "Topics count apart", "", anonymous=True
    )
    assert await publish(core.scheduler, delayed, topic.item.ref) == 1
    # Posting is done, the answers thread opened: later plans find nothing to do.
    item = await delayed.records.get(GUILD, refs[0])
    assert item.thread_id is not None
    assert await delayed.posting.plan_post(refs[0]) is None
    assert [name for _, name in chat.threads][:3] == [
        "Answers to question #1",
        "Answers to question #2",
        "Answers to question #3",
    ]


async def test_random_delay_hides_submission_order(
    core: Core, community: CommunityService, clock: ControlledClock, db: Database
) -> None:
    """With the delay on, due times (hence posting order) are shuffled."""
    delayed = question_service(
        with_privacy(core, post_delay_max_seconds=900),
        community,
        delay_random=random.Random(20261123),
    )
    submitted_at = clock.now()
    submissions = []
    for n in range(8):
        asker = member(ALICE if n % 2 else BOB)
        submissions.append(await delayed.submissions.ask(asker, f"Q{n}", None))
        await clock.advance(timedelta(seconds=10))
    assert all(s.delayed for s in submissions)
    dues = [s.due_at for s in submissions]
    assert all(submitted_at <= due <= submitted_at + timedelta(seconds=900 + 80) for due in dues)
    posting_order = sorted(range(8), key=lambda n: dues[n])
    assert posting_order != list(range(8))
    # A signed topic shows its proposer anyway: no delay for it.
    signed = await delayed.submissions.propose_topic(member(CAROL), "Signed", "", anonymous=False)
    assert not signed.delayed


async def test_moderation_review_then_approve_or_reject(
    core: Core,
    community: CommunityService,
    db: Database,
    clock: ControlledClock,
    chat: RecordingChat,
) -> None:
    questions = await set_up_questions(core, community, moderation=True)
    kept = await questions.submissions.ask(member(ALICE), "Please approve me", "topic")
    dropped = await questions.submissions.ask(member(BOB), "Please reject me", None)
    assert kept.moderated
    reviews = chat.sent
    assert [s.target.channel_id for s in reviews] == [MODERATION_CHANNEL] * 2
    for submission, sent in zip((kept, dropped), reviews, strict=True):
        assert isinstance(sent.card, ReviewPost) and sent.card.decision is None
        assert sent.card.item.ref == submission.item.ref and sent.card.item.number is None
        assert sent.card.questions_channel_id == QUESTIONS_CHANNEL
        assert (await questions.records.get(GUILD, submission.item.ref)).status == "review"
        assert await questions.posting.plan_post(submission.item.ref) is None

    approved = await questions.moderation.approve(facilitator(), kept.item.ref)
    assert approved.item.status == "approved"
    assert isinstance(approved.shown, ReviewPost) and approved.shown.decision == "approved"
    async with db.read() as conn:
        timer = await timers_db.find(conn, POST_KIND, post_key(kept.item.ref, "approved"))
    assert timer is not None and timer.due_at == clock.now()
    assert await questions.posting.post_approved(kept.item.ref)
    assert (await questions.records.get(GUILD, kept.item.ref)).number == 1
    assert chat.sent[-1].target.channel_id == QUESTIONS_CHANNEL
    with pytest.raises(UserError, match="questions.errors.already_reviewed"):
        await questions.moderation.approve(facilitator(), kept.item.ref)

    rejected = await questions.moderation.reject(facilitator(), dropped.item.ref, block_author=True)
    assert rejected.item.status == "rejected" and rejected.newly_blocked
    assert rejected.item.text == ""  # the rejected text is erased at once
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.submissions.ask(member(BOB), "Blocked from review", None)

    removed = await questions.moderation.remove(facilitator(), kept.item.ref)
    item = removed.item
    assert item.status == "removed" and item.text == "" and item.number == 1
    counts = await questions.records.moderation_counts(GUILD)
    assert counts.model_dump() == {"approved": 1, "rejected": 1, "removed": 1, "blocked": 1}
    lines = await status_lines(core, questions.records, GUILD)
    assert lines[0].key == "questions.status.open"


async def test_a_post_that_never_goes_out_is_closed_and_the_moderators_told(
    questions: QuestionService, core: Core, chat: RecordingChat, clock: ControlledClock
) -> None:
    chat.lost_channels.add(QUESTIONS_CHANNEL)
    submission = await questions.submissions.ask(member(ALICE), "Waiting for the channel", None)
    assert submission.item.status == "queued"  # the post timer will try again
    await clock.advance(timedelta(days=8))  # beyond question_post's grace
    await core.scheduler.run_due()
    assert (await questions.records.get(GUILD, submission.item.ref)).status == "failed"
    lost, notice = chat.sent  # the channel paused (told once), then the post given up
    assert getattr(lost.card, "key", None) == "delivery.channel_lost"
    assert notice.target.channel_id != QUESTIONS_CHANNEL
    assert getattr(notice.card, "key", None) == "questions.post.failed"
