"""The two forms: ``/goal set`` (five inputs) and the week's answer; and what their
submissions hold.

Their action ids are those earlier versions used (``plc:goal:form:<scope>``,
``plc:checkin:answer-form:<checkin>``): a form opened before an upgrade still saves.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.chat import ChoiceInput, Form, Option, Text, TextInput
from bot.chat.text import Param
from bot.db.goals import Goal
from bot.i18n import Language, format_number
from bot.interactions.routes import CustomId
from bot.services.checkins.answers import ANSWER_MAX
from bot.services.checkins.cards import question_labels
from bot.services.checkins.goal_models import (
    MEASURE_MAX,
    NUMBER_MAX_CHARS,
    TITLE_MAX,
    GoalScopeChoice,
)
from bot.services.checkins.models import AnswerForm
from bot.services.checkins.schedule import MAX_TEXT_QUESTIONS, week_shown

GOAL_FORM = CustomId("plc:goal:form:{scope}", scope="mine|community")
ANSWER_FORM = CustomId("plc:checkin:answer-form:{checkin_id}")
FORM_INPUTS = 5
"""The most inputs a form holds on the tightest platform (Discord)."""
LABEL_ROOM = 45
"""A question longer than a form label holds (Discord: 45) is also shown whole as the
input's placeholder."""
CHOICES_MAX = 25
GOAL_NUMBER = "goal-"
"""A number input's id prefix: ``goal-<goal id>``."""
CHOSEN_GOAL = "goal"
DUE_MAX = 40
GOAL_FIELDS = {
    "title": TITLE_MAX,
    "measure": MEASURE_MAX,
    "baseline": NUMBER_MAX_CHARS,
    "target": NUMBER_MAX_CHARS,
    "due": DUE_MAX,
}


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"checkins.{key}", params=params)


def goal_form(scope: GoalScopeChoice) -> Form:
    """Title, how it is measured (with its unit), baseline, target, due date."""
    return Form(
        action=GOAL_FORM.build(scope=scope),
        title=Text(
            key="goals.modal.title_community" if scope == "community" else "goals.modal.title"
        ),
        inputs=tuple(
            TextInput(
                id=name,
                label=Text(key=f"goals.modal.{name}_label"),
                placeholder=Text(key=f"goals.modal.{name}_placeholder"),
                max_length=limit,
            )
            for name, limit in GOAL_FIELDS.items()
        ),
    )


def answer_form(form: AnswerForm, language: Language) -> Form:
    """The week's answer, pre-filled when the member edits it (numbers written the way
    they type them in ``language``): a number for each open goal (or, when more goals
    than the form has room for, the goal to choose and one number), then one input per
    text question."""
    room = FORM_INPUTS - len(form.questions)
    numbers: list[TextInput | ChoiceInput]
    if not form.goals:
        existing = form.existing.progress if form.existing is not None else None
        numbers = [
            TextInput(
                id="progress",
                label=Text(key="checkins.questions.progress"),
                required=False,
                max_length=NUMBER_MAX_CHARS,
                placeholder=_text("modal.progress_free"),
                default=_typed(existing, language),
            )
        ]
    elif len(form.goals) <= room:
        numbers = [_goal_number(form, goal, language) for goal in form.goals]
    else:
        numbers = _chosen_goal_number(form, language)
    return Form(
        action=ANSWER_FORM.build(checkin_id=form.checkin.id),
        title=_text(
            "modal.title" if form.existing is None else "modal.title_edit",
            monday=week_shown(form.checkin.week),
        ),
        inputs=(*numbers, *_text_questions(form)),
    )


def _goal_hint(goal: Goal) -> Text:
    return _text("modal.progress_for", goal=goal.title, measure=goal.measure, target=goal.target)


def _goal_number(form: AnswerForm, goal: Goal, language: Language) -> TextInput:
    return TextInput(
        id=f"{GOAL_NUMBER}{goal.id}",
        label=_text(
            "modal.progress_community" if goal.scope == "community" else "modal.progress_on",
            goal=goal.title,
            number=goal.id,
        ),
        required=False,
        max_length=NUMBER_MAX_CHARS,
        placeholder=_goal_hint(goal),
        default=_typed(form.numbers.get(goal.id), language),
    )


def _chosen_goal_number(form: AnswerForm, language: Language) -> list[TextInput | ChoiceInput]:
    """More goals than room: which goal (the one answered for, else the newest), then its
    number."""
    chosen = next((g for g in form.goals if g.id in form.numbers), form.goals[0])
    return [
        ChoiceInput(
            id=CHOSEN_GOAL,
            label=_text("modal.which_goal"),
            options=tuple(
                Option(
                    value=str(g.id),
                    label=Text.of("goals.list.named", number=g.id, title=g.title),
                    default=g.id == chosen.id,
                )
                for g in form.goals[:CHOICES_MAX]
            ),
        ),
        TextInput(
            id="progress",
            label=_text("modal.progress_chosen"),
            required=False,
            max_length=NUMBER_MAX_CHARS,
            placeholder=_goal_hint(chosen),
            default=_typed(form.numbers.get(chosen.id), language),
        ),
    ]


def _text_questions(form: AnswerForm) -> list[TextInput]:
    existing = form.existing
    custom = form.checkin.questions
    inputs = []
    for index, label in enumerate(question_labels(custom)):
        long = custom is not None and len(custom[index]) > LABEL_ROOM
        inputs.append(
            TextInput(
                id=f"q{index + 1}",
                label=label,
                style="paragraph",
                required=False,
                max_length=ANSWER_MAX,
                placeholder=label if long else _text("modal.optional"),
                default=existing.texts[index]
                if existing is not None and index < len(existing.texts)
                else None,
            )
        )
    return inputs


def _typed(value: float | None, language: Language) -> str | None:
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
