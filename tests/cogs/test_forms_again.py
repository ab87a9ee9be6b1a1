"""A refused form kept to be opened again: for 15 minutes, a bounded number, filled."""

from __future__ import annotations

from bot.chat import Form, Text
from bot.chat.layout import ChoiceInput, Option, TextInput
from bot.interactions.routes import Router
from cogs.forms_again import KEPT_S, MAX_KEPT, FormsAgain

FORM = Form(
    action="plc:goal:form:mine",
    title=Text(key="goals.form.title"),
    inputs=(
        TextInput(id="title", label=Text(key="goals.form.title")),
        ChoiceInput(
            id="scope",
            label=Text(key="goals.form.title"),
            options=(
                Option(value="mine", label=Text(key="goals.form.title"), default=True),
                Option(value="ours", label=Text(key="goals.form.title")),
            ),
        ),
    ),
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_form_is_filled_with_what_was_typed() -> None:
    again = FORM.filled({"title": "Reading", "scope": "ours"})
    text, choice = again.inputs
    assert isinstance(text, TextInput) and text.default == "Reading"
    assert isinstance(choice, ChoiceInput)
    assert [o.default for o in choice.options] == [False, True]
    assert again.action == FORM.action
    # An input not named keeps what it had (Teams fills only the fields typed).
    assert FORM.filled({"title": "Reading"}).inputs[1] == FORM.inputs[1]


def test_a_refused_form_is_kept_for_fifteen_minutes_and_for_its_member() -> None:
    clock = Clock()
    forms = FormsAgain(Router(), clock)
    assert forms.refused(1, FORM.action, {}) is None  # never opened here (a restart)
    forms.opened(1, FORM)
    assert forms.refused(2, FORM.action, {}) is None  # another member's
    clock.now = KEPT_S + 1
    assert forms.refused(1, FORM.action, {}) is None  # too old
    forms.opened(1, FORM)
    button = forms.refused(1, FORM.action, {"title": "x"})
    assert button is not None and button.startswith("plc:form-again:")


def test_at_most_a_few_thousand_are_kept() -> None:
    forms = FormsAgain(Router(), Clock())
    for user in range(MAX_KEPT + 1):
        forms.opened(user, FORM)
    assert forms.refused(0, FORM.action, {}) is None  # the oldest went
    assert forms.refused(MAX_KEPT, FORM.action, {}) is not None
