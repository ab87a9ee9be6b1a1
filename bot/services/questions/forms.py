"""The forms of ``/ask``, ``/topic propose`` and *Report*, in the member's language.

Each is routed by its action id when submitted, so a form opened before a restart still
goes through after it.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from bot.chat import ChoiceInput, Form, Option, TextInput, text
from bot.services.questions import ids
from bot.services.questions.models import (
    QUESTION_MAX,
    QUESTION_TOPIC_MAX,
    REASON_MAX,
    TOPIC_DETAILS_MAX,
    TOPIC_TITLE_MAX,
)


# The same for everyone: built once, and so rendered once per language.
@cache
def ask_form() -> Form:
    """``/ask``: the question and an optional topic."""
    return Form(
        action=ids.ASK_FORM.build(),
        title=text("questions.ask.modal_title"),
        inputs=(
            _text_input("ask", "question", QUESTION_MAX, style="paragraph"),
            _text_input("ask", "topic", QUESTION_TOPIC_MAX, required=False),
        ),
    )


def topic_form() -> Form:
    """``/topic propose``: title, details, and whether to sign it (anonymous by default)."""
    return Form(
        action=ids.TOPIC_FORM.build(),
        title=text("questions.topic.modal_title"),
        inputs=(
            _text_input("topic", "title", TOPIC_TITLE_MAX),
            TextInput(  # the details have no example text
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
        inputs=(_text_input("report", "reason", REASON_MAX, style="paragraph"),),
    )


def _text_input(
    form: str,
    name: str,
    max_length: int,
    *,
    style: Literal["short", "paragraph"] = "short",
    required: bool = True,
) -> TextInput:
    """The input ``name`` of a form, labelled by ``questions.<form>.<name>_label`` and
    showing the example ``questions.<form>.<name>_placeholder``."""
    return TextInput(
        id=name,
        label=text(f"questions.{form}.{name}_label"),
        placeholder=text(f"questions.{form}.{name}_placeholder"),
        style=style,
        required=required,
        max_length=max_length,
    )
