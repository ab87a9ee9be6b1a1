"""The two forms, sent detached and routed by ``bot.forms`` so they survive a restart:
``/goal set`` (five inputs, Discord's maximum) and the week's answer.

Their ``custom_id`` formats are kept as they were (``plc:goal:form:<scope>``,
``plc:checkin:answer-form:<checkin>``): a form opened before an upgrade still saves.
"""

from __future__ import annotations

from bot.i18n import Catalog, format_number
from bot.services.checkins import ANSWER_MAX, MAX_TEXT_QUESTIONS, AnswerForm
from bot.services.goals import (
    MEASURE_MAX,
    NUMBER_MAX_CHARS,
    TITLE_MAX,
    GoalScopeChoice,
)
from cogs.toolkit import CustomId, Field, Form, clip

GOAL_FORM = CustomId("plc:goal:form:{scope}", scope="mine|community")
ANSWER_FORM = CustomId("plc:checkin:answer-form:{checkin_id}")
LABEL_MAX = 45
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
    """The week's answer: the optional number, then one input per text question, in the
    member's language; pre-filled with their answer when they edit it."""
    existing = form.existing
    if form.goal is not None:
        hint = catalog.t(
            language,
            "checkins.modal.progress_for",
            goal=form.goal.title,
            measure=form.goal.measure,
            target=form.goal.target,
        )
    else:
        hint = catalog.t(language, "checkins.modal.progress_free")
    fields = [
        Field(
            id="progress",
            label=clip(catalog.t(language, "checkins.questions.progress"), LABEL_MAX),
            required=False,
            max_length=NUMBER_MAX_CHARS,
            placeholder=clip(hint, PLACEHOLDER_MAX),
            default=format_number(existing.progress, language, grouping=False)
            if existing is not None and existing.progress is not None
            else None,
        )
    ]
    for index, question in enumerate(form.questions):
        # A long custom question is cut in the label and shown whole as the placeholder.
        fields.append(
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
        )
    return Form(
        custom_id=ANSWER_FORM.build(checkin_id=form.checkin.id),
        title=clip(catalog.t(language, "checkins.modal.title", week=form.checkin.week), LABEL_MAX),
        fields=fields,
    )


def answer_texts(values: dict[str, str]) -> list[str]:
    """The submitted answers to the text questions, in order."""
    return [values[f"q{n}"] for n in range(1, MAX_TEXT_QUESTIONS + 1) if f"q{n}" in values]
