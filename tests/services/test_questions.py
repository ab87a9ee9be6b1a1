"""Anonymous questions and topics, without Discord (SPEC §7; RELIABILITY A3-A5, A7, A8, G1-G3)."""

from __future__ import annotations

import dataclasses
import random
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.config import PrivacySettings
from bot.db import Database
from bot.db import questions as questions_db
from bot.db import timers as timers_db
from bot.db.communities import CommunitySettings
from bot.errors import UserError
from bot.services.anonymity import Anonymizer
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.members import MemberService
from bot.services.questions import (
    POST_KIND,
    QUESTION_MAX,
    RATE_LIMIT,
    RETENTION_KIND,
    QuestionService,
    post_key,
)

GUILD = 100
ALICE = 812345678901234567  # snowflake-sized, so a byte scan is meaningful
BOB = 812345678901234568
CAROL = 812345678901234569
MODERATOR = 55
QUESTIONS_CHANNEL = 500
MODERATION_CHANNEL = 501
ANNOUNCEMENTS_CHANNEL = 502
FACILITATOR_ROLE = 700


def _settings(moderation: bool) -> CommunitySettings:
    return CommunitySettings(
        timezone="America/Toronto",
        language="en",
        checkin_channel_id=None,
        questions_channel_id=QUESTIONS_CHANNEL,
        announcements_channel_id=ANNOUNCEMENTS_CHANNEL,
        facilitator_role_id=FACILITATOR_ROLE,
        moderation_channel_id=MODERATION_CHANNEL if moderation else None,
    )


@pytest.fixture
async def community(core: Core) -> CommunityService:
    service = CommunityService(core)
    await service.setup(GUILD, 1, _settings(moderation=False))
    return service


@pytest.fixture
def questions(core: Core, community: CommunityService) -> QuestionService:
    return QuestionService(core, community)


def _with_privacy(core: Core, **privacy: object) -> Core:
    current = core.settings.privacy
    values = {
        "secret": current.secret.get_secret_value() if current.secret else None,
        "post_delay_max_seconds": current.post_delay_max_seconds,
        **privacy,
    }
    return dataclasses.replace(
        core,
        settings=core.settings.model_copy(
            update={"privacy": PrivacySettings.model_validate(values)}
        ),
    )


async def _publish(questions: QuestionService, ref: str, message_id: int = 9000) -> int:
    """Do what the question_post timer does once Discord accepted the message."""
    plan = await questions.plan_post(ref)
    assert plan is not None and plan.stage == "public"
    await questions.record_posted(plan.item.id, plan.channel_id, message_id + plan.item.id)
    assert plan.item.number is not None
    return plan.item.number


def _traces(user_id: int) -> list[bytes]:
    """The forms a stored Discord id could take in SQLite's file: text or an 8-byte integer."""
    return [str(user_id).encode(), struct.pack(">q", user_id)]


def _file_bytes(db_path: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (db_path, db_path.with_name(db_path.name + "-wal"))
        if path.exists()
    )


async def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.read() as conn:
        cursor = await conn.execute(sql)
        return [tuple(row) for row in await cursor.fetchall()]


# -- submitting -----------------------------------------------------------------------------


async def test_question_is_queued_for_posting_now_and_stores_no_author(
    questions: QuestionService, db: Database, db_path: Path, clock: ControlledClock
) -> None:
    submission = await questions.ask(GUILD, ALICE, "  How do you grade group work?\x07 ", "grading")
    assert submission.item.text == "How do you grade group work?"  # control character stripped
    assert submission.item.details == "grading"
    assert submission.item.number is None  # numbered when posted, not when submitted
    assert not submission.delayed and not submission.moderated
    assert submission.due_at == clock.now()
    async with db.read() as conn:
        timer = await timers_db.find(conn, POST_KIND, post_key(submission.item.ref, "first"))
    assert timer is not None and timer.due_at == clock.now()
    assert timer.payload == {"ref": submission.item.ref}
    for trace in _traces(ALICE):
        assert trace not in _file_bytes(db_path)


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
        await questions.ask(GUILD, ALICE, question, topic)
    assert refused.value.key == key
    if key.endswith("too_long"):
        assert refused.value.params["limit"] in (QUESTION_MAX, 100)
    assert await _rows(db, "SELECT * FROM questions") == []
    assert await _rows(db, "SELECT * FROM question_rate") == []
    assert await _rows(db, f"SELECT * FROM timers WHERE kind = '{POST_KIND}'") == []


async def test_a_missing_secret_refuses_with_a_reason(
    core: Core, community: CommunityService, db: Database
) -> None:
    without_secret = QuestionService(_with_privacy(core, secret=None), community)
    for attempt in (
        without_secret.check_open(GUILD),
        without_secret.ask(GUILD, ALICE, "Why?", None),
        without_secret.propose_topic(GUILD, ALICE, "Feedback", "", anonymous=True),
    ):
        with pytest.raises(UserError) as refused:
            await attempt
        assert refused.value.key == "questions.errors.no_secret"
    assert await _rows(db, "SELECT * FROM questions") == []


async def test_no_questions_channel_is_refused(core: Core, community: CommunityService) -> None:
    await community.setup(
        GUILD, 1, _settings(False).model_copy(update={"questions_channel_id": None})
    )
    questions = QuestionService(core, community)
    with pytest.raises(UserError, match="questions.errors.no_channel"):
        await questions.check_open(GUILD)
    with pytest.raises(UserError, match="questions.errors.no_channel"):
        await questions.ask(GUILD, ALICE, "Why?", None)


async def test_rate_limit_counts_one_author_per_hour(
    questions: QuestionService, clock: ControlledClock, db: Database
) -> None:
    for n in range(RATE_LIMIT):
        await questions.ask(GUILD, ALICE, f"Question {n}", None)
        await clock.advance(timedelta(minutes=5))
    with pytest.raises(UserError) as refused:
        await questions.ask(GUILD, ALICE, "One too many", None)
    assert refused.value.key == "questions.errors.rate_limited"
    assert refused.value.params["limit"] == RATE_LIMIT
    assert str(refused.value.params["retry"]).startswith("<t:")
    await questions.ask(GUILD, BOB, "Someone else may still ask", None)
    # The first one leaves the window 60 minutes after it was sent.
    await clock.advance(timedelta(minutes=36))
    await questions.ask(GUILD, ALICE, "Allowed again", None)
    # Rows out of the window are gone, not just ignored.
    rows = await _rows(db, "SELECT at FROM question_rate")
    assert len(rows) == RATE_LIMIT + 1  # Alice's last five-in-window minus the oldest, plus Bob


# -- anonymity of what is stored ----------------------------------------------------------


async def test_two_questions_of_one_author_share_no_stored_value(
    questions: QuestionService, core: Core, db: Database
) -> None:
    """A5: nothing in the database groups them; only the secret can."""
    first = await questions.ask(GUILD, ALICE, "First question", None)
    second = await questions.ask(GUILD, ALICE, "Second question", None)
    for ref in (first.item.ref, second.item.ref):
        await _publish(questions, ref)
        await questions.toggle_upvote(GUILD, ref, ALICE)
    blobs: list[bytes] = []
    for sql in (
        "SELECT author_nonce, author_handle FROM questions",
        "SELECT nonce, tag FROM question_rate",
        "SELECT voter FROM question_upvotes",
    ):
        for row in await _rows(db, sql):
            blobs.extend(value for value in row if isinstance(value, bytes))
    assert len(blobs) == 2 * 2 + 2 * 2 + 2
    assert len(set(blobs)) == len(blobs)
    # The holder of the secret can test a candidate, which is what blocks rely on.
    secret = core.settings.privacy.secret
    assert secret is not None
    anonymizer = Anonymizer(secret.get_secret_value())
    rows = await _rows(db, "SELECT author_nonce, author_handle FROM questions ORDER BY id")
    for nonce, handle in rows:
        assert isinstance(nonce, bytes) and isinstance(handle, bytes)
        assert anonymizer.matches("question", GUILD, ALICE, nonce, handle)
        assert not anonymizer.matches("question", GUILD, BOB, nonce, handle)
        # A different secret cannot link them.
        assert not Anonymizer("x" * 40).matches("question", GUILD, ALICE, nonce, handle)


async def test_block_refuses_that_author_only_and_survives_a_restart(
    questions: QuestionService, core: Core, db_path: Path, clock: ControlledClock
) -> None:
    """A3 + A4: the block list holds keyed hashes; the author stays unknown."""
    asked = await questions.ask(GUILD, ALICE, "Something rude", None)
    number = await _publish(questions, asked.item.ref)
    other = await questions.ask(GUILD, BOB, "A kind question", None)
    await _publish(questions, other.item.ref)
    result = await questions.block_author(GUILD, asked.item.ref, MODERATOR)
    assert result.newly_blocked and result.item.number == number
    again = await questions.block_author(GUILD, asked.item.ref, MODERATOR)
    assert not again.newly_blocked
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.ask(GUILD, ALICE, "Trying again", None)
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.propose_topic(GUILD, ALICE, "A topic", "", anonymous=True)
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.check_open(GUILD, ALICE)  # told before typing, at /ask
    await questions.check_open(GUILD, BOB)
    await questions.ask(GUILD, BOB, "Bob is not blocked", None)
    assert (await questions.moderation_counts(GUILD)).blocked == 1
    for trace in _traces(ALICE):
        assert trace not in _file_bytes(db_path)

    # A new process on the same file (the handles of #N expire; the block does not).
    await clock.advance(timedelta(days=20))
    await questions.purge(GUILD)
    reopened = await Database.open(db_path)
    try:
        restarted_core = dataclasses.replace(core, db=reopened)
        restarted = QuestionService(restarted_core, CommunityService(restarted_core))
        with pytest.raises(UserError, match="questions.errors.blocked"):
            await restarted.ask(GUILD, ALICE, "After the restart", None)
        await restarted.ask(GUILD, CAROL, "Carol asks", None)
    finally:
        await reopened.close()


async def test_block_needs_an_anonymous_item_with_a_live_handle(
    questions: QuestionService, clock: ControlledClock
) -> None:
    signed = await questions.propose_topic(GUILD, BOB, "Signed topic", "", anonymous=False)
    await _publish(questions, signed.item.ref)
    with pytest.raises(UserError, match="questions.errors.signed_not_blockable"):
        await questions.block_author(GUILD, signed.item.ref, MODERATOR)
    old = await questions.ask(GUILD, ALICE, "An old question", None)
    await _publish(questions, old.item.ref)
    await clock.advance(timedelta(days=14))
    await questions.purge(GUILD)
    with pytest.raises(UserError) as refused:
        await questions.block_author(GUILD, old.item.ref, MODERATOR)
    assert refused.value.key == "questions.errors.handle_expired"
    assert refused.value.params == {"days": 14}


# -- posting, delay and numbering ---------------------------------------------------------------


async def test_numbers_follow_posting_order_not_submission_order(
    questions: QuestionService,
) -> None:
    refs = [(await questions.ask(GUILD, ALICE, f"Q{n}", None)).item.ref for n in range(3)]
    assert [await _publish(questions, ref) for ref in reversed(refs)] == [1, 2, 3]
    topic = await questions.propose_topic(GUILD, BOB, "Topics count apart", "", anonymous=True)
    assert await _publish(questions, topic.item.ref) == 1
    # Posting is done: later plans only open the thread, then nothing.
    plan = await questions.plan_post(refs[0])
    assert plan is not None and plan.stage == "thread"
    item = plan.item
    await questions.record_thread(item.id, 777)
    assert await questions.plan_post(refs[0]) is None


async def test_random_delay_hides_submission_order(
    core: Core, community: CommunityService, clock: ControlledClock, db: Database
) -> None:
    """A7: with the delay on, due times (hence posting order) are shuffled."""
    delayed = QuestionService(
        _with_privacy(core, post_delay_max_seconds=900),
        community,
        delay_random=random.Random(20261123),
    )
    submitted_at = clock.now()
    submissions = []
    for n in range(8):
        submissions.append(await delayed.ask(GUILD, ALICE if n % 2 else BOB, f"Q{n}", None))
        await clock.advance(timedelta(seconds=10))
    assert all(s.delayed for s in submissions)
    dues = [s.due_at for s in submissions]
    assert all(submitted_at <= due <= submitted_at + timedelta(seconds=900 + 80) for due in dues)
    posting_order = sorted(range(8), key=lambda n: dues[n])
    assert posting_order != list(range(8))
    # A signed topic shows its proposer anyway: no delay for it.
    signed = await delayed.propose_topic(GUILD, CAROL, "Signed", "", anonymous=False)
    assert not signed.delayed


async def test_moderation_review_then_approve_or_reject(
    core: Core, community: CommunityService, db: Database, clock: ControlledClock
) -> None:
    await community.setup(GUILD, 1, _settings(moderation=True))
    questions = QuestionService(core, community)
    kept = await questions.ask(GUILD, ALICE, "Please approve me", "topic")
    dropped = await questions.ask(GUILD, BOB, "Please reject me", None)
    assert kept.moderated
    for submission, message_id in ((kept, 1), (dropped, 2)):
        plan = await questions.plan_post(submission.item.ref)
        assert plan is not None and plan.stage == "review"
        assert plan.channel_id == MODERATION_CHANNEL and plan.item.number is None
        await questions.record_review_posted(plan.item.id, plan.channel_id, message_id)
        assert await questions.plan_post(submission.item.ref) is None

    approved = await questions.approve(GUILD, kept.item.ref, MODERATOR)
    assert approved.status == "approved"
    async with db.read() as conn:
        timer = await timers_db.find(conn, POST_KIND, post_key(kept.item.ref, "approved"))
    assert timer is not None and timer.due_at == clock.now()
    assert await _publish(questions, kept.item.ref) == 1
    with pytest.raises(UserError, match="questions.errors.already_reviewed"):
        await questions.approve(GUILD, kept.item.ref, MODERATOR)

    rejected = await questions.reject(GUILD, dropped.item.ref, MODERATOR, block_author=True)
    assert rejected.item.status == "rejected" and rejected.newly_blocked
    assert rejected.item.text == ""  # the rejected text is erased at once
    with pytest.raises(UserError, match="questions.errors.blocked"):
        await questions.ask(GUILD, BOB, "Blocked from review", None)

    removed = await questions.remove(GUILD, kept.item.ref, MODERATOR)
    assert removed.status == "removed" and removed.text == "" and removed.number == 1
    counts = await questions.moderation_counts(GUILD)
    assert counts.model_dump() == {"approved": 1, "rejected": 1, "removed": 1, "blocked": 1}
    lines = await questions.status_lines(GUILD)
    assert lines[0].key == "questions.status.open"


# -- upvotes, answers, reports, sessions ----------------------------------------------------


async def test_upvotes_toggle_one_per_member(questions: QuestionService, db: Database) -> None:
    asked = await questions.ask(GUILD, ALICE, "Upvote me", None)
    await _publish(questions, asked.item.ref)
    for voter in (ALICE, BOB, CAROL):
        assert (await questions.toggle_upvote(GUILD, asked.item.ref, voter)).counted
    result = await questions.toggle_upvote(GUILD, asked.item.ref, BOB)
    assert not result.counted and result.item.upvotes == 2
    result = await questions.toggle_upvote(GUILD, asked.item.ref, BOB)
    assert result.counted and result.item.upvotes == 3
    queued = await questions.ask(GUILD, BOB, "Not posted yet", None)
    with pytest.raises(UserError, match="questions.errors.not_posted"):
        await questions.toggle_upvote(GUILD, queued.item.ref, ALICE)
    with pytest.raises(UserError, match="questions.errors.unknown"):
        await questions.toggle_upvote(GUILD, "0" * 16, ALICE)


async def test_top_open_answered_and_discussed(questions: QuestionService) -> None:
    refs = []
    for n in range(3):
        asked = await questions.ask(GUILD, ALICE, f"Question {n}", None)
        await _publish(questions, asked.item.ref)
        refs.append(asked.item.ref)
    topic = await questions.propose_topic(GUILD, BOB, "A topic", "why", anonymous=True)
    await _publish(questions, topic.item.ref)
    for voter in (ALICE, BOB):
        await questions.toggle_upvote(GUILD, refs[2], voter)
    await questions.toggle_upvote(GUILD, topic.item.ref, CAROL)
    top = await questions.top_open(GUILD, 10)
    assert [item.ref for item in top] == [refs[2], topic.item.ref, refs[0], refs[1]]
    assert [item.upvotes for item in top] == [2, 1, 0, 0]

    answered = await questions.mark_answered(GUILD, refs[2], MODERATOR)
    assert answered.answered_at is not None and not answered.is_open
    with pytest.raises(UserError, match="questions.errors.already_answered"):
        await questions.mark_answered(GUILD, refs[2], MODERATOR)

    by_ref = {item.ref: item for item in top}
    ids = [by_ref[topic.item.ref].id, by_ref[refs[0]].id]
    marked = await questions.mark_discussed(GUILD, ids, "session:42")
    assert {item.session_ref for item in marked} == {"session:42"}
    assert await questions.mark_discussed(GUILD, ids, "session:43") == []
    assert [item.ref for item in await questions.top_open(GUILD, 10)] == [refs[1]]
    assert [item.ref for item in await questions.top_open(GUILD, 10_000)] == [refs[1]]


async def test_reports_go_to_moderators_once_per_member(
    questions: QuestionService, community: CommunityService, core: Core, db_path: Path
) -> None:
    asked = await questions.ask(GUILD, ALICE, "Report me", None)
    await _publish(questions, asked.item.ref)
    plan = await questions.prepare_report(GUILD, asked.item.ref, BOB, "  Off topic  ")
    # No moderation channel: the facilitators are told in the announcements channel.
    assert plan.channel_id == ANNOUNCEMENTS_CHANNEL and plan.mention_role_id == FACILITATOR_ROLE
    assert plan.reason == "Off topic"
    await questions.record_report(GUILD, asked.item.ref, BOB)
    with pytest.raises(UserError, match="questions.errors.already_reported"):
        await questions.prepare_report(GUILD, asked.item.ref, BOB, "Again")
    other = await questions.prepare_report(GUILD, asked.item.ref, CAROL, "Me too")
    assert other.nonce_seed != plan.nonce_seed
    with pytest.raises(UserError, match="questions.errors.reason_empty"):
        await questions.prepare_report(GUILD, asked.item.ref, CAROL, "   ")
    for trace in _traces(BOB):
        assert trace not in _file_bytes(db_path)

    await community.setup(GUILD, 1, _settings(moderation=True))
    moderated = QuestionService(core, community)
    plan = await moderated.prepare_report(GUILD, asked.item.ref, CAROL, "Rude")
    assert plan.channel_id == MODERATION_CHANNEL and plan.mention_role_id is None


# -- member data ---------------------------------------------------------------------------------


async def test_export_and_delete_reach_signed_topics_and_own_votes_only(
    questions: QuestionService, core: Core, community: CommunityService, db: Database
) -> None:
    members = MemberService(core, community)
    members.add_personal_data(questions)
    anonymous = await questions.ask(GUILD, ALICE, "Anonymous question", None)
    signed = await questions.propose_topic(GUILD, ALICE, "Signed topic", "details", anonymous=False)
    hidden = await questions.propose_topic(GUILD, ALICE, "Hidden topic", "", anonymous=True)
    for submission in (anonymous, signed, hidden):
        await _publish(questions, submission.item.ref)
    await questions.toggle_upvote(GUILD, anonymous.item.ref, ALICE)
    await questions.toggle_upvote(GUILD, anonymous.item.ref, BOB)
    await questions.toggle_upvote(GUILD, hidden.item.ref, ALICE)

    exported = (await members.export(GUILD, ALICE))["questions"]
    assert [topic["title"] for topic in exported["signed_topics"]] == ["Signed topic"]
    assert "Anonymous question" not in str(exported) and "Hidden topic" not in str(exported)
    assert sorted((v["kind"], v["number"]) for v in exported["upvotes"]) == [
        ("question", 1),
        ("topic", 2),
    ]
    assert "not linked to you" in exported["anonymous_posts"]
    bob = (await members.export(GUILD, BOB))["questions"]
    assert bob["signed_topics"] == [] and bob["upvotes"] == [{"kind": "question", "number": 1}]

    await members.delete(GUILD, ALICE)
    assert await _rows(db, f"SELECT * FROM questions WHERE proposer_id = {ALICE}") == []
    remaining = await questions.top_open(GUILD, 10)
    assert {item.ref: item.upvotes for item in remaining} == {
        anonymous.item.ref: 1,  # Bob's vote stays
        hidden.item.ref: 0,
    }


# -- retention -------------------------------------------------------------------------------------


async def test_retention_erases_handles_after_14_days_idempotently(
    questions: QuestionService,
    clock: ControlledClock,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """G3: run twice, or killed halfway, the result is the same; blocks stay."""
    asked = await questions.ask(GUILD, ALICE, "Old question", None)
    await _publish(questions, asked.item.ref)
    await questions.prepare_report(GUILD, asked.item.ref, BOB, "Reason")
    await questions.record_report(GUILD, asked.item.ref, BOB)
    await questions.block_author(GUILD, asked.item.ref, MODERATOR)
    await clock.advance(timedelta(days=13))
    fresh = await questions.ask(GUILD, BOB, "Recent question", None)

    await clock.advance(timedelta(days=1))

    # Killed halfway (after the handles, before the reports): one transaction, so
    # nothing of it stays.
    async def crash(*args: object) -> int:
        raise RuntimeError("killed")

    with monkeypatch.context() as patch:
        patch.setattr(questions_db, "purge_reports_before", crash)
        with pytest.raises(RuntimeError):
            await questions.purge(GUILD)
    assert len(await _rows(db, "SELECT id FROM questions WHERE author_handle IS NOT NULL")) == 2

    first = await questions.purge(GUILD)
    assert first.handles_erased == 1 and first.reports_deleted == 1
    assert first.rate_rows_deleted == 1  # Bob's; Alice's went when Bob asked (out of window)
    second = await questions.purge(GUILD)
    assert second.model_dump() == {
        "handles_erased": 0,
        "rate_rows_deleted": 0,
        "reports_deleted": 0,
    }
    rows = await _rows(db, "SELECT ref FROM questions WHERE author_handle IS NOT NULL")
    assert rows == [(fresh.item.ref,)]
    assert len(await _rows(db, "SELECT * FROM question_blocks")) == 1


async def test_retention_timer_is_planned_daily_once(
    questions: QuestionService, db: Database, clock: ControlledClock
) -> None:
    await questions.plan_retention()
    await questions.plan_retention()
    await questions.ask(GUILD, ALICE, "Plans it too", None)
    rows = await _rows(
        db, f"SELECT key, due_at FROM timers WHERE kind = '{RETENTION_KIND}' AND status = 'pending'"
    )
    assert len(rows) == 1
    key, due = rows[0]
    assert key == f"questions_retention:{GUILD}:2026-11-24" and str(due).startswith(
        "2026-11-24T03:30"
    )
