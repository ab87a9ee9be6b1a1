"""Every check-in and goal card, reply and form, in each of its variants, renders in French
and in English with a markup that writes references as plain tags: no platform syntax
(``<@…>``, ``<#…>``, ``<t:…>``) comes from the feature itself, no key or value is
missing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.chat import Card, Form, Message
from bot.chat.text import Content
from bot.db.checkins import Answer, Checkin, CheckinSchedule
from bot.db.goals import Goal
from bot.services.checkins import cards, forms, models, replies
from bot.services.checkins.digest_layout import DIGEST_LINES
from bot.services.checkins.goal_models import (
    GoalChart,
    GoalOverview,
    GoalProgress,
    GoalReport,
    NewGoal,
    ProgressSeries,
)
from tests.markup import form_contents, rendered_plainly

WHEN = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
LANGUAGES = ("en", "fr")
MEMBER_TEXT = "a *member's* <@1> `words` [x](y)"


def _checkin(*, pulse: bool, custom: bool, closed: bool = False) -> Checkin:
    return Checkin(
        id=3,
        guild_id=1,
        schedule_id=2,
        week="2026-W48",
        questions=("Tried?", "Q " * 40) if custom else None,
        pulse=pulse,
        channel_id=5,
        message_id=7,
        thread_id=7,
        opened_at=WHEN,
        closes_at=WHEN + timedelta(hours=48),
        status="closed" if closed else "open",
        closed_at=WHEN + timedelta(hours=48) if closed else None,
    )


def _goal(goal_id: int, *, owner: int | None = 9, status: str = "open") -> Goal:
    return Goal(
        id=goal_id,
        guild_id=1,
        scope="member" if owner else "community",
        owner_id=owner,
        title=MEMBER_TEXT,
        measure="% at level 3",
        baseline=40.0,
        target=75.5,
        due_on=date(2027, 6, 15),
        status=status,  # type: ignore[arg-type]
        created_at=WHEN,
        closed_at=None,
    )


def _answer(*, edited: bool, progress: float | None) -> Answer:
    return Answer(
        id=4,
        guild_id=1,
        checkin_id=3,
        user_id=9,
        progress=progress,
        texts=(MEMBER_TEXT, ""),
        help_text="",
        post_message_id=None,
        created_at=WHEN,
        updated_at=WHEN + timedelta(hours=1) if edited else WHEN,
    )


def _digest(*, full: bool, pulse: models.PulseSummary | None) -> models.Digest:
    many = DIGEST_LINES + 3 if full else 0
    goals = [
        GoalProgress(goal=_goal(1), latest=50.0),
        GoalProgress(goal=_goal(2, owner=None), latest=None),
    ]
    return models.Digest(
        checkin=_checkin(pulse=pulse is not None, custom=False, closed=True),
        language="en",
        answered=[9] * many,
        expected=[9] * (many + 1),
        away=[8] if full else [],
        help_requests=[models.HelpRequest(user_id=9, text=MEMBER_TEXT)] * many,
        goals=goals * (many // 2) if full else [],
        unreachable=list(range(100, 160)) if full else [],
        pulse=pulse,
    )


PULSES = (
    None,
    models.PulseSummary(count=2, average=None),
    models.PulseSummary(count=3, average=3.5),
)


def _cards(language: str) -> list[Card]:
    lang = "fr" if language == "fr" else "en"
    found: list[Card] = []
    for pulse in (False, True):
        for custom in (False, True):
            checkin = _checkin(pulse=pulse, custom=custom)
            found += [
                cards.CheckinPrompt(language=lang, checkin=checkin, late=late)
                for late in (False, True)
            ]
    found += [
        cards.ClosedCheckinPrompt(
            language=lang,
            checkin=_checkin(pulse=True, custom=False, closed=True),
            answer_count=2,
            pulse=pulse,
        )
        for pulse in PULSES
    ]
    numbers = [models.ReportedNumber(goal=_goal(1), value=3.5)]
    for author in (None, models.AnswerAuthor(name=MEMBER_TEXT, icon_url="https://x.test/a.png")):
        for edited in (False, True):
            found.append(
                cards.AnswerPost(
                    language=lang,
                    answer=_answer(edited=edited, progress=2.5 if edited else None),
                    questions=None if edited else ("Tried?", "Why?"),
                    numbers=[] if edited else numbers,
                    author=author,
                )
            )
    unposted = _checkin(pulse=False, custom=False).model_copy(update={"message_id": None})
    found += [
        cards.CheckinNudge(language=lang, checkin=checkin, community=name)
        for checkin, name in ((_checkin(pulse=False, custom=False), MEMBER_TEXT), (unposted, None))
    ]
    found.append(cards.NudgeFallback(language=lang, closes_at=WHEN, user_ids=[9, 10]))
    found += [
        cards.CheckinDigest(language=lang, digest=_digest(full=full, pulse=pulse), late=full)
        for full in (False, True)
        for pulse in PULSES
    ]
    return found


def _replies() -> list[Message]:
    schedule = CheckinSchedule(
        id=2,
        guild_id=1,
        weekday=0,
        local_time=time(9, 30),
        questions=None,
        close_after_hours=48,
        pulse=False,
        active=True,
        created_at=WHEN,
    )
    custom = schedule.model_copy(update={"questions": (MEMBER_TEXT, "Next?"), "pulse": True})
    checkin = _checkin(pulse=False, custom=False)
    saved = models.SavedAnswer(
        answer=_answer(edited=False, progress=None),
        checkin=checkin,
        questions=["Tried?", "Why?"],
        language="en",
        numbers=[models.ReportedNumber(goal=_goal(1), value=3.5)],
        created=True,
        posted_in=7,
    )
    weeks = [
        models.WeekEntry(
            checkin_id=i, week=f"2026-W{40 + i}", opened_at=WHEN, status=status, numbers=n
        )
        for i, (status, n) in enumerate(
            (("answered", (3.5, 4.0)), ("away", ()), ("missed", ()), ("open", ()))
        )
    ]
    series = ProgressSeries(goal=_goal(1), start=date(2026, 11, 23), points=[])
    overview = GoalOverview(
        mine=[
            GoalProgress(goal=_goal(1), latest=50.0),
            GoalProgress(goal=_goal(2, status="closed"), latest=None),
        ],
        community=[],
    )
    panels = [
        replies.goals_panel(overview),
        replies.history_panel(
            models.CheckinHistory(streak=2, best_streak=3, answered=1, weeks=weeks)
        ),
        replies.history_panel(models.CheckinHistory(streak=0, best_streak=0, answered=0, weeks=[])),
    ]
    contents: list[Content] = [
        replies.goal_saved(NewGoal(**_goal(1).model_dump(), due_zone="America/Toronto")),
        replies.goal_saved(NewGoal(**_goal(2, owner=None).model_dump(), due_zone="Europe/Paris")),
        *(
            replies.schedule_saved(
                models.ScheduleResult(
                    schedule=s, next_open_at=WHEN, timezone="America/Toronto", gap_days=gaps
                )
            )
            for s, gaps in ((schedule, []), (custom, [date(2027, 3, 14)]))
        ),
        *(
            replies.opened_now(models.OpenedNow(checkin=checkin, schedule=s))
            for s in (None, schedule)
        ),
        replies.answer_saved(saved),
        replies.answer_saved(saved.model_copy(update={"created": False})),
        replies.answer_saved(saved.model_copy(update={"posted_in": None, "post_pending": True})),
        replies.answer_saved(saved.model_copy(update={"posted_in": None})),
    ]
    return [
        *(Message(panels=(panel,)) for panel in panels),
        *(Message(content=content) for content in contents),
        replies.csv_export(models.CsvExport(text="a,b\n", rows=1)),
        replies.csv_export(models.CsvExport(text="", rows=0)),
        replies.chart_message(
            GoalChart(report=GoalReport(member_id=9, series=series, language="en"), png=b"png")
        ),
    ]


def _forms() -> list[Form]:
    checkin = _checkin(pulse=False, custom=True)
    goals = [_goal(i) for i in (1, 2, 3)]
    answer = _answer(edited=False, progress=2.5)
    return [
        forms.goal_form("mine"),
        forms.goal_form("community"),
        *(
            forms.answer_form(
                models.AnswerForm(
                    checkin=checkin,
                    questions=list(checkin.questions or ()),
                    goals=goals[:count],
                    existing=answer,
                    numbers={1: 3.5},
                ),
                "fr",
            )
            for count in (0, 2, 3)
        ),
    ]


def _rendered(contents: list[Content], language: str) -> list[str]:
    return rendered_plainly(contents, language, members_words=MEMBER_TEXT)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_card_renders_in_both_languages(language: str) -> None:
    kinds = set()
    for card in _cards(language):
        message = card.layout()
        assert any(_rendered(list(message.contents()), card.language))
        kinds.add(type(card))
    assert kinds == {
        cards.CheckinPrompt,
        cards.ClosedCheckinPrompt,
        cards.AnswerPost,
        cards.CheckinNudge,
        cards.NudgeFallback,
        cards.CheckinDigest,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_and_form_renders_in_both_languages(language: str) -> None:
    for message in _replies():
        assert any(_rendered(list(message.contents()), language))
    for form in _forms():
        assert all(_rendered(list(form_contents(form)), language))


def test_a_long_digest_counts_what_it_does_not_list() -> None:
    digest = cards.CheckinDigest(language="en", digest=_digest(full=True, pulse=None))
    text = "\n".join(_rendered(list(digest.layout().contents()), "en"))
    assert text.count(f"[member 9]: {MEMBER_TEXT}") == DIGEST_LINES
    assert "…and 3 more" in text and "[member 140]" not in text


@pytest.mark.parametrize(
    ("language", "reported", "unreported"),
    [
        ("en", "50 · target 75.5 (% at level 3) · 28% of the way", "target 75.5 (% at level 3)"),
        ("fr", "50 · cible 75,5 (% at level 3) · 28 % du chemin", "cible 75,5 (% at level 3)"),
    ],
)
def test_the_digest_gives_each_goals_numbers_with_their_unit(
    language: str, reported: str, unreported: str
) -> None:
    """« 55 · cible 75 (43 %) » left the reader to guess what 75 counts and what the 43 %
    is of: the goal's measure follows its numbers, and the share is said to be the way
    from the baseline to the target."""
    digest = _digest(full=False, pulse=None).model_copy(
        update={
            "goals": [
                GoalProgress(goal=_goal(1), latest=50.0),
                GoalProgress(goal=_goal(2, owner=None), latest=None),
            ]
        }
    )
    card = cards.CheckinDigest(language=language, digest=digest)  # type: ignore[arg-type]
    text = "\n".join(_rendered(list(card.layout().contents()), language))
    assert reported in text
    assert unreported in text.split(reported, 1)[1]


@pytest.mark.parametrize(
    ("language", "said"), [("en", "on 14 March 2027, "), ("fr", "le 14 mars 2027, ")]
)
def test_a_schedules_clock_change_days_are_written_in_words(language: str, said: str) -> None:
    """« le 2027-03-14, 2 h 30 n'existe pas » read as a code: the day is the reader's."""
    text = "\n".join(
        line for message in _replies() for line in _rendered(list(message.contents()), language)
    )
    assert said in text and "2027-03-14" not in text
