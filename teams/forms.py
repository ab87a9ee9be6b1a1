"""Forms as Adaptive Cards with inputs: a feature's :class:`~bot.chat.layout.Form`, and the
form of a command typed without the options it needs.

Teams opens a dialog (task module) only from an ``Action.Submit``; an ``Action.Execute``
(every button of the bot) can only answer with a card. So a form opened by a click is
shown in place of the clicked card, for the member who clicked; a form a command asks
for is sent to the member's 1:1 chat with the bot. Its submit button is an
``Action.Execute`` whose data name what it runs (:data:`FORM` the form's action id,
:data:`COMMAND` the command) and whom it is for; Teams adds the inputs' values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.chat.layout import ChoiceInput, Form, TextInput
from bot.interactions.commands import Command, Option
from bot.interactions.help import command_text
from bot.interactions.suggest import chosen
from teams.render import ACTION_KEY, JSON, TEAM_KEY, CardRenderer, adaptive_card, clip

FORM = "plc.form"
"""The verb of a feature form's submit button; ``plc.form`` in its data is the form's action."""
COMMAND = "plc.command"
"""The verb of a command form's submit button; ``plc.command`` in its data is the command."""
FOR = "plc.for"
"""Whom the form is for (the member's number): nobody else may submit it."""
WHERE = "plc.where"
"""The conversation the command was typed in (where public answers go)."""
TEAM = TEAM_KEY
"""The community a form sent to the 1:1 chat acts in."""
RESERVED = frozenset({FORM, COMMAND, FOR, TEAM, WHERE, ACTION_KEY})
CHOICES_MAX = 100
"""Teams shows a long choice list, but a card has a size limit: a longer roster is typed."""


def filled_as_typed(renderer: CardRenderer, form: Form, typed: Mapping[str, str]) -> Form:
    """``form`` filled with what was typed after its command (``goal set title:…``): a
    choice by its value or the start of its label in the member's language (``non``)."""
    values = dict(typed)
    for item in form.inputs:
        if isinstance(item, ChoiceInput) and item.id in values:
            values[item.id] = _chosen(renderer, item, values[item.id])
    return form.filled(values)


def _chosen(renderer: CardRenderer, item: ChoiceInput, typed: str) -> str:
    """The value of the option ``typed`` names: its value, its label as the member reads
    it, or the start of that label when only one option's starts so; as typed when none
    does, or several (the form then asks)."""
    found = chosen(typed, ((o.value, (o.value,), (renderer.text(o.label),)) for o in item.options))
    return found[0] if len(found) == 1 else typed


def form_card(renderer: CardRenderer, form: Form, data: JSON) -> JSON:
    """A feature's form; ``data`` goes back with the values when it is submitted.

    Teams sends only the inputs that hold something, over the submit button's data: an
    empty ``""`` for each text input in that data makes one left (or made) empty arrive
    as ``""``, as a Discord form sends it. Without it, an answer whose last question was
    left blank would reach the feature one value short.
    """
    body = renderer.blocks(renderer.text(form.title), weight="bolder", size="medium")
    for item in form.inputs:
        body.append(
            _choice(renderer, item) if isinstance(item, ChoiceInput) else _text(renderer, item)
        )
    empty = {item.id: "" for item in form.inputs if isinstance(item, TextInput)}
    return adaptive_card([*body, _submit(renderer, FORM, empty | data)])


def _text(renderer: CardRenderer, item: TextInput) -> JSON:
    found: JSON = {
        "type": "Input.Text",
        "id": item.id,
        "label": renderer.text(item.label),
        "isRequired": item.required,
    }
    if item.style == "paragraph":
        found["isMultiline"] = True
    if item.max_length is not None:
        found["maxLength"] = item.max_length
    if item.default is not None:
        found["value"] = item.default
    if item.placeholder is not None:
        found["placeholder"] = renderer.text(item.placeholder)
    if item.required:
        found["errorMessage"] = renderer.t("form.required")
    return found


def _choice(renderer: CardRenderer, item: ChoiceInput) -> JSON:
    found: JSON = {
        "type": "Input.ChoiceSet",
        "id": item.id,
        "label": renderer.text(item.label),
        "style": "compact",
        "isRequired": True,
        "errorMessage": renderer.t("form.required"),
        "choices": [
            {"title": clip(renderer.text(option.label), 100), "value": option.value}
            for option in item.options
        ],
    }
    chosen = [option.value for option in item.options if option.default]
    if chosen:
        found["value"] = chosen[0]
    return found


def _submit(renderer: CardRenderer, verb: str, data: JSON) -> JSON:
    action = {
        "type": "Action.Execute",
        "title": renderer.t("form.submit"),
        "verb": verb,
        "data": data,
    }
    return {"type": "ActionSet", "actions": [action]}


# -- a command's options as a form ----------------------------------------------------------


def command_form(
    renderer: CardRenderer,
    title: str,
    command: Command,
    data: JSON,
    *,
    given: dict[str, Any],
    offered: Mapping[str, Sequence[tuple[str, str]]],
) -> JSON:
    """The command's options as inputs (what was typed already filled in); ``offered``
    gives (value, name) pairs to choose from, by option (the team's members for a member,
    its channels for a channel, an autocomplete's suggestions)."""
    body = renderer.blocks(f"**{title}**", size="medium")
    described = command_text(command.description, renderer.catalog, renderer.language)
    body += renderer.blocks(renderer.text(described), isSubtle=True)
    for option in shown_options(command):
        choices = offered.get(option.name, ())
        body.append(_option_input(renderer, option, given.get(option.name), choices))
    return adaptive_card([*body, _submit(renderer, COMMAND, data)])


def shown_options(command: Command) -> tuple[Option, ...]:
    """The options a form asks for: those Teams has something to give for. Teams has no
    roles (the team's owners facilitate) and no voice or stage channels (a meeting's
    place there is its link), so such an option is left out (typed anyway, it is refused
    with a sentence saying why)."""
    return tuple(option for option in command.options if not unanswerable(option))


def unanswerable(option: Option) -> bool:
    """Whether nothing in a team can answer ``option``: a role, or a channel of a kind Teams
    does not have (its channels are all text channels)."""
    if option.kind == "role":
        return True
    return option.kind == "channel" and "text" not in (option.channel_kinds or ("text",))


def _option_input(
    renderer: CardRenderer,
    option: Option,
    given: Any,
    offered: Sequence[tuple[str, str]],
) -> JSON:
    found: JSON = {
        "id": option.name,
        "label": command_text(option.description, renderer.catalog, renderer.language),
        "isRequired": option.required,
    }
    if option.required:
        found["errorMessage"] = renderer.t("form.required")
    choices = _choices_of(renderer, option, offered)
    if choices is not None:
        found.update(type="Input.ChoiceSet", style="compact", choices=choices)
        if isinstance(given, str):
            found["value"] = given
        return found
    if option.kind == "integer":
        found["type"] = "Input.Number"
        if option.min_value is not None:
            found["min"] = option.min_value
        if option.max_value is not None:
            found["max"] = option.max_value
        if isinstance(given, int):
            found["value"] = given
        return found
    found["type"] = "Input.Text"
    if option.max_length is not None:
        found["maxLength"] = option.max_length
    if isinstance(given, str):
        found["value"] = given
    return found


def _choices_of(
    renderer: CardRenderer, option: Option, offered: Sequence[tuple[str, str]]
) -> list[JSON] | None:
    if option.choices:
        return [
            {"title": command_text(label, renderer.catalog, renderer.language), "value": value}
            for value, label in option.choices
        ]
    if not offered or len(offered) > CHOICES_MAX:
        return None
    return [{"title": clip(name, 100), "value": value} for value, name in offered]
