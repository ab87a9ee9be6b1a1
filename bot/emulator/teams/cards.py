"""Reading Adaptive Cards as the Teams client does: actions, inputs, dialogs.

The client finds an action by its title (or id), collects the card's inputs with
their current values, refuses to submit while a required input is empty, and sends
the action's ``data`` with the inputs that hold a value written over it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .state import JSON

INPUT_TYPES = (
    "Input.Text",
    "Input.Number",
    "Input.Date",
    "Input.Time",
    "Input.Toggle",
    "Input.ChoiceSet",
)


class CardError(LookupError):
    """The Teams client would not let the user do this with this card."""


def walk(node: Any) -> Iterator[JSON]:
    """Every object in a card, depth first (body, columns, action sets, show-cards...)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def find_action(card: JSON, title: str, *, kinds: tuple[str, ...]) -> JSON:
    """The action of a type in ``kinds`` whose title, id or verb is ``title``."""
    candidates = [
        node
        for node in walk(card)
        if node.get("type") in kinds
        and title in (node.get("title"), node.get("id"), node.get("verb"))
    ]
    if not candidates:
        found = [n.get("title") for n in walk(card) if str(n.get("type", "")).startswith("Action.")]
        raise CardError(f"no {'/'.join(kinds)} titled {title!r} on this card; actions: {found}")
    return candidates[0]


def inputs_of(card: JSON) -> dict[str, JSON]:
    return {
        node["id"]: node for node in walk(card) if node.get("type") in INPUT_TYPES and "id" in node
    }


def collect_inputs(card: JSON, values: dict[str, Any] | None) -> dict[str, Any]:
    """The values the client sends: each input's default, overridden by what the user
    typed; an input left empty is not sent (the client sends only the inputs that are
    set)."""
    inputs = inputs_of(card)
    values = values or {}
    unknown = set(values) - set(inputs)
    if unknown:
        raise CardError(f"no input {sorted(unknown)} on this card; inputs: {sorted(inputs)}")
    collected: dict[str, Any] = {}
    for input_id, node in inputs.items():
        value = values.get(input_id, node.get("value"))
        if node.get("isRequired") and value in (None, ""):
            raise CardError(f"input {input_id!r} is required: the client will not submit")
        if value not in (None, ""):
            collected[input_id] = value
    return collected


def action_data(action: JSON, inputs: dict[str, Any]) -> JSON:
    data = action.get("data")
    merged: JSON = dict(data) if isinstance(data, dict) else {}
    merged.update(inputs)
    return merged


@dataclass
class Dialog:
    """A dialog (task module) the Teams client shows: a card or a URL, and where it came from."""

    user_id: str
    conversation_id: str
    message_id: str | None
    title: str | None
    card: JSON | None
    url: str | None = None
    size: tuple[Any, Any] = (None, None)
    values: dict[str, Any] = field(default_factory=dict)

    def fill(self, **values: Any) -> Dialog:
        """Type into the dialog's inputs (checked against the card's input ids)."""
        if self.card is None:
            raise CardError("this dialog shows a web page, not a card")
        known = inputs_of(self.card)
        unknown = set(values) - set(known)
        if unknown:
            raise CardError(f"no input {sorted(unknown)} in the dialog; inputs: {sorted(known)}")
        self.values.update(values)
        return self


def dialog_from_task(
    task: Any, *, user_id: str, conversation_id: str, message_id: str | None
) -> Dialog | None:
    """The dialog a ``{"task": {"type": "continue", "value": …}}`` answer opens, if any."""
    if not isinstance(task, dict) or task.get("type") != "continue":
        return None
    value = task.get("value") or {}
    card = (value.get("card") or {}).get("content")
    return Dialog(
        user_id=user_id,
        conversation_id=conversation_id,
        message_id=message_id,
        title=value.get("title"),
        card=card,
        url=value.get("url"),
        size=(value.get("width"), value.get("height")),
    )
