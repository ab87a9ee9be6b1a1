"""Clicks on anonymous questions without Discord: who may moderate, upvotes, reports, member
data and retention."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.actor import Actor
from bot.app import build_services
from bot.clock import ControlledClock
from bot.db import Database
from bot.db import questions as questions_db
from bot.errors import NotFacilitator, UserError
from bot.services.base import Core
from bot.services.community import CommunityService, MemberService, RetentionService
from bot.services.questions import (
    RETENTION_KIND,
    RETENTION_RULE,
    Outcome,
    QuestionPost,
    QuestionService,
    ReportPost,
)
from tests.recording_chat import RecordingChat
from tests.services.questions.helpers import (
    ALICE,
    ANNOUNCEMENTS_CHANNEL,
    BOB,
    CAROL,
    FACILITATOR_ROLE,
    GUILD,
    MODERATION_CHANNEL,
    QUESTIONS_CHANNEL,
    community_settings,
    facilitator,
    member,
    rows,
    set_up_questions,
    traces,
    traces_in_file,
)

Moderation = Callable[[QuestionService, Actor, str], Awaitable[Outcome]]
MODERATION: dict[str, Moderation] = {
    "approve": lambda service, actor, ref: service.moderation.approve(actor, ref),
    "reject": lambda service, actor, ref: service.moderation.reject(actor, ref),
    "reject and block": lambda service, actor, ref: service.moderation.reject(
        actor, ref, block_author=True
    ),
    "remove": lambda service, actor, ref: service.moderation.remove(actor, ref),
    "block the author": lambda service, actor, ref: service.moderation.block_author(actor, ref),
    "mark answered": lambda service, actor, ref: service.moderation.mark_answered(actor, ref),
}


@pytest.mark.parametrize("action", MODERATION)
async def test_moderation_is_for_facilitators_only(
    core: Core, community: CommunityService, db: Database, action: str
) -> None:
    """The service refuses members without the facilitator role, whatever Discord shows."""
    review = action in ("approve", "reject", "reject and block")
    questions = await set_up_questions(core, community, moderation=review)
    asked = await questions.submissions.ask(member(ALICE), "Moderate me", None)
    before = await rows(db, "SELECT status, text FROM questions")
    for someone in (member(BOB), Actor(guild_id=GUILD, user_id=CAROL, role_ids=frozenset({1}))):
        with pytest.raises(NotFacilitator) as refused:
            await MODERATION[action](questions, someone, asked.item.ref)
        assert refused.value.key == "errors.not_facilitator"
    assert await rows(db, "SELECT status, text FROM questions") == before
    assert await rows(db, "SELECT * FROM question_blocks") == []
    # The facilitator role, or managing the server, may.
    admin = Actor(guild_id=GUILD, user_id=CAROL, manages_guild=True)
    done = await MODERATION[action](questions, facilitator() if review else admin, asked.item.ref)
    assert done.item.ref == asked.item.ref


async def test_upvotes_toggle_one_per_member(
    questions: QuestionService, chat: RecordingChat
) -> None:
    asked = await questions.submissions.ask(member(ALICE), "Upvote me", None)
    for voter in (ALICE, BOB, CAROL):
        assert (await questions.participation.toggle_upvote(member(voter), asked.item.ref)).counted
    result = await questions.participation.toggle_upvote(member(BOB), asked.item.ref)
    assert not result.counted and result.item.upvotes == 2
    result = await questions.participation.toggle_upvote(member(BOB), asked.item.ref)
    assert result.counted and result.item.upvotes == 3
    assert isinstance(result.shown, QuestionPost) and result.shown.item.upvotes == 3
    chat.lost_channels.add(QUESTIONS_CHANNEL)  # the next one cannot be posted
    queued = await questions.submissions.ask(member(BOB), "Not posted yet", None)
    with pytest.raises(UserError, match="questions.errors.not_posted"):
        await questions.participation.toggle_upvote(member(ALICE), queued.item.ref)
    with pytest.raises(UserError, match="questions.errors.unknown"):
        await questions.participation.toggle_upvote(member(ALICE), "0" * 16)


async def test_top_open_answered_and_discussed(questions: QuestionService) -> None:
    refs = []
    for n in range(3):
        asked = await questions.submissions.ask(member(ALICE), f"Question {n}", None)
        refs.append(asked.item.ref)
    topic = await questions.submissions.propose_topic(member(BOB), "A topic", "why", anonymous=True)
    for voter in (ALICE, BOB):
        await questions.participation.toggle_upvote(member(voter), refs[2])
    await questions.participation.toggle_upvote(member(CAROL), topic.item.ref)
    top = await questions.top_open(GUILD, 10)
    assert [item.ref for item in top] == [refs[2], topic.item.ref, refs[0], refs[1]]
    assert [item.upvotes for item in top] == [2, 1, 0, 0]
    shared = await questions.records.top(member(BOB), public=True)
    assert [item.ref for item in shared.items] == [item.ref for item in top]
    assert shared.language == "en" and shared.counts.approved == 0

    answered = (await questions.moderation.mark_answered(facilitator(), refs[2])).item
    assert answered.answered_at is not None and not answered.is_open
    with pytest.raises(UserError, match="questions.errors.already_answered"):
        await questions.moderation.mark_answered(facilitator(), refs[2])

    by_ref = {item.ref: item for item in top}
    ids = [by_ref[topic.item.ref].id, by_ref[refs[0]].id]
    marked = await questions.mark_discussed(GUILD, ids, "session:42")
    assert {item.session_ref for item in marked} == {"session:42"}
    assert await questions.mark_discussed(GUILD, ids, "session:43") == []
    assert [item.ref for item in await questions.top_open(GUILD, 10)] == [refs[1]]
    assert [item.ref for item in await questions.top_open(GUILD, 10_000)] == [refs[1]]


async def test_reports_go_to_moderators_once_per_member(
    questions: QuestionService,
    community: CommunityService,
    core: Core,
    db_path: Path,
    chat: RecordingChat,
) -> None:
    asked = await questions.submissions.ask(member(ALICE), "Report me", None)
    await questions.participation.report(member(BOB), asked.item.ref, "  Off topic  ")
    # No moderation channel: the facilitators are told in the announcements channel.
    report = chat.sent[-1]
    assert isinstance(report.card, ReportPost)
    assert report.target.channel_id == ANNOUNCEMENTS_CHANNEL
    assert report.card.facilitator_role_id == FACILITATOR_ROLE
    assert report.mention_roles == (FACILITATOR_ROLE,) and report.mention == ()
    assert report.card.reason == "Off topic"
    with pytest.raises(UserError, match="questions.errors.already_reported"):
        await questions.participation.report(member(BOB), asked.item.ref, "Again")
    await questions.participation.report(member(CAROL), asked.item.ref, "Me too")
    assert chat.sent[-1].nonce != report.nonce
    with pytest.raises(UserError, match="questions.errors.reason_empty"):
        await questions.participation.report(member(CAROL), asked.item.ref, "   ")
    assert traces_in_file(db_path, BOB) == []
    for trace in traces(BOB):
        assert all(trace not in str(sent.card).encode() for sent in chat.sent)

    await community.setup(GUILD, 1, community_settings(moderation=True))
    moderated = QuestionService(core, community)
    await moderated.participation.report(member(ALICE), asked.item.ref, "Rude")
    report = chat.sent[-1]
    assert report.target.channel_id == MODERATION_CHANNEL
    assert isinstance(report.card, ReportPost) and report.card.facilitator_role_id is None
    assert report.mention_roles == ()


async def test_a_report_that_cannot_be_delivered_is_not_recorded(
    questions: QuestionService, db: Database, chat: RecordingChat, core: Core
) -> None:
    asked = await questions.submissions.ask(member(ALICE), "Report me", None)
    chat.lost_channels.add(ANNOUNCEMENTS_CHANNEL)
    with pytest.raises(UserError, match="questions.errors.report_undeliverable"):
        await questions.participation.report(member(BOB), asked.item.ref, "Off topic")
    assert await rows(db, "SELECT * FROM question_reports") == []
    chat.lost_channels.clear()
    await core.chat.resume(GUILD, [ANNOUNCEMENTS_CHANNEL])  # an admin fixed the channel
    await questions.participation.report(member(BOB), asked.item.ref, "Off topic")  # may try again
    assert len(await rows(db, "SELECT * FROM question_reports")) == 1


# -- member data ---------------------------------------------------------------------------------


async def test_export_and_delete_reach_signed_topics_and_own_votes_only(
    questions: QuestionService, core: Core, community: CommunityService, db: Database
) -> None:
    members = MemberService(core, community)
    members.add_personal_data(questions.records)
    anonymous = await questions.submissions.ask(member(ALICE), "Anonymous question", None)
    await questions.submissions.propose_topic(
        member(ALICE), "Signed topic", "details", anonymous=False
    )
    hidden = await questions.submissions.propose_topic(
        member(ALICE), "Hidden topic", "", anonymous=True
    )
    await questions.participation.toggle_upvote(member(ALICE), anonymous.item.ref)
    await questions.participation.toggle_upvote(member(BOB), anonymous.item.ref)
    await questions.participation.toggle_upvote(member(ALICE), hidden.item.ref)

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
    assert await rows(db, f"SELECT * FROM questions WHERE proposer_id = {ALICE}") == []
    remaining = await questions.top_open(GUILD, 10)
    assert {item.ref: item.upvotes for item in remaining} == {
        anonymous.item.ref: 1,  # Bob's vote stays
        hidden.item.ref: 0,
    }


async def test_erasing_a_member_erases_the_redraws_of_their_signed_topics(
    questions: QuestionService, core: Core, community: CommunityService, db: Database
) -> None:
    """A redraw of a signed topic holds its card, the proposer's id included: it goes with
    the member's data."""
    members = MemberService(core, community)
    members.add_personal_data(questions.records)
    signed = await questions.submissions.propose_topic(member(ALICE), "Signed", "", anonymous=False)
    await questions.moderation.mark_answered(facilitator(), signed.item.ref)  # discussed
    redraws = f"SELECT key FROM timers WHERE key LIKE 'question:{signed.item.ref}:%'"
    assert len(await rows(db, redraws)) == 1
    await members.delete(GUILD, ALICE)
    assert await rows(db, redraws) == []


# -- retention -------------------------------------------------------------------------------------


async def test_retention_erases_handles_after_14_days_idempotently(
    questions: QuestionService,
    clock: ControlledClock,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Run twice, or killed halfway, the result is the same; blocks stay."""
    asked = await questions.submissions.ask(member(ALICE), "Old question", None)
    await questions.participation.report(member(BOB), asked.item.ref, "Reason")
    await questions.moderation.block_author(facilitator(), asked.item.ref)
    await clock.advance(timedelta(days=13))
    fresh = await questions.submissions.ask(member(BOB), "Recent question", None)

    await clock.advance(timedelta(days=1))

    # Killed halfway (after the handles, before the reports): one transaction, so
    # nothing of it stays.
    async def crash(*args: object) -> int:
        raise RuntimeError("killed")

    with monkeypatch.context() as patch:
        patch.setattr(questions_db, "purge_reports_before", crash)
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await questions.records.purge(conn, clock.now())
    assert len(await rows(db, "SELECT id FROM questions WHERE author_handle IS NOT NULL")) == 2

    async with db.transaction() as conn:
        first = await questions.records.purge(conn, clock.now())
    assert first.handles_erased == 1 and first.reports_deleted == 1
    assert first.rate_rows_deleted == 1  # Bob's; Alice's went when Bob asked (out of window)
    async with db.transaction() as conn:
        second = await questions.records.purge(conn, clock.now())
    assert second.model_dump() == {
        "handles_erased": 0,
        "rate_rows_deleted": 0,
        "reports_deleted": 0,
    }
    remaining = await rows(db, "SELECT ref FROM questions WHERE author_handle IS NOT NULL")
    assert remaining == [(fresh.item.ref,)]
    assert len(await rows(db, "SELECT * FROM question_blocks")) == 1


async def test_an_expired_handle_cannot_block_even_before_the_purge(
    questions: QuestionService, clock: ControlledClock, db: Database
) -> None:
    signed = await questions.submissions.propose_topic(
        member(BOB), "Signed topic", "", anonymous=False
    )
    with pytest.raises(UserError, match="questions.errors.signed_not_blockable"):
        await questions.moderation.block_author(facilitator(), signed.item.ref)
    old = await questions.submissions.ask(member(ALICE), "An old question", None)
    await clock.advance(timedelta(days=14))
    with pytest.raises(UserError) as refused:
        await questions.moderation.block_author(facilitator(), old.item.ref)
    assert refused.value.key == "questions.errors.handle_expired"
    assert refused.value.params == {"days": 14}
    async with db.transaction() as conn:  # and after it, the handle is gone for good
        assert (await questions.records.purge(conn, clock.now())).handles_erased == 1
    with pytest.raises(UserError, match="questions.errors.handle_expired"):
        await questions.moderation.block_author(facilitator(), old.item.ref)


async def test_the_one_retention_path_purges_questions_and_retires_daily_timers(
    core: Core, db: Database, clock: ControlledClock
) -> None:
    """The questions purge is a rule of ``RetentionService``; no per-community timer."""
    services = build_services(core)
    questions = services.get(QuestionService)
    await services.get(CommunityService).setup(GUILD, 1, community_settings(moderation=False))
    async with db.transaction() as conn:  # what an earlier version planned every day
        await core.scheduler.schedule(
            conn, GUILD, RETENTION_KIND, f"{RETENTION_KIND}:{GUILD}:2026-11-24", clock.now()
        )
    await questions.submissions.ask(member(ALICE), "Plans no timer of its own", None)
    await clock.advance(timedelta(days=14))
    removed = await services.get(RetentionService).purge()
    assert removed[RETENTION_RULE] == 2  # Alice's handle and her rate row
    assert await rows(db, "SELECT * FROM questions WHERE author_handle IS NOT NULL") == []
    statuses = await rows(db, f"SELECT status FROM timers WHERE kind = '{RETENTION_KIND}'")
    assert statuses == [("cancelled",)]
    assert (await services.get(RetentionService).purge())[RETENTION_RULE] == 0
