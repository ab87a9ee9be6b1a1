"""The forms of ``/ask``, ``/topic propose`` and *Report*, in the member's language.

Each is routed by its action id when submitted, so a form opened before a restart still
goes through after it.
"""

from __future__ import annotations

from bot.chat import ChoiceInput, Form, Option, TextInput, text
from bot.services.questions import ids
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
        title=text("questions.ask.modal_title"),
        inputs=(
            TextInput(
                id="question",
                label=text("questions.ask.question_label"),
                placeholder=text("questions.ask.question_placeholder"),
                style="paragraph",
                max_length=QUESTION_MAX,
            ),
            TextInput(
                id="topic",
                label=text("questions.ask.topic_label"),
                placeholder=text("questions.ask.topic_placeholder"),
                required=False,
                max_length=QUESTION_TOPIC_MAX,
            ),
        ),
    )


def topic_form() -> Form:
    """``/topic propose``: title, details, and whether to sign it (anonymous by default)."""
    return Form(
        action=ids.TOPIC_FORM.build(),
        title=text("questions.topic.modal_title"),
        inputs=(
            TextInput(
                id="title",
                label=text("questions.topic.title_label"),
                placeholder=text("questions.topic.title_placeholder"),
                max_length=TOPIC_TITLE_MAX,
            ),
            TextInput(
                id="details",
                label=text("questions.topic.details_label"),
                style="paragraph",
                required=False,
                max_length=TOPIC_DETAILS_MAX,
            ),
            ChoiceInput(
                id="anonymous",
                label=text("questions.topic.anonymous_label"),
                options=(
                    Option(value="yes", label=text("questions.topic.anonymous_yes"), default=True),
                    Option(value="no", label=text("questions.topic.anonymous_no")),
                ),
            ),
        ),
    )


def report_form(ref: str) -> Form:
    """*Report*: the reason goes to the moderators; the reporter is not named."""
    return Form(
        action=ids.REPORT_FORM.build(ref=ref),
        title=text("questions.report.modal_title"),
        inputs=(
            TextInput(
                id="reason",
                label=text("questions.report.reason_label"),
                placeholder=text("questions.report.reason_placeholder"),
                style="paragraph",
                max_length=REASON_MAX,
            ),
        ),
    )
