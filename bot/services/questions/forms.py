"""The forms of ``/ask``, ``/topic propose`` and *Report*, in the member's language.

Each is routed by its action id when submitted, so a form opened before a restart still
goes through after it.
"""

from __future__ import annotations

from bot.chat import ChoiceInput, Form, Option, TextInput
from bot.services.questions import ids
from bot.services.questions.cards import t
from bot.services.questions.models import (
    QUESTION_MAX,
    QUESTION_TOPIC_MAX,
    REASON_MAX,
    TOPIC_DETAILS_MAX,
    TOPIC_TITLE_MAX,
)


def ask_form() -> Form:
    """``/ask``: the question and an optional topic."""
    return Form(
        action=ids.ASK_FORM.build(),
        title=t("ask.modal_title"),
        inputs=(
            TextInput(
                id="question",
                label=t("ask.question_label"),
                placeholder=t("ask.question_placeholder"),
                style="paragraph",
                max_length=QUESTION_MAX,
            ),
            TextInput(
                id="topic",
                label=t("ask.topic_label"),
                placeholder=t("ask.topic_placeholder"),
                required=False,
                max_length=QUESTION_TOPIC_MAX,
            ),
        ),
    )


def topic_form() -> Form:
    """``/topic propose``: title, details, and whether to sign it (anonymous by default)."""
    return Form(
        action=ids.TOPIC_FORM.build(),
        title=t("topic.modal_title"),
        inputs=(
            TextInput(
                id="title",
                label=t("topic.title_label"),
                placeholder=t("topic.title_placeholder"),
                max_length=TOPIC_TITLE_MAX,
            ),
            TextInput(
                id="details",
                label=t("topic.details_label"),
                style="paragraph",
                required=False,
                max_length=TOPIC_DETAILS_MAX,
            ),
            ChoiceInput(
                id="anonymous",
                label=t("topic.anonymous_label"),
                options=(
                    Option(value="yes", label=t("topic.anonymous_yes"), default=True),
                    Option(value="no", label=t("topic.anonymous_no")),
                ),
            ),
        ),
    )


def report_form(ref: str) -> Form:
    """*Report*: the reason goes to the moderators; the reporter is not named."""
    return Form(
        action=ids.REPORT_FORM.build(ref=ref),
        title=t("report.modal_title"),
        inputs=(
            TextInput(
                id="reason",
                label=t("report.reason_label"),
                placeholder=t("report.reason_placeholder"),
                style="paragraph",
                max_length=REASON_MAX,
            ),
        ),
    )
