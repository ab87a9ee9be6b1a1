"""Messages in French and English.

Catalogs are TOML files in ``locales/``, one pair per feature
(``meetings.en.toml`` / ``meetings.fr.toml``); nested tables become dotted keys
(``[setup] saved = "…"`` → ``setup.saved``). Placeholders use ``str.format`` names;
a count goes through an ICU-style plural block and numbers are written the language's
way (:mod:`bot.i18n.message`).
The French files also hold ``[_commands.names]`` and ``[_commands.texts]``: the
French of slash command names and of their descriptions and choices, keyed by
the English text (see :mod:`cogs.translator`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Literal

from bot.i18n.message import (
    MessageError,
    check,
    format_calendar_day,
    format_day,
    format_number,
    format_time_of_day,
    placeholders,
    render,
    render_rows,
)

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
# Package data, read through importlib.resources so a wheel install finds it.
LOCALES_DIR: Traversable = resources.files(__name__).joinpath("locales")
COMMANDS_TABLE = "_commands"
__all__ = [
    "LANGUAGES",
    "Catalog",
    "CatalogError",
    "Language",
    "format_calendar_day",
    "format_day",
    "format_number",
    "format_time_of_day",
    "language_for_locale",
    "load_catalog",
    "placeholders",
]


class CatalogError(Exception):
    """A catalog file is malformed (duplicate key, bad placeholder)."""


def language_for_locale(locale: str | None, fallback: Language = "en") -> Language:
    """Discord locales are ``fr``, ``en-US``, ``en-GB``…; anything else falls back."""
    if not locale:
        return fallback
    if locale.lower().startswith("fr"):
        return "fr"
    if locale.lower().startswith("en"):
        return "en"
    return fallback


@dataclass(frozen=True)
class Phrase:
    """A message given as a placeholder's value: translated in the language of the
    message around it (a protocol file's problem inside "file refused: {problem}").

    Kept apart from :class:`bot.chat.text.Text`, which is also a key with its values,
    because it is rendered by :meth:`Catalog.t` alone, with no chat platform: in logs and
    in the command line's output (``plc-bot check-config``). Its values are plain
    Python values. ``Text`` values may be members' words and references (a member, a
    moment) that only a platform's markup can write, and ``bot.chat`` builds on this
    module, so it cannot be used here; a refusal shown in chat turns a phrase into a
    ``Text`` with :func:`bot.interactions.errors.phrase_text`.
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


class Catalog:
    """All messages of both languages."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]], commands: Mapping[str, Any]):
        self.messages = messages
        self.commands = commands
        # Texts without values (a reply's titles and labels), written once per language.
        self._written: dict[tuple[str, str], str] = {}

    def t(self, language: str, key: str, /, **params: object) -> str:
        """The message ``key`` in ``language``, formatted; a missing key is a bug (KeyError)."""
        lang = language if language in self.messages else "en"
        if not params:
            written = self._written.get((lang, key))
            if written is None:
                written = self._written[lang, key] = render(self.messages[lang][key], lang, {})
            return written
        shown = {name: self._value(lang, value) for name, value in params.items()}
        return render(self.messages[lang][key], lang, shown)

    def rows(
        self, language: str, key: str, names: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> list[str]:
        """The message ``key`` once per row of values (``names`` in each row's order),
        found once for all the rows; values are plain (text and numbers), no phrases."""
        lang = language if language in self.messages else "en"
        return render_rows(self.messages[lang][key], lang, names, rows)

    def _value(self, language: str, value: object) -> object:
        """A :class:`Phrase` (or a tuple of them, joined by "; ") in that language."""
        kind = type(value)
        if kind is str or kind is int:  # nearly every value: no checks for phrases
            return value
        if isinstance(value, Phrase):
            return self.t(language, value.key, **value.params)
        if isinstance(value, tuple) and value and all(isinstance(v, Phrase) for v in value):
            return "; ".join(self.t(language, v.key, **v.params) for v in value)
        return value

    def has(self, key: str) -> bool:
        return key in self.messages["en"]

    def command_translation(self, english: str, kind: Literal["names", "texts"]) -> str | None:
        table: Mapping[str, str] = self.commands.get(kind, {})
        return table.get(english)


def _flatten(
    prefix: str, table: Mapping[str, Any], out: dict[str, str], source: Traversable
) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(key, value, out, source)
        elif isinstance(value, str):
            if key in out:
                raise CatalogError(f"{source.name}: key {key} defined twice")
            try:
                check(value)
            except MessageError as error:
                raise CatalogError(f"{source.name}: {key}: {error}") from error
            out[key] = value
        else:
            raise CatalogError(f"{source.name}: {key} must be text")


@cache
def load_catalog(directory: Traversable = LOCALES_DIR) -> Catalog:
    messages: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    commands: dict[str, dict[str, str]] = {"names": {}, "texts": {}}
    files = sorted((f for f in directory.iterdir() if f.name.endswith(".toml")), key=_name)
    if not files:
        raise CatalogError(f"no message catalogs found in {directory}; reinstall plc-bot")
    for file in files:
        stem, _, lang = file.name.removesuffix(".toml").rpartition(".")
        if lang not in LANGUAGES or not stem:
            raise CatalogError(f"{file.name}: expected <feature>.<en|fr>.toml")
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for kind, table in data.pop(COMMANDS_TABLE, {}).items():
            if kind not in commands:
                raise CatalogError(f"{file.name}: [{COMMANDS_TABLE}.{kind}] is not names/texts")
            commands[kind].update(table)
        _flatten(stem, data, messages[lang], file)
    return Catalog(messages, commands)


def _name(file: Traversable) -> str:
    return file.name
