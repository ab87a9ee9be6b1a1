"""Every facilitation message, in every variant, renders in French and in English without
a trace of a chat platform's syntax: each card and reply layout of the feature is built
and rendered with a markup that writes references as bracketed words, so a mention or a
timestamp written into a catalog or a layout (``<@…>``, ``<#…>``, ``<t:…>``) would show,
and a missing key or placeholder fails here rather than in front of a member."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import get_args

import pytest

from bot.chat import Card, Message
from bot.chat.text import Content
from bot.db.facilitation.actions import ActionItem
from bot.db.facilitation.rotation import ASSIGNMENT_STATUSES
from bot.db.facilitation.sessions import SessionRow
from bot.i18n import LANGUAGES, Language, load_catalog
from bot.protocols import load_builtin
from bot.services.facilitation import SessionStarted
from bot.services.facilitation.actions import cards as action_cards
from bot.services.facilitation.actions.cards import ActionReminder
from bot.services.facilitation.actions.replies import action_list
from bot.services.facilitation.actions.service import ActionList, RecordedAction
from bot.services.facilitation.practices.interface import practice_file
from bot.services.facilitation.rotation import cards as rotation_cards
from bot.services.facilitation.rotation.models import (
    NoticeReason,
    RotationEntry,
    RotationView,
    ToldReason,
    UpcomingAssignment,
)
from bot.services.facilitation.sessions import cards, replies
from bot.services.facilitation.sessions.buttons import action_form
from bot.services.facilitation.sessions.summary import (
    SessionSummary,
    SummaryAction,
    SummaryEntry,
    SummaryStep,
    SummaryTurns,
)
from tests.markup import form_contents, rendered_plainly

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "bot" / "services" / "facilitation").rglob("*.py"))
LITERAL = re.compile(r'"(facilitation\.[a-z_]+\.[a-z_]+)"')
WHEN = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
LANGS: tuple[Language, ...] = ("en", "fr")


def test_every_literal_key_exists() -> None:
    catalog = load_catalog()
    used = {key for file in SOURCES for key in LITERAL.findall(file.read_text(encoding="utf-8"))}
    assert len(used) > 60
    assert sorted(key for key in used if not catalog.has(key)) == []


def _summary(language: str, *, early: bool) -> SessionSummary:
    step = SummaryStep(number=1, title="Step", mode="round")
    entry = SummaryEntry(text="text [x](y)", author_id=None, step_number=1)
    signed = entry.model_copy(update={"author_id": 3})
    return SessionSummary(
        session_id=1,
        language=language,
        protocol_id="codev",
        protocol_name="Codev",
        meeting_title="CAP",
        started_at=WHEN,
        ended_at=WHEN,
        facilitator_id=1,
        client_id=2,
        participants=(1, 2),
        covered=(step,) if not early else (),
        not_reached=(step,) if early else (),
        notes=(entry, signed),
        decisions=(signed,),
        actions=(
            SummaryAction(action_id=1, text="a", owner_id=2, due_on=date(2026, 12, 10)),
            SummaryAction(action_id=2, text="b", owner_id=None, due_on=None),
        ),
        turns=(SummaryTurns(user_id=1, spoke=1, passed=0),),
    )


def _rotation_cards(lang: Language) -> list[Card]:
    found: list[Card] = [
        rotation_cards.RotationNotice(
            language=lang,
            reason=reason,
            meeting_title="CAP",
            starts_at=WHEN,
            user_id=user,
            occurrence_id=occurrence,
        )
        for reason in get_args(NoticeReason)
        for user in (1, None)
        for occurrence in (7, None)
    ]
    found.append(
        rotation_cards.TakenNotice(language=lang, user_id=1, meeting_title="CAP", starts_at=WHEN)
    )
    found += [
        rotation_cards.RotationTold(
            language=lang,
            reason=reason,
            user_id=1,
            by_user_id=2,
            meeting_title="CAP",
            starts_at=WHEN,
            in_channel=in_channel,
        )
        for reason in get_args(ToldReason)
        for in_channel in (False, True)
    ]
    found += [
        rotation_cards.FacilitatorOffer(
            language=lang,
            guild_id=1,
            occurrence_id=1,
            user_id=1,
            meeting_title="CAP",
            starts_at=WHEN,
            answer_by=answer_by,
            in_channel=in_channel,
        )
        for in_channel in (False, True)
        for answer_by in (WHEN, None)
    ]
    found += [
        rotation_cards.AnsweredOffer(
            language=lang,
            user_id=1,
            meeting_title="CAP",
            starts_at=WHEN,
            accepted=accepted,
            passed_on=passed_on,
            in_channel=in_channel,
        )
        for in_channel in (False, True)
        for accepted in (False, True)
        for passed_on in (False, True)
    ]
    return found


def _opening_cards(lang: Language) -> list[Card]:
    session = {"language": lang, "session_id": 1}
    outline = cards.StepOutline(number=1, title="t", minutes=5, mode="round")
    review = cards.ReviewItem(
        action_id=1, text="a", owner_id=1, due_on=date(2026, 12, 1), carried_count=1
    )
    found: list[Card] = [
        cards.SessionOpened(
            **session, protocol_name="p", facilitator_id=who, meeting_title=title, ended=ended
        )
        for title in (None, "CAP")
        for who in (1, None)
        for ended in (False, True)
    ]
    found += [
        cards.SessionOverview(
            **session,
            protocol_name="p",
            overview="o",
            steps=(outline, outline.model_copy(update={"mode": "discussion"})),
            client_id=client,
            total_minutes=10,
        )
        for client in (2, None)
    ]
    found += [
        cards.ActionReview(
            **session,
            items=(review, review.model_copy(update={"due_on": None, "carried_count": 0})),
            part=1,
            parts=parts,
            retired=retired,
        )
        for parts in (1, 2)
        for retired in (False, True)
    ]
    found += [
        cards.QuestionsAgenda(
            **session,
            items=tuple(
                cards.AgendaItem(item_id=i, number=n, kind=k, text="q", upvotes=2)
                for i, n, k in ((1, 1, "question"), (2, None, "topic"))
            ),
            retired=retired,
        )
        for retired in (False, True)
    ]
    found += [
        cards.OpeningControl(**session, first_step_title="t", reviewed_actions=n, agenda_items=0)
        for n in (0, 2)
    ]
    found += [cards.OpeningBegun(**session, first_step_title="t", ended=e) for e in (False, True)]
    return found


def _step_cards(lang: Language) -> list[Card]:
    session = {"language": lang, "session_id": 1}
    step = {**session, "step_index": 0, "step_title": "t"}
    found: list[Card] = [
        cards.StepStarted(
            **session,
            step_index=0,
            step_count=2,
            title="t",
            prompt="p",
            minutes=5,
            mode=mode,
            ends_at=WHEN,
            question=question,
            client_id=client,
            round_size=2,
            is_last=last,
            retired=retired,
        )
        for mode in get_args(cards.StepOutline.model_fields["mode"].annotation)
        for last in (False, True)
        for question, client in (("q", 2), (None, None))
        for retired in (False, True)
    ]
    found += [
        cards.TurnPrompt(
            **step, turn_index=0, turn_count=2, user_id=1, question=question, over=over
        )
        for question in ("q", None)
        for over in (None, *get_args(cards.TurnEnd))
    ]
    found += [
        cards.RoundComplete(**step, is_last=last, empty=empty)
        for last, empty in ((False, False), (True, False), (False, True))
    ]
    found.append(cards.RoundJoined(**step, user_id=3, turn_count=3))
    found += [
        cards.TimeNotice(**step, phase=phase, ends_at=WHEN, late=late)
        for phase in get_args(cards.TimePhase)
        for late in (False, True)
    ]
    found.append(cards.StepExtended(**step, extra_minutes=2, ends_at=WHEN))
    return found


def _entry_cards(lang: Language) -> list[Card]:
    session = {"language": lang, "session_id": 1}
    action = {"action_id": 1, "text": "a", "owner_id": 1}
    found: list[Card] = [
        cards.EntryPosted(**session, kind=kind, text="x", author_id=author)
        for kind in ("note", "decision")
        for author in (1, None)
    ]
    found += [
        cards.ActionPosted(**session, **action, due_on=due) for due in (None, date(2026, 12, 10))
    ]
    found += [
        cards.ReviewAnswered(**session, **action, outcome=outcome, by_user_id=2)
        for outcome in get_args(cards.ReviewOutcome)
    ]
    found += [cards.QuestionDiscussed(**session, number=n, text="q") for n in (None, 3)]
    found += [
        cards.SessionEnded(language=lang, summary=_summary(lang, early=early))
        for early in (False, True)
    ]
    found += [
        ActionReminder(
            language=lang,
            guild_id=1,
            **action,
            due_on=date(2026, 12, 10),
            in_channel=in_channel,
        )
        for in_channel in (False, True)
    ]
    return found


def _cards(lang: Language) -> list[Card]:
    return [*_rotation_cards(lang), *_opening_cards(lang), *_step_cards(lang), *_entry_cards(lang)]


def _card_types() -> set[type[Card]]:
    """Every card class the feature defines."""
    modules = (
        rotation_cards,
        action_cards,
        cards.opening,
        cards.steps,
        cards.entries,
        cards.summary,
    )
    return {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Card)
        and value.__module__.startswith("bot.services.facilitation")
    }


@pytest.mark.parametrize("language", LANGS)
def test_every_card_renders_in_both_languages_without_platform_syntax(language: Language) -> None:
    built = _cards(language)
    for card in built:
        shown = rendered_plainly(card.layout().contents(), language)
        assert any(shown), card
    assert {type(card) for card in built} == _card_types()


def test_the_feature_has_the_seventeen_session_cards_and_the_rotations() -> None:
    names = {kind.__name__ for kind in _card_types()}
    assert names == {
        "SessionOpened",
        "SessionOverview",
        "ActionReview",
        "QuestionsAgenda",
        "OpeningControl",
        "OpeningBegun",
        "StepStarted",
        "TurnPrompt",
        "RoundComplete",
        "RoundJoined",
        "TimeNotice",
        "StepExtended",
        "EntryPosted",
        "ActionPosted",
        "ReviewAnswered",
        "QuestionDiscussed",
        "SessionEnded",
        "ActionReminder",
        "FacilitatorOffer",
        "AnsweredOffer",
        "RotationNotice",
        "TakenNotice",
        "RotationTold",
    }


def _action(status: str) -> ActionItem:
    return ActionItem(
        id=1,
        guild_id=1,
        session_id=None,
        text="a",
        owner_id=1,
        due_on=date(2026, 12, 10),
        status=status,  # type: ignore[arg-type]
        created_by=1,
        created_at=WHEN,
        done_at=None,
        reviewed_in=None,
        carried_count=0,
    )


def _action_lists() -> Iterator[Message]:
    for status in ("open", "carried", "done"):
        for scope in ("mine", "all"):
            yield action_list(
                ActionList(
                    page=2,
                    pages=3,
                    total=30,
                    scope=scope,  # type: ignore[arg-type]
                    items=(_action(status),) * 10,
                    include_done=True,
                    markable=frozenset({1}),
                )
            )
    yield action_list(
        ActionList(page=1, pages=1, total=0, scope="mine", items=(), include_done=False)
    )


def _rotation_views() -> Iterator[Message]:
    entry = RotationEntry(
        user_id=1,
        times_assigned=2,
        away=True,
        first_in_line=True,
        next_up=True,
    )
    statuses = [*ASSIGNMENT_STATUSES, None]
    upcoming = tuple(
        UpcomingAssignment(
            occurrence_id=i, meeting_title="CAP", starts_at=WHEN, user_id=user, status=status
        )
        for i, status in enumerate(statuses)
        for user in (1, None)
    )
    for view in (
        RotationView(line=(entry,), next_user_id=1, upcoming=upcoming),
        RotationView(line=(), next_user_id=None, upcoming=()),
    ):
        yield Message(panels=(rotation_cards.rotation_panel(view),))


def _session(step_index: int) -> SessionRow:
    plc = next(p for p in load_builtin() if p.id == "plc")
    return SessionRow(
        guild_id=1,
        occurrence_id=None,
        meeting_title=None,
        protocol_id="plc",
        protocol=plc.model_dump(mode="json"),
        language="en",
        client_id=None,
        channel_id=5,
        id=1,
        facilitator_id=1,
        thread_id=6,
        status="live",
        step_index=step_index,
        step_started_at=WHEN,
        extra_minutes=4,
        round_order=(),
        turn_index=0,
        current_speaker=None,
        question=None,
        version=1,
        posts=0,
        started_at=WHEN,
        ended_at=None,
        summary=None,
    )


def _replies(language: Language) -> Iterator[Content]:
    session = _session(0)
    yield replies.started(
        SessionStarted(session=session, protocol_name="p", reviewed_actions=2), language
    )
    yield replies.moved(session, language)
    yield replies.extended(session)
    yield replies.ended(_summary(language, early=False))
    recorded = RecordedAction(**_action("open").model_dump(), due_zone="America/Toronto")
    yield replies.action_recorded(recorded)
    yield replies.action_recorded(recorded.model_copy(update={"due_on": None}))


@pytest.mark.parametrize("language", LANGS)
def test_replies_lists_and_the_form_render_in_both_languages(language: Language) -> None:
    messages = [*_action_lists(), *_rotation_views(), practice_file("# log\n")]
    for message in messages:
        assert any(rendered_plainly(message.contents(), language))
    assert all(rendered_plainly(_replies(language), language))
    assert all(rendered_plainly(form_contents(action_form(1)), language))


def test_an_action_list_gives_a_done_button_to_each_action_the_member_may_close() -> None:
    listing = next(_action_lists())
    [done, paging] = listing.rows
    # Each names the page it is on (scope, done shown, page): its click shows it again.
    assert [b.action for b in done] == ["plc:act:done:1:1:mine:1:2"] * 10
    assert [b.action for b in paging] == ["plc:act:page:mine:1:1", "plc:act:page:mine:1:3"]


def test_languages_are_the_catalogs() -> None:
    assert set(LANGS) == set(LANGUAGES)
