"""Layouts as Discord shows them: one renderer for every feature's messages and forms.

Features describe messages with :mod:`bot.chat.layout`; this module turns them into
discord.py's content, embeds, persistent buttons, files and modals, writes references
as Discord's markup (``<@id>``, ``<#id>``, ``<t:…>``), shows members' words inert, and
fits everything to Discord's limits with an ellipsis that says so.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import discord

from bot.chat.layout import (
    Attachment,
    Button,
    ChoiceInput,
    Form,
    LinkButton,
    Message,
    Panel,
    PanelField,
)
from bot.chat.refs import MessageLink, MomentStyle
from bot.chat.text import Content, render
from bot.i18n import Catalog, Language
from bot.text import inert_markdown
from cogs.buttons import SentOnly
from cogs.buttons import button as routed_button

CONTENT_MAX = 2000
TITLE_MAX = 256
AUTHOR_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
#: A field's name for a field without a heading: Discord refuses an empty one, and shows a
#: zero-width space as nothing.
NO_HEADING = "\u200b"
FOOTER_MAX = 2048
LABEL_MAX = 80
ALT_TEXT_MAX = 1024  # a file's description
MODAL_TITLE_MAX = 45
INPUT_LABEL_MAX = 45
PLACEHOLDER_MAX = 100
OPTION_LABEL_MAX = 100
ROW_MAX = 5
ROWS_MAX = 5

_STYLES = {"date_time": "F", "date": "D", "time": "t", "relative": "R", "short_date_time": "f"}
_STYLES["day"] = "d"
_TONES = {
    "accent": discord.Colour.blurple(),
    "info": discord.Colour.teal(),
    "success": discord.Colour.green(),
    "warning": discord.Colour.gold(),
    "alert": discord.Colour.orange(),
    "muted": discord.Colour.dark_grey(),
}
_BUTTON_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


class DiscordMarkup:
    """References as Discord's client shows them to each reader (its own zone, its names)."""

    def member(self, user_id: int) -> str:
        return f"<@{user_id}>"

    def channel(self, channel_id: int) -> str:
        return f"<#{channel_id}>"

    def role(self, role_id: int) -> str:
        return f"<@&{role_id}>"

    def moment(self, at: datetime, style: MomentStyle, language: Language) -> str:
        return f"<t:{int(at.timestamp())}:{_STYLES[style]}>"

    def message(self, link: MessageLink) -> str:
        return message_url(link.guild_id, link.channel_id, link.message_id)

    def code(self, text: str) -> str:
        return f"`{text.replace('`', 'ˋ')}`"

    def user_text(self, text: str) -> str:
        return inert_markdown(text)


MARKUP = DiscordMarkup()


class LiteralMarkup(DiscordMarkup):
    """For the places Discord shows text as typed (modals, button labels, an embed's
    author and footer): a member's words need no escaping there."""

    def user_text(self, text: str) -> str:
        return text


LITERAL = LiteralMarkup()


def message_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"{channel_url(guild_id, channel_id)}/{message_id}"


def channel_url(guild_id: int, channel_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}"


def clip(text: str, limit: int) -> str:
    """Fit Discord's length limits without cutting silently: an ellipsis says it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Rendered:
    """A message as discord.py sends it. Its embeds may be shared with other replies of
    the same panel: read them, never change them."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content, "embeds": self.embeds}
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """For an edit: the view replaced (None removes the buttons), files as attachments."""
        kwargs: dict[str, Any] = {"content": self.content, "embeds": self.embeds}
        kwargs["view"] = self.view
        if self.files:
            kwargs["attachments"] = self.files
        return kwargs


class Renderer:
    """Layouts in one language, as Discord shows them."""

    def __init__(self, catalog: Catalog, language: Language) -> None:
        self.catalog = catalog
        self.language = language

    def text(self, content: Content, limit: int | None = None) -> str:
        rendered = render(content, self.language, self.catalog, MARKUP)
        return clip(rendered, limit) if limit is not None else rendered

    def message(self, message: Message) -> Rendered:
        view = self._view(message) if message.rows else None
        return Rendered(
            content=self.text(message.content, CONTENT_MAX) if message.content else None,
            embeds=[self._embed(panel) for panel in message.panels],
            view=view,
            files=[self._file(attachment) for attachment in message.files],
        )

    def _file(self, attachment: Attachment) -> discord.File:
        described = attachment.description
        return discord.File(
            io.BytesIO(attachment.data),
            filename=attachment.filename,
            description=self.text(described, ALT_TEXT_MAX) if described is not None else None,
        )

    def _embed(self, panel: Panel) -> discord.Embed:
        """``panel`` as an embed; a panel its layout kept (the same object asked again:
        a status, a list built once for what it shows) is written once per catalog and
        language. The embed is shared: discord.py only reads it when it sends."""
        kept = _EMBEDS.get(self.catalog, self.language, panel)
        if kept is None:
            kept = _EMBEDS.put(self.catalog, self.language, panel, self._build_embed(panel))
        return kept

    def _build_embed(self, panel: Panel) -> discord.Embed:
        embed = discord.Embed(
            title=self.text(panel.title, TITLE_MAX) if panel.title else None,
            description=self.text(panel.description, DESCRIPTION_MAX)
            if panel.description
            else None,
            colour=_TONES[panel.tone] if panel.tone else None,
            url=panel.url,
        )
        if panel.author is not None:
            embed.set_author(
                name=self.literal(panel.author.name, AUTHOR_MAX),
                icon_url=panel.author.icon_url,
            )
        for name, value, inline in self._fields(panel.fields):
            embed.add_field(name=name, value=value, inline=inline)
        if panel.footer is not None:
            embed.set_footer(text=self.literal(panel.footer, FOOTER_MAX))
        if panel.image is not None:
            embed.set_image(url=f"attachment://{panel.image}")
        return embed

    def _fields(self, fields: tuple[PanelField, ...]) -> list[_Field]:
        """The fields as written; a field a layout kept (the settings of a status, its
        lines while they say the same) is written once per catalog and language, so a
        panel built anew around kept fields writes only the others."""
        written: list[_Field] = []
        for item in fields:
            kept = _FIELDS.get(self.catalog, self.language, item)
            if kept is None:
                name = self.text(item.name, FIELD_NAME_MAX) if item.name is not None else NO_HEADING
                value = self.text(item.value, FIELD_VALUE_MAX) or "—"
                kept = _FIELDS.put(self.catalog, self.language, item, (name, value, item.inline))
            written.append(kept)
        return written

    def literal(self, content: Content, limit: int) -> str:
        """``content`` for a place Discord shows as typed (no markdown there)."""
        return clip(render(content, self.language, self.catalog, LITERAL), limit)

    def _view(self, message: Message) -> discord.ui.View:
        """Each layout row on its own Discord rows (five components a row at most)."""
        items: list[discord.ui.Item[Any]] = []
        row_number = 0
        for row in message.rows:
            for start in range(0, len(row), ROW_MAX):
                if row_number >= ROWS_MAX:
                    raise ValueError(f"a message holds at most {ROWS_MAX} rows of buttons")
                items.extend(
                    self._component(component, row_number)
                    for component in row[start : start + ROW_MAX]
                )
                row_number += 1
        return SentOnly(items)

    def _component(self, component: Button | LinkButton, row: int) -> discord.ui.Item[Any]:
        if isinstance(component, LinkButton):
            return discord.ui.Button(
                url=component.url, label=self.literal(component.label, LABEL_MAX), row=row
            )
        return routed_button(
            component.action,
            label=self.literal(component.label, LABEL_MAX) if component.label else None,
            style=_BUTTON_STYLES[component.style],
            disabled=component.disabled,
            emoji=component.emoji,
            row=row,
        )

    def modal(self, form: Form) -> discord.ui.Modal:
        """``form`` as a modal; a form built once (``/ask``'s) gets its modal built once
        per catalog and language: a stopped modal is only read when sent, never changed."""
        kept = _MODALS.get(self.catalog, self.language, form)
        if kept is not None:
            return kept
        modal = self._build_modal(form)
        # Built outside an event loop, discord.py cannot stop it, and would keep a modal
        # not stopped waiting for its submission: such a one is not kept.
        if modal.is_finished():
            _MODALS.put(self.catalog, self.language, form, modal)
        return modal

    def _build_modal(self, form: Form) -> discord.ui.Modal:
        modal = discord.ui.Modal(
            title=self.literal(form.title, MODAL_TITLE_MAX), custom_id=form.action
        )
        for item in form.inputs:
            if isinstance(item, ChoiceInput):
                modal.add_item(self._choice(item))
                continue
            modal.add_item(
                discord.ui.TextInput(
                    custom_id=item.id,
                    label=self.literal(item.label, INPUT_LABEL_MAX),
                    style=(
                        discord.TextStyle.paragraph
                        if item.style == "paragraph"
                        else discord.TextStyle.short
                    ),
                    required=item.required,
                    max_length=item.max_length,
                    min_length=item.min_length,
                    default=item.default,
                    placeholder=(
                        self.literal(item.placeholder, PLACEHOLDER_MAX)
                        if item.placeholder
                        else None
                    ),
                )
            )
        # Stopped before sending, so discord.py keeps nothing in memory: the submission
        # comes to the form router whether or not the bot restarted in between.
        modal.stop()
        return modal

    def _choice(self, choice: ChoiceInput) -> discord.ui.Label[discord.ui.View]:
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=choice.id,
            options=[
                discord.SelectOption(
                    label=self.literal(option.label, OPTION_LABEL_MAX),
                    value=option.value,
                    default=option.default,
                )
                for option in choice.options
            ],
            min_values=1,
            max_values=1,
        )
        return discord.ui.Label(text=self.literal(choice.label, INPUT_LABEL_MAX), component=select)


LayoutT = TypeVar("LayoutT")
BuiltT = TypeVar("BuiltT")


class _Kept(Generic[LayoutT, BuiltT]):
    """What was built from a layout object, by that object's identity, per catalog and
    language. Layouts never change once built, so the same object builds the same thing.
    An entry holds the catalog and the layout, so neither id is reused while it lives;
    past ``size`` the least recently used goes (layouts built per reply pass through)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[tuple[int, str, int], tuple[Catalog, LayoutT, BuiltT]] = {}

    def get(self, catalog: Catalog, language: Language, layout: LayoutT) -> BuiltT | None:
        key = (id(catalog), language, id(layout))
        entry = self._entries.pop(key, None)
        if entry is None or entry[0] is not catalog or entry[1] is not layout:
            return None
        self._entries[key] = entry  # the most recently used last
        return entry[2]

    def put(self, catalog: Catalog, language: Language, layout: LayoutT, built: BuiltT) -> BuiltT:
        if len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]
        self._entries[(id(catalog), language, id(layout))] = (catalog, layout, built)
        return built


_MODALS: _Kept[Form, discord.ui.Modal] = _Kept(64)
_EMBEDS: _Kept[Panel, discord.Embed] = _Kept(512)
_Field = tuple[str, str, bool]
"""An embed's field as written: its name, its value, side by side or not."""
_FIELDS: _Kept[PanelField, _Field] = _Kept(2048)
