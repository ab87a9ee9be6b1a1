"""The two forms, sent detached and routed by ``bot.forms`` so they survive a restart:
``/goal set`` (five inputs, Discord's maximum) and the week's answer.

Their ``custom_id`` formats are kept as they were (``plc:goal:form:<scope>``,
``plc:checkin:answer-form:<checkin>``): a form opened before an upgrade still saves.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.db.goals import Goal
from bot.i18n import Catalog, format_number
from bot.services.checkins import ANSWER_MAX, MAX_TEXT_QUESTIONS, AnswerForm
from bot.services.goals import (
    MEASURE_MAX,
    NUMBER_MAX_CHARS,
    TITLE_MAX,
    GoalScopeChoice,
)
from cogs.toolkit import Choice, CustomId, Field, Form, clip

GOAL_FORM = CustomId("plc:goal:form:{scope}", scope="mine|community")
ANSWER_FORM = CustomId("plc:checkin:answer-form:{checkin_id}")
LABEL_MAX = 45
MODAL_INPUTS = 5  # Discord's most for one form
SELECT_OPTIONS_MAX = 25
GOAL_NUMBER = "goal-"
"""A number input's ``custom_id`` prefix: ``goal-<goal id>``."""
CHOSEN_GOAL = "goal"
PLACEHOLDER_MAX = 100
DUE_MAX = 40
GOAL_FIELDS = {
    "title": TITLE_MAX,
    "measure": MEASURE_MAX,
    "baseline": NUMBER_MAX_CHARS,
    "target": NUMBER_MAX_CHARS,
    "due": DUE_MAX,
}


def goal_form(catalog: Catalog, language: str, scope: GoalScopeChoice) -> Form:
    """Title, how it is measured (with its unit), baseline, target, due date."""

    def text(key: str) -> str:
        return catalog.t(language, f"goals.modal.{key}")

    return Form(
        custom_id=GOAL_FORM.build(scope=scope),
        title=text("title_community" if scope == "community" else "title"),
        fields=[
            Field(
                id=name,
                label=text(f"{name}_label"),
                placeholder=text(f"{name}_placeholder"),
                max_length=limit,
            )
            for name, limit in GOAL_FIELDS.items()
        ],
    )


def answer_form(catalog: Catalog, language: str, form: AnswerForm) -> Form:
    """The week's answer in the member's language, pre-filled when they edit it: a number
    for each open goal (or, when more goals than Discord's five inputs leave room for,
    the goal to choose and one number), then one input per text question."""
    room = MODAL_INPUTS - len(form.questions)
    numbers: list[Field | Choice]
    if not form.goals:
        numbers = [_free_number(catalog, language, form)]
    elif len(form.goals) <= room:
        numbers = [_goal_number(catalog, language, form, goal) for goal in form.goals]
    else:
        numbers = _chosen_goal_number(catalog, language, form)
    return Form(
        custom_id=ANSWER_FORM.build(checkin_id=form.checkin.id),
        title=clip(catalog.t(language, "checkins.modal.title", week=form.checkin.week), LABEL_MAX),
        fields=[*numbers, *_text_questions(catalog, language, form)],
    )


def _free_number(catalog: Catalog, language: str, form: AnswerForm) -> Field:
    """No goal: the number stands alone."""
    existing = form.existing
    return Field(
        id="progress",
        label=clip(catalog.t(language, "checkins.questions.progress"), LABEL_MAX),
        required=False,
        max_length=NUMBER_MAX_CHARS,
        placeholder=clip(catalog.t(language, "checkins.modal.progress_free"), PLACEHOLDER_MAX),
        default=_shown(existing.progress if existing is not None else None, language),
    )


def _goal_hint(catalog: Catalog, language: str, goal: Goal) -> str:
    hint = catalog.t(
        language,
        "checkins.modal.progress_for",
        goal=goal.title,
        measure=goal.measure,
        target=goal.target,
    )
    return clip(hint, PLACEHOLDER_MAX)


def _goal_number(catalog: Catalog, language: str, form: AnswerForm, goal: Goal) -> Field:
    return Field(
        id=f"{GOAL_NUMBER}{goal.id}",
        label=clip(catalog.t(language, "checkins.modal.progress_on", goal=goal.title), LABEL_MAX),
        required=False,
        max_length=NUMBER_MAX_CHARS,
        placeholder=_goal_hint(catalog, language, goal),
        default=_shown(form.numbers.get(goal.id), language),
    )


def _chosen_goal_number(catalog: Catalog, language: str, form: AnswerForm) -> list[Field | Choice]:
    """More goals than room: which goal (the one answered for, else the newest), then its
    number."""
    chosen = next((g for g in form.goals if g.id in form.numbers), form.goals[0])
    return [
        Choice(
            id=CHOSEN_GOAL,
            label=clip(catalog.t(language, "checkins.modal.which_goal"), LABEL_MAX),
            options=[(str(g.id), g.title) for g in form.goals[:SELECT_OPTIONS_MAX]],
            default=str(chosen.id),
        ),
        Field(
            id="progress",
            label=clip(catalog.t(language, "checkins.modal.progress_chosen"), LABEL_MAX),
            required=False,
            max_length=NUMBER_MAX_CHARS,
            placeholder=_goal_hint(catalog, language, chosen),
            default=_shown(form.numbers.get(chosen.id), language),
        ),
    ]


def _text_questions(catalog: Catalog, language: str, form: AnswerForm) -> list[Field]:
    existing = form.existing
    return [
        # A long custom question is cut in the label and shown whole as the placeholder.
        Field(
            id=f"q{index + 1}",
            label=clip(question, LABEL_MAX),
            style="paragraph",
            required=False,
            max_length=ANSWER_MAX,
            placeholder=clip(question, PLACEHOLDER_MAX)
            if len(question) > LABEL_MAX
            else catalog.t(language, "checkins.modal.optional"),
            default=existing.texts[index]
            if existing is not None and index < len(existing.texts)
            else None,
        )
        for index, question in enumerate(form.questions)
    ]


def _shown(value: float | None, language: str) -> str | None:
    """A number as the member may type it back (no thousands separator)."""
    return format_number(value, language, grouping=False) if value is not None else None


class AnswerNumbers(NamedTuple):
    """The numbers of a submitted answer form, as the check-in service takes them."""

    progress: str | None
    goal_id: int | None
    goal_numbers: dict[int, str]


def answer_numbers(values: dict[str, str]) -> AnswerNumbers:
    """The number fields of a submitted answer (any of the three layouts, or a form opened
    before goals could be chosen: ``progress`` alone)."""
    goal_numbers = {
        int(key.removeprefix(GOAL_NUMBER)): value
        for key, value in values.items()
        if key.startswith(GOAL_NUMBER) and key.removeprefix(GOAL_NUMBER).isdigit()
    }
    chosen = values.get(CHOSEN_GOAL, "")
    return AnswerNumbers(
        progress=values.get("progress"),
        goal_id=int(chosen) if chosen.isdigit() else None,
        goal_numbers=goal_numbers,
    )


def answer_texts(values: dict[str, str]) -> list[str]:
    """The submitted answers to the text questions, in order."""
    return [values[f"q{n}"] for n in range(1, MAX_TEXT_QUESTIONS + 1) if f"q{n}" in values]
