"""Commands typed to the bot on Teams: the same names as Discord's slash commands.

In a channel a member writes ``@PLC Bot meeting schedule title:"Team meeting"
when:"Dec 3 3:30pm"`` (the SDK removes the bot's mention); in the 1:1 chat, the same
without the mention. Command, subcommand and option names are the English ones or
their French from the catalogs' ``[_commands]`` tables (accents and case aside);
options are ``name:value`` (quotes around spaces), members by @mention or name, channels
by name. Values given without a name fill the command's options in order (all of them
to the last option left). ``help`` (``aide``) lists the commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.chat.layout import Message
from bot.chat.text import Join, Text
from bot.i18n import Catalog, Language
from bot.interactions import UI
from bot.interactions.commands import Command, Option
from bot.interactions.help import command_list, command_text, command_title, commands_of
from bot.text import folded

HELP = ("help", "aide", "?")
NEAR = 0.75
"""How alike a mistyped command and a real one must be to be offered (difflib's ratio:
``reunion planifier`` and ``rencontre planifier`` are 0.83, ``plc stat`` and ``plc
status`` 0.89; ``hello`` and ``help``, 0.67, are not offered)."""
_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"'})
_TOKEN = re.compile(
    r'(?P<name>[^\s:"<]+):\s*(?P<value>"[^"]*"?|<at>.*?</at>|\S+)'
    r'|(?P<quoted>"[^"]*"?)|(?P<at><at>.*?</at>)|(?P<word>\S+)',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Typed:
    """What a member typed after the command's name."""

    named: dict[str, str] = field(default_factory=dict)
    positional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """A command and the English words that name it (``("rotation", "set-next")``)."""

    path: tuple[str, ...]
    command: Command

    @property
    def key(self) -> str:
        return " ".join(self.path)


_JOINERS = re.compile(r"[\s_'’-]")


def name_key(text: str) -> str:
    """An option's or a field's name as compared: accents, case and what joins its words
    aside, so the French ``jusqu'au`` (or ``jusqu’au``) names the option ``jusqu_au``."""
    return _JOINERS.sub("", folded(text))


def _unquote(value: str) -> str:
    return value[1:].removesuffix('"') if value.startswith('"') else value


def tokens(text: str) -> list[tuple[str | None, str]]:
    """(option name or None, value) for each piece of ``text``, quotes removed."""
    found: list[tuple[str | None, str]] = []
    for match in _TOKEN.finditer(text.translate(_QUOTES).replace("\xa0", " ")):
        if match.group("name"):
            found.append((match.group("name"), _unquote(match.group("value"))))
        else:
            piece = match.group("quoted") or match.group("at") or match.group("word")
            found.append((None, _unquote(piece)))
    return found


class CommandBook:
    """Every command the UI declares, findable by its English or French words."""

    def __init__(self, ui: UI, catalog: Catalog) -> None:
        self.catalog = catalog
        self.ui = ui
        self.entries = [Entry(path, command) for path, command in commands_of(ui.commands)]

    def french(self, english: str) -> str:
        return command_title((english,), self.catalog, "fr")

    def french_text(self, english: str) -> str:
        """A description or a choice's label in French (as given when there is none)."""
        return command_text(english, self.catalog, "fr")

    def text(self, english: str, language: Language) -> str:
        """A description or a choice's label in ``language``."""
        return command_text(english, self.catalog, language)

    def _names(self, english: str) -> set[str]:
        return {folded(english), folded(self.french(english))}

    def entry(self, key: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.key == key), None)

    def find(self, words: list[str]) -> tuple[Entry, int] | None:
        """The command the first words name, and how many words that took (the longest)."""
        best: tuple[Entry, int] | None = None
        for entry in self.entries:
            size = len(entry.path)
            if len(words) < size:
                continue
            named = all(folded(words[i]) in self._names(p) for i, p in enumerate(entry.path))
            if named and (best is None or size > best[1]):
                best = (entry, size)
        return best

    def nearest(self, words: list[str], language: Language) -> str | None:
        """The command a mistyped one most likely meant (``reunion planifier``:
        ``rencontre planifier``), as the member types it; None if none is close."""
        best, best_ratio = None, NEAR
        both: tuple[Language, ...] = ("en", "fr")
        for entry in self.entries:
            if len(words) < len(entry.path):
                continue  # a group named alone: its commands are listed instead
            typed = folded(" ".join(words[: len(entry.path)]))
            for named_in in both:
                ratio = SequenceMatcher(None, typed, folded(self.title(entry, named_in))).ratio()
                if ratio > best_ratio:
                    best, best_ratio = self.title(entry, language), ratio
        return best

    def group(self, word: str, language: Language) -> list[str]:
        """The commands of the group ``word`` names (``checkin``: ``checkin schedule``,
        ``checkin now``…), as the member types them; empty if it names none."""
        return [
            self.title(entry, language)
            for entry in self.entries
            if len(entry.path) > 1 and folded(word) in self._names(entry.path[0])
        ]

    def title(self, entry: Entry, language: Language) -> str:
        """The command as the member types it, in their language."""
        return command_title(entry.path, self.catalog, language)

    def fills_of(self, command: Command, typed: Typed) -> tuple[Typed, dict[str, str]]:
        """What was typed after ``command`` less the fields of the form it opens (by their
        English or French names; a command without options takes its words as the first
        field: ``ask Is there a rubric?``), and those fields: id → value."""
        named, fills = {}, {}
        for name, value in typed.named.items():
            field_id = next(
                (f for f in command.fills if name_key(name) in self._field_names(command, f)),
                None,
            )
            if field_id is None or self.option_named(command, name) is not None:
                named[name] = value
            else:
                fills[field_id] = value
        positional = typed.positional
        if command.fills and not command.options and positional:
            fills.setdefault(command.fills[0], " ".join(positional))
            positional = ()
        return Typed(named, positional), fills

    def _field_names(self, command: Command, field_id: str) -> set[str]:
        """What names a field of the command's form: its id in English or French, and its
        label in either language when the command says which form it opens."""
        names = {name_key(field_id), name_key(self.french(field_id))}
        inputs = command.form().inputs if command.form is not None else ()
        for item in inputs:
            if item.id == field_id and isinstance(item.label, Text):
                names |= {name_key(self.catalog.t(lang, item.label.key)) for lang in ("en", "fr")}
        return names

    def option_named(self, command: Command, typed: str) -> Option | None:
        for option in command.options:
            if name_key(typed) in {name_key(option.name), name_key(self.french(option.name))}:
                return option
        return None

    def help(self, language: Language) -> Message:
        listed = command_list(self.ui.commands, self.catalog, language)
        return Message(content=Join(parts=(Text(key="teams.commands.help"), listed), sep="\n\n"))

    def describe(self, entry: Entry, language: Language) -> str:
        return command_text(entry.command.description, self.catalog, language)


def split(text: str) -> tuple[list[str], list[tuple[str | None, str]]]:
    """The leading plain words (the command's name) and every piece, in order."""
    pieces = tokens(text)
    words = []
    for name, value in pieces:
        if name is not None or " " in value or value.lower().startswith("<at>"):
            break
        words.append(value)
    return words, pieces


def typed_after(pieces: list[tuple[str | None, str]], used: int) -> Typed:
    named: dict[str, str] = {}
    positional: list[str] = []
    for name, value in pieces[used:]:
        if name is None:
            positional.append(value)
        else:
            named[name] = value
    return Typed(named, tuple(positional))
