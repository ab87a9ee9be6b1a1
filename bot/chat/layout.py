"""What a message looks like, for any platform: text, panels, buttons, files, forms.

Features describe their messages with these values (in their ``layouts`` modules) and
every platform renders them with one generic renderer: an embed and components on
Discord, an Adaptive Card on Teams. Limits (lengths, numbers of buttons) are the
platform's: its renderer fits the layout to them and says so with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from bot.chat.refs import Ref
from bot.chat.text import Content, references
from bot.frozen import Frozen

Tone = Literal["accent", "info", "success", "warning", "alert", "muted"]
"""A panel's colour, by meaning: ``accent`` the bot's own, ``muted`` something over."""
ButtonStyle = Literal["primary", "secondary", "success", "danger"]


class Button(Frozen):
    """A button routed by ``action`` (a custom id the feature declared)."""

    action: str
    label: Content | None = None
    style: ButtonStyle = "secondary"
    emoji: str | None = None
    disabled: bool = False


class LinkButton(Frozen):
    """A button that opens a web address."""

    url: str
    label: Content


class Option(Frozen):
    """One choice of a form's :class:`ChoiceInput`."""

    value: str
    label: Content
    description: Content | None = None
    default: bool = False


Component = Button | LinkButton
Row = tuple[Component, ...]


class PanelField(Frozen):
    name: Content | None
    """None: the field has no heading, its value goes on under what comes before."""
    value: Content
    inline: bool = False


class PanelAuthor(Frozen):
    """Who a panel speaks for (a member's answer shown under their name and picture)."""

    name: Content
    icon_url: str | None = None


class Panel(Frozen):
    """A framed block: a title, a description, labelled fields, an image, a footer."""

    author: PanelAuthor | None = None
    title: Content | None = None
    description: Content | None = None
    fields: tuple[PanelField, ...] = ()
    tone: Tone | None = None
    footer: Content | None = None
    image: str | None = None
    """The file name of one of the message's :class:`Attachment` to show in the panel."""
    url: str | None = None


class Attachment(Frozen):
    filename: str
    data: bytes
    description: Content | None = None
    """What the file shows, for those who cannot see it (a picture's alternative text)."""


class Message(Frozen):
    """One message: text, panels, rows of components and files, all optional."""

    content: Content | None = None
    panels: tuple[Panel, ...] = ()
    rows: tuple[Row, ...] = ()
    files: tuple[Attachment, ...] = ()

    @classmethod
    def of(cls, content: Content) -> Message:
        return cls(content=content)

    def components(self) -> Iterator[Component]:
        for row in self.rows:
            yield from row

    def references(self) -> Iterator[Ref]:
        """Every reference the message shows (a platform that looks names up first)."""
        for content in self.contents():
            yield from references(content)

    def contents(self) -> Iterable[Content]:
        """Every piece of text the message shows (a checker renders each)."""
        if self.content is not None:
            yield self.content
        for panel in self.panels:
            if panel.author is not None:
                yield panel.author.name
            yield from (c for c in (panel.title, panel.description, panel.footer) if c is not None)
            for field in panel.fields:
                if field.name is not None:
                    yield field.name
                yield field.value
        for component in self.components():
            if component.label is not None:
                yield component.label


class TextInput(Frozen):
    """A text box of a form."""

    id: str
    label: Content
    style: Literal["short", "paragraph"] = "short"
    required: bool = True
    max_length: int | None = None
    min_length: int | None = None
    default: str | None = None
    placeholder: Content | None = None


class ChoiceInput(Frozen):
    """A one-of-several choice in a form, submitted as the chosen option's value."""

    id: str
    label: Content
    options: tuple[Option, ...]


class Form(Frozen):
    """A form the member fills in; its submission is routed by ``action``."""

    action: str
    title: Content
    inputs: tuple[TextInput | ChoiceInput, ...]

    def filled(self, values: Mapping[str, str]) -> Form:
        """The form with the inputs ``values`` names filled as given (a text as its
        default, a choice by its value); the others as they were."""
        inputs: list[TextInput | ChoiceInput] = []
        for item in self.inputs:
            if item.id not in values:
                inputs.append(item)
            elif isinstance(item, TextInput):
                inputs.append(item.model_copy(update={"default": values[item.id] or None}))
            else:
                chosen = values[item.id]
                options = tuple(
                    o.model_copy(update={"default": o.value == chosen}) for o in item.options
                )
                inputs.append(item.model_copy(update={"options": options}))
        return self.model_copy(update={"inputs": tuple(inputs)})
