"""How one catalog value becomes text: ``str.format`` placeholders and ICU-style plurals.

A count goes through a plural block, never beside a noun it cannot agree with::

    "{count, plural, one {# answer} other {# answers}}"

Branches are chosen with the language's CLDR plural rules (Babel): French "one" covers
0 and 1 (and 1.5), English "one" only 1; ``=0 {…}`` picks an exact number first, and a
category a message leaves out (French "many", for a million) falls back to ``other``.
In a branch ``#`` is the count, written the language's way (``1 000`` in French);
branches may hold other placeholders and plural blocks. ``{limit, number}`` writes a
number the same way outside a plural. Float parameters are written
the language's way too (``3,5`` in French, ``3.5`` in English); ints are left as they
are, since most of them are ids, timestamps or numbers such as "#12".
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

_PLURAL_START = re.compile(r"\{(\w+),\s*plural\s*,")
_NUMBER_ARGUMENT = re.compile(r"\{(\w+),\s*number\s*\}")
_SELECTOR = re.compile(r"\s*(=\d+|zero|one|two|few|many|other)\s*\{")
# Grouped thousands, at most two decimals, trailing zeros dropped: 12, 3.5, 1,234.25.
_DISPLAY = "#,##0.##"
_PLAIN = "0.##"


class MessageError(ValueError):
    """A catalog value that cannot be formatted (unbalanced braces, a plural without other)."""


@dataclass(frozen=True)
class Plural:
    """``{name, plural, …}`` at ``start:end`` of its text."""

    name: str
    branches: Mapping[str, str]
    start: int
    end: int


def _branch_end(text: str, start: int) -> int:
    """Index just past the ``}`` closing the brace opened before ``start``."""
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    raise MessageError(f"unbalanced braces in {text!r}")


def _plural_at(text: str, match: re.Match[str]) -> Plural:
    branches: dict[str, str] = {}
    position = match.end()
    while True:
        closing = re.compile(r"\s*\}").match(text, position)
        if closing:
            break
        selector = _SELECTOR.match(text, position)
        if selector is None:
            raise MessageError(f"bad plural branch in {text!r} at {position}")
        end = _branch_end(text, selector.end())
        branches[selector.group(1)] = text[selector.end() : end - 1]
        position = end
    if "other" not in branches:
        raise MessageError(f"plural {{{match.group(1)}}} without an other branch in {text!r}")
    return Plural(match.group(1), branches, match.start(), closing.end())


@lru_cache(maxsize=4096)  # catalog values, and branches once their count is written in
def plurals(text: str) -> tuple[Plural, ...]:
    """The outermost plural blocks of ``text``, in order."""
    found: list[Plural] = []
    position = 0
    while match := _PLURAL_START.search(text, position):
        block = _plural_at(text, match)
        found.append(block)
        position = block.end
    return tuple(found)


def outside_plurals(text: str) -> str:
    """``text`` with its plural blocks cut out."""
    pieces, position = [], 0
    for block in plurals(text):
        pieces.append(text[position : block.start])
        position = block.end
    return "".join(pieces) + text[position:]


def placeholders(text: str) -> set[str]:
    """Every parameter ``text`` reads, plural counts and branches included."""
    rest = outside_plurals(text)
    names = set(_NUMBER_ARGUMENT.findall(rest))
    rest = _NUMBER_ARGUMENT.sub("", rest)
    names |= {name for _, name, _, _ in string.Formatter().parse(rest) if name}
    for block in plurals(text):
        names.add(block.name)
        for branch in block.branches.values():
            names |= placeholders(branch)
    return names


def check(text: str) -> None:
    """Raise :class:`MessageError` if ``text`` would fail to format."""
    try:
        placeholders(text)
    except ValueError as error:
        raise MessageError(str(error)) from error


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


# Babel parses its pattern on every call (~10 µs); a reply such as /checkin me writes a
# dozen small counts that come back from one reply to the next, so each is written once.
@lru_cache(maxsize=4096, typed=True)
def format_number(value: float, language: str, *, grouping: bool = True) -> str:
    """``value`` as members of ``language`` write it: ``1 234,5`` in French, ``1,234.5`` in
    English; ``grouping=False`` for text a member may type back (a form's default value)."""
    return format_decimal(value, format=_DISPLAY if grouping else _PLAIN, locale=_locale(language))


def format_day(day: date, language: str) -> str:
    """A calendar day as members of ``language`` write it: "5 décembre 2026",
    "December 5, 2026" (a day, which a platform's own date display would shift to the
    reader's zone)."""
    return format_date(day, format="long", locale=_locale(language))


@lru_cache(maxsize=1024)
def format_calendar_day(day: date, language: str, *, year: bool = True) -> str:
    """A day of a month as members of ``language`` write it in a sentence: "7 December",
    « 7 décembre », the first of a month « 1er décembre » in French; with its year when
    ``year`` ("7 December 2026")."""
    if language.startswith("fr") and day.day == 1:
        return "1er " + format_date(day, "MMMM y" if year else "MMMM", locale=_locale(language))
    return format_date(day, "d MMMM y" if year else "d MMMM", locale=_locale(language))


def format_time_of_day(at: time, language: str) -> str:
    """A time of day as members of ``language`` write it: the 24-hour clock, "09:00" and
    "14:30" in English; in French as the OQLF writes it, « 9 h », « 14 h 30 »."""
    if language.startswith("fr"):
        return f"{at.hour} h" if at.minute == 0 else f"{at.hour} h {at.minute:02d}"
    return f"{at.hour:02d}:{at.minute:02d}"


# Babel evaluates the language's rule on every call (~10 µs); the counts a reply shows
# (members, weeks, answers) come back from one reply to the next.
@lru_cache(maxsize=4096, typed=True)
def _category(language: str, count: float) -> str:
    """The CLDR plural category of ``count`` in ``language`` (one, few, other…)."""
    return str(_locale(language).plural_form(abs(count)))


def _choose(block: Plural, count: object, language: str) -> str:
    """The branch of ``block`` for ``count``, its own ``#`` written as a number."""
    if not isinstance(count, int | float) or isinstance(count, bool):
        raise MessageError(f"plural {{{block.name}}} needs a number, got {count!r}")
    branch = block.branches.get(f"={count:g}") if count == int(count) else None
    if branch is None:
        branch = block.branches.get(_category(language, count), block.branches["other"])
    number = format_number(count, language)
    pieces, position = [], 0
    for inner in plurals(branch):  # a nested block's # is its own count
        pieces += [
            branch[position : inner.start].replace("#", number),
            branch[inner.start : inner.end],
        ]
        position = inner.end
    return "".join(pieces) + branch[position:].replace("#", number)


def _resolve(text: str, language: str, params: Mapping[str, object]) -> str:
    """``text`` with each plural block replaced by its chosen branch (still a template)."""
    pieces, position = [], 0
    for block in plurals(text):
        if block.name not in params:
            raise KeyError(block.name)
        pieces.append(text[position : block.start])
        pieces.append(_resolve(_choose(block, params[block.name], language), language, params))
        position = block.end
    return _numbers("".join(pieces) + text[position:], language, params)


def _numbers(text: str, language: str, params: Mapping[str, object]) -> str:
    def number(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise MessageError(f"{{{match.group(1)}, number}} needs a number, got {value!r}")
        return format_number(value, language)

    return _NUMBER_ARGUMENT.sub(number, text)


@lru_cache(maxsize=4096)
def _is_template(text: str) -> bool:
    """No plural block and no ``{n, number}``: nothing to resolve before formatting (most
    catalog values; they were searched for both at every write)."""
    return not plurals(text) and _NUMBER_ARGUMENT.search(text) is None


@lru_cache(maxsize=4096)
def _counts(text: str) -> tuple[str, ...]:
    """The values choosing ``text``'s template: its plural counts and ``{n, number}``,
    those of nested blocks included."""
    names = set(_NUMBER_ARGUMENT.findall(outside_plurals(text)))
    for block in plurals(text):
        names.add(block.name)
        for branch in block.branches.values():
            names.update(_counts(branch))
    return tuple(sorted(names))


# A reply's plural texts come back with the same counts (a 30-member line writes one
# "facilitated # times" per member): each template is resolved once per language and
# counts, since resolving it anew was a quarter of writing such a reply.
@lru_cache(maxsize=4096)
def _resolved(text: str, language: str, counts: tuple[int, ...]) -> str:
    return _resolve(text, language, dict(zip(_counts(text), counts, strict=True)))


def _template(text: str, language: str, params: Mapping[str, object]) -> str:
    counts = tuple(params.get(name) for name in _counts(text))
    if all(type(count) is int for count in counts):
        return _resolved(text, language, counts)
    return _resolve(text, language, params)  # floats, and the errors, as before


def render(text: str, language: str, params: Mapping[str, object]) -> str:
    """The catalog value ``text`` in ``language`` with ``params`` filled in."""
    shown = {
        name: format_number(value, language) if isinstance(value, float) else value
        for name, value in params.items()
    }
    template = text if _is_template(text) else _template(text, language, params)
    return template.format(**shown)


def render_rows(
    text: str, language: str, names: Sequence[str], rows: Iterable[Sequence[object]]
) -> list[str]:
    """``text`` written once per row of values, ``names`` naming each row's values in
    order: the lines of a list (one per coming date), each one ``str.format`` call on the
    template found once, rather than the whole message's work again at every line."""
    plain = _is_template(text)
    written = []
    for row in rows:
        params = dict(zip(names, row, strict=True))
        if float in map(type, row):  # a decimal to write the language's way: the long path
            written.append(render(text, language, params))
            continue
        # A plural's template is resolved once per count (cached), then filled in.
        template = text if plain else _template(text, language, params)
        written.append(template.format_map(params))
    return written
