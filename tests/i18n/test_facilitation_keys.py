"""Every ``facilitation.*`` message the code uses exists in both catalogs: the literal keys
of the services and cogs, and every card rendered in each of its variants, in French and
in English (a missing key would reach a member as "something went wrong")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import get_args

import pytest

from bot.chat import Card, Message
from bot.db.actions import ActionItem
from bot.i18n import load_catalog
from bot.services import facilitation_cards as cards
from bot.services import rotation_cards
from bot.services.actions import ActionList
from bot.services.rotation_models import RotationEntry, RotationView, UpcomingAssignment
from bot.services.session_summary import (
    SessionSummary,
    SummaryAction,
    SummaryEntry,
    SummaryStep,
    SummaryTurns,
)
from cogs.render import Renderer
from cogs.sessions import render_open, render_steps, render_summary

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *(ROOT / "bot" / "services").glob("*.py"),
    *(ROOT / "cogs" / "sessions").glob("*.py"),
]
LITERAL = re.compile(r'"(facilitation\.[a-z_]+\.[a-z_]+)"')
WHEN = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)


def test_every_literal_key_exists() -> None:
    catalog = load_catalog()
    used = {key for file in SOURCES for key in LITERAL.findall(file.read_text(encoding="utf-8"))}
    assert len(used) > 60
    assert sorted(key for key in used if not catalog.has(key)) == []


def _summary(language: str, *, early: bool) -> SessionSummary:
    step = SummaryStep(number=1, title="Step", mode="round")
    entry = SummaryEntry(text="text [x](y)", author_id=None, step_number=1)
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
        covered=(step,),
        not_reached=(step,) if early else (),
        notes=(entry,),
        decisions=(entry,),
        actions=(SummaryAction(action_id=1, text="a", owner_id=2, due_on=date(2026, 12, 10)),),
        turns=(SummaryTurns(user_id=1, spoke=1, passed=0),),
    )


def _cards(language: str) -> list[Card]:
    lang = "fr" if language == "fr" else "en"
    session = {"language": lang, "session_id": 1}
    step = {**session, "step_index": 0, "step_title": "t"}
    action = {"action_id": 1, "text": "a", "owner_id": 1}
    found: list[Card] = [
        rotation_cards.RotationNotice(
            language=lang, reason=reason, meeting_title="CAP", starts_at=WHEN, user_id=1
        )
        for reason in get_args(cards.NoticeReason)
    ]
    for in_channel in (False, True):
        found += [
            rotation_cards.FacilitatorOffer(
                language=lang,
                guild_id=1,
                occurrence_id=1,
                user_id=1,
                meeting_title="CAP",
                starts_at=WHEN,
                answer_by=WHEN,
                in_channel=in_channel,
            ),
            cards.ActionReminder(
                language=lang,
                guild_id=1,
                **action,
                due_on=date(2026, 12, 10),
                in_channel=in_channel,
            ),
        ]
    outline = cards.StepOutline(number=1, title="t", minutes=5, mode="round")
    found += [
        cards.SessionOpened(**session, protocol_name="p", facilitator_id=1, meeting_title=meeting)
        for meeting in (None, "CAP")
    ]
    found += [
        cards.SessionOverview(
            **session,
            protocol_name="p",
            overview="o",
            steps=(outline, outline.model_copy(update={"mode": "discussion"})),
            client_id=2,
            total_minutes=10,
        ),
        cards.ActionReview(
            **session,
            items=(cards.ReviewItem(**action, due_on=date(2026, 12, 1), carried_count=1),),
            part=1,
            parts=2,
        ),
        cards.QuestionsAgenda(
            **session,
            items=tuple(
                cards.AgendaItem(item_id=i, number=i, kind=k, text="q", upvotes=2)
                for i, k in ((1, "question"), (2, "topic"))
            ),
        ),
        cards.OpeningControl(**session, first_step_title="t", reviewed_actions=0, agenda_items=0),
        cards.TurnPrompt(**step, turn_index=0, turn_count=2, user_id=1, question="q"),
        cards.StepExtended(**step, extra_minutes=2, ends_at=WHEN),
        cards.ActionPosted(**session, **action, due_on=None),
        cards.QuestionDiscussed(**session, number=None, text="q"),
    ]
    found += [
        cards.StepStarted(
            **session,
            step_index=0,
            step_count=2,
            title="t",
            prompt="p",
            minutes=5,
            mode=mode,  # type: ignore[arg-type]
            ends_at=WHEN,
            question="q",
            client_id=2,
            round_size=2,
            is_last=last,
        )
        for mode in ("discussion", "round")
        for last in (False, True)
    ]
    found += [
        cards.RoundComplete(**step, is_last=last, empty=empty)
        for last, empty in ((False, False), (True, False), (False, True))
    ]
    found += [
        cards.TimeNotice(**step, phase=phase, ends_at=WHEN, late=True)
        for phase in get_args(cards.TimePhase)
    ]
    found += [
        cards.EntryPosted(**session, kind=kind, text="x", author_id=1)  # type: ignore[arg-type]
        for kind in ("note", "decision")
    ]
    found += [
        cards.ReviewAnswered(**session, **action, outcome=outcome, by_user_id=2)
        for outcome in get_args(cards.ReviewOutcome)
    ]
    found += [
        cards.SessionEnded(language=lang, summary=_summary(lang, early=early))
        for early in (False, True)
    ]
    return found


LAID_OUT = {rotation_cards.RotationNotice, rotation_cards.FacilitatorOffer}
RENDERERS = {
    cards.SessionOpened: render_open.opened,
    cards.SessionOverview: render_open.overview,
    cards.ActionReview: render_open.review,
    cards.QuestionsAgenda: render_open.agenda,
    cards.OpeningControl: render_open.opening_control,
    cards.StepStarted: render_steps.step,
    cards.TurnPrompt: render_steps.turn,
    cards.RoundComplete: render_steps.round_complete,
    cards.TimeNotice: render_steps.time_notice,
    cards.StepExtended: render_steps.extended,
    cards.EntryPosted: render_steps.entry,
    cards.ActionPosted: render_steps.action,
    cards.ReviewAnswered: render_steps.review_answered,
    cards.QuestionDiscussed: render_steps.question_discussed,
    cards.SessionEnded: render_summary.summary,
    cards.ActionReminder: render_summary.reminder,
}


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_every_card_renders_in_both_languages(language: str) -> None:
    catalog = load_catalog()
    rendered_types = set()
    for card in _cards(language):
        if type(card) in LAID_OUT:
            rendered = Renderer(catalog, card.language).message(card.layout())
        else:
            rendered = RENDERERS[type(card)](card, catalog)  # type: ignore[operator]
        assert rendered.content or rendered.embeds
        rendered_types.add(type(card))
    assert rendered_types == set(RENDERERS) | LAID_OUT


@pytest.mark.parametrize("language", ["en", "fr"])
def test_rotation_show_and_action_lists_render(language: str) -> None:
    catalog = load_catalog()
    lang = "fr" if language == "fr" else "en"
    entry = RotationEntry(
        user_id=1,
        times_assigned=2,
        last_assigned_at=None,
        away=True,
        first_in_line=True,
        next_up=True,
    )
    statuses = [*get_args(get_args(UpcomingAssignment.model_fields["status"].annotation)[0]), None]
    upcoming = tuple(
        UpcomingAssignment(
            occurrence_id=i, meeting_title="CAP", starts_at=WHEN, user_id=1, status=status
        )
        for i, status in enumerate(statuses)
    )
    for view in (
        RotationView(line=(entry,), next_user_id=1, upcoming=upcoming),
        RotationView(line=(), next_user_id=None, upcoming=()),
    ):
        panel = rotation_cards.rotation_panel(view)
        rendered = Renderer(catalog, lang).message(Message(panels=(panel,)))
        assert rendered.embeds[0].title
    item = ActionItem(
        id=1,
        guild_id=1,
        session_id=None,
        text="a",
        owner_id=1,
        due_on=date(2026, 12, 10),
        status="open",
        created_by=1,
        created_at=WHEN,
        done_at=None,
        reviewed_in=None,
        carried_count=0,
    )
    for status in ("open", "carried", "done"):
        for scope in ("mine", "all"):
            listing = ActionList(
                page=2,
                pages=3,
                total=30,
                scope=scope,  # type: ignore[arg-type]
                items=(item.model_copy(update={"status": status}),) * 10,
                include_done=True,
                markable=frozenset({1}),
            )
            embed, _ = render_summary.action_list(listing, catalog, lang)
            assert embed.description and embed.footer.text
    empty = ActionList(page=1, pages=1, total=0, scope="mine", items=(), include_done=False)
    assert render_summary.action_list(empty, catalog, lang)[1] is None
