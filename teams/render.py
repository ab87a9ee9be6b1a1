"""Layouts as Teams shows them: one Adaptive Card 1.5 per message, for every feature.

- Text: TextBlocks in Teams' markdown (:mod:`teams.markup`), one per line.
- A panel: a Container whose style says its tone, its title, its description, its
  fields (side by side in a ColumnSet when inline), an image and a footer.
- Buttons: ``Action.Execute`` with the verb :data:`CLICK` and the action id in its data,
  so a click reaches the core's routes; a link button: ``Action.OpenUrl``.
- Files: a Teams bot cannot attach a file to a channel post, so each file is offered
  from the bot's own web server at an expiring, unguessable address (a download
  button; a picture shown in its panel); without a public address, the card says the
  file could not be shared (:mod:`teams.files`).
- Size: Teams refuses a message over 40 KB (counted in UTF-16 as sent, JSON-escaped);
  the project keeps each card within :data:`CARD_CHARS_MAX`. A longer layout is cut
  at the end of its text, and says so, rather than refused; its buttons stay.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

from bot.chat.layout import (
    Attachment,
    Button,
    LinkButton,
    Message,
    Panel,
    PanelAuthor,
    PanelField,
    Tone,
)
from bot.chat.text import Content
from bot.i18n import Catalog, Language
from teams.markup import Lookup, TeamsMarkup

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
#: A card's JSON as sent (non-ASCII escaped), in characters: with the activity around it,
#: well under Teams' 40 KB counted in UTF-16 (and the 28 KB the project budgets).
CARD_CHARS_MAX = 18_000
CLICK = "plc.click"
"""The verb of every button; its data's ``plc.action`` is the action id to route."""
ACTION_KEY = "plc.action"
TEAM_KEY = "plc.team"
"""The community a card was made for, in every button's data: a click in the 1:1 chat,
where Teams names no team, acts in it (if the member is still in that team)."""
LABEL_MAX = 80
COLUMNS_MAX = 3
_STYLES: dict[Tone, str] = {
    "accent": "accent",
    "info": "emphasis",
    "success": "good",
    "warning": "warning",
    "alert": "attention",
    "muted": "default",
}
_BUTTONS = {"primary": "positive", "success": "positive", "danger": "destructive"}

JSON = dict[str, Any]
Share = Callable[[Attachment], str | None]
"""Puts a file on the bot's web server; its address, or None if it cannot be shared."""


def adaptive_card(body: list[JSON], entities: list[JSON] | None = None) -> JSON:
    card: JSON = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body}
    if entities:
        card["msteams"] = {"entities": entities}
    return card


def size_of(card: JSON) -> int:
    """Characters of the card as the SDK sends it (JSON, non-ASCII escaped)."""
    return len(json.dumps(card))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CardRenderer:
    """Layouts in one language, as Adaptive Cards."""

    def __init__(
        self,
        catalog: Catalog,
        language: Language,
        lookup: Lookup | None = None,
        *,
        pinged: Collection[int] = (),
        share: Share | None = None,
        team: int | None = None,
    ) -> None:
        self.catalog = catalog
        self.language = language
        self.team = team
        self.markup = TeamsMarkup(catalog, language, lookup or Lookup(), pinged)
        self._share = share

    def text(self, content: Content) -> str:
        return self.markup.text(content)

    def t(self, key: str, **params: Any) -> str:
        return self.catalog.t(self.language, f"teams.{key}", **params)

    def data(self, values: JSON) -> JSON:
        """An action's data, with the community the card was made for."""
        return values if self.team is None else {**values, TEAM_KEY: self.team}

    def blocks(self, text: str, **style: Any) -> list[JSON]:
        """One TextBlock per line (Teams' markdown keeps lists and line breaks that way)."""
        found: list[JSON] = []
        gap = False
        for line in text.split("\n"):
            if not line.strip():
                gap = True
                continue
            block: JSON = {"type": "TextBlock", "text": line, "wrap": True, **style}
            if found and not gap:
                block["spacing"] = "none"
            found.append(block)
            gap = False
        return found

    # -- messages ---------------------------------------------------------------------------

    def card(self, message: Message) -> JSON:
        content: list[JSON] = []
        if message.content is not None:
            content += self.blocks(self.text(message.content))
        images: set[str | None] = {panel.image for panel in message.panels if panel.image}
        shared = {file.filename: self._url(file) for file in message.files}
        described = {file.filename: file.description for file in message.files}
        for panel in message.panels:
            content.append(self._panel(panel, shared, described.get(panel.image or "")))
        actions = [self._row(row) for row in message.rows if row]
        downloads = self._downloads(message.files, shared, images, content)
        if downloads:
            actions.append({"type": "ActionSet", "actions": downloads})
        return self.fit(content, actions)

    def fit(self, content: list[JSON], actions: list[JSON]) -> JSON:
        """The card, cut at the end of its text (with a note) if it is too long for Teams."""
        card = adaptive_card(content + actions, self.markup.entities)
        if size_of(card) <= CARD_CHARS_MAX:
            return card
        note = {"type": "TextBlock", "text": self.t("card.cut"), "wrap": True, "isSubtle": True}
        kept = list(content)
        while kept and size_of(adaptive_card([*kept, note, *actions])) > CARD_CHARS_MAX:
            last = kept.pop()
            text = last.get("text")
            if not kept and isinstance(text, str):  # one huge block: keep its start
                room = CARD_CHARS_MAX - size_of(adaptive_card([note, *actions])) - 200
                kept.append({**last, "text": clip(text, max(room // 2, 1))})
                break
        return adaptive_card([*kept, note, *actions], self._entities_in([*kept, *actions]))

    def _entities_in(self, body: list[JSON]) -> list[JSON]:
        """The mentions whose ``<at>`` text is still in the card (Teams needs each)."""
        shown = json.dumps(body, ensure_ascii=False)
        return [e for e in self.markup.entities if json.dumps(e["text"])[1:-1] in shown]

    def _panel(
        self, panel: Panel, shared: dict[str, str | None], alt: Content | None = None
    ) -> JSON:
        items: list[JSON] = []
        if panel.author is not None:
            items.append(self._author(panel.author))
        if panel.title is not None:
            title = self.text(panel.title)
            if panel.url:
                title = f"[{title}]({panel.url})"
            items += self.blocks(title, weight="bolder", size="medium")
        if panel.description is not None:
            items += self.blocks(self.text(panel.description))
        items += self._fields(panel.fields)
        image = shared.get(panel.image) if panel.image else None
        if image:
            said = self.text(alt) if alt is not None else panel.image or ""
            items.append({"type": "Image", "url": image, "altText": said})
        if panel.footer is not None:
            items += self.blocks(self.text(panel.footer), isSubtle=True, size="small")
        container: JSON = {"type": "Container", "items": items or self.blocks("—")}
        container["style"] = _STYLES[panel.tone] if panel.tone else "default"
        return container

    def _author(self, author: PanelAuthor) -> JSON:
        """Whose words the panel holds (a check-in answer's member): their name, with their
        picture when the platform gave one."""
        name: JSON = {
            "type": "TextBlock",
            "text": self.text(author.name),
            "wrap": True,
            "weight": "bolder",
            "size": "small",
        }
        if author.icon_url is None:
            return name
        picture = {"type": "Image", "url": author.icon_url, "size": "small", "style": "person"}
        return {
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "width": "auto", "items": [picture]},
                {"type": "Column", "width": "stretch", "items": [name]},
            ],
        }

    def _fields(self, fields: tuple[PanelField, ...]) -> list[JSON]:
        found: list[JSON] = []
        inline: list[PanelField] = []
        for item in (*fields, None):
            if item is not None and item.inline and len(inline) < COLUMNS_MAX:
                inline.append(item)
                continue
            if inline:
                columns = [
                    {"type": "Column", "width": "stretch", "items": self._field(f)} for f in inline
                ]
                found.append({"type": "ColumnSet", "columns": columns})
                inline = []
            if item is not None and item.inline:
                inline.append(item)
            elif item is not None:
                found += self._field(item)
        return found

    def _field(self, item: PanelField) -> list[JSON]:
        value = self.blocks(self.text(item.value)) or self.blocks("—")
        if item.name is None:
            return value
        return self.blocks(self.text(item.name), weight="bolder") + value

    def _row(self, row: tuple[Button | LinkButton, ...]) -> JSON:
        return {"type": "ActionSet", "actions": [self._action(item) for item in row]}

    def _action(self, item: Button | LinkButton) -> JSON:
        if isinstance(item, LinkButton):
            return {
                "type": "Action.OpenUrl",
                "title": clip(self.text(item.label), LABEL_MAX),
                "url": item.url,
            }
        label = self.text(item.label) if item.label is not None else ""
        title = " ".join(part for part in (item.emoji, label) if part) or "•"
        action: JSON = {
            "type": "Action.Execute",
            "title": clip(title, LABEL_MAX),
            "verb": CLICK,
            "data": self.data({ACTION_KEY: item.action}),
        }
        if item.style in _BUTTONS:
            action["style"] = _BUTTONS[item.style]
        if item.disabled:
            action["isEnabled"] = False
        return action

    # -- files ------------------------------------------------------------------------------

    def _url(self, file: Attachment) -> str | None:
        return self._share(file) if self._share is not None else None

    def _downloads(
        self,
        files: tuple[Attachment, ...],
        shared: dict[str, str | None],
        images: set[str | None],
        content: list[JSON],
    ) -> list[JSON]:
        """A download button per shared file; a sentence for each that could not be."""
        buttons: list[JSON] = []
        for file in files:
            url = shared.get(file.filename)
            if url is None:
                content += self.blocks(self.t("card.file_unshared", name=file.filename))
            elif file.filename not in images:
                title = clip(self.t("card.download", name=file.filename), LABEL_MAX)
                buttons.append({"type": "Action.OpenUrl", "title": title, "url": url})
        return buttons
