"""The one way to answer an autocomplete: what matches the member's text so far."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TypeVar

from bot.text import folded

T = TypeVar("T")

SUGGESTIONS_MAX = 25


def matching(
    choices: Iterable[tuple[str, str]], current: str, *, limit: int = SUGGESTIONS_MAX
) -> list[tuple[str, str]]:
    """The (value, label) pairs whose value or label contains ``current`` (accents and
    case aside), those that start with it first, at most ``limit``."""
    wanted = folded(current)
    starts, contains = [], []
    for value, label in choices:
        haystacks = (folded(value), folded(label))
        if any(h.startswith(wanted) for h in haystacks):
            starts.append((value, label))
        elif any(wanted in h for h in haystacks):
            contains.append((value, label))
    return (starts + contains)[:limit]


def named(
    reference: str, items: Iterable[T], value: Callable[[T], str], title: Callable[[T], str]
) -> list[T]:
    """The items an option names: by the value its suggestion gave (an id), else by the
    title typed in full, accents and case aside (typed before picking, or where the
    platform suggests nothing, as in a Teams command)."""
    wanted = reference.strip()
    candidates = list(items)
    picked = [item for item in candidates if value(item) == wanted]
    if picked:
        return picked
    typed = folded(wanted)
    return [item for item in candidates if folded(title(item)) == typed]


def chosen(typed: str, choices: Iterable[tuple[T, Collection[str], Collection[str]]]) -> list[T]:
    """The choices ``typed`` names, accents and case aside, each given with its names (its
    value, a word for it) and its labels (in every language the member may type): the
    first one named or labelled in full, else every one whose label starts with it (one
    is that choice; several, the member has to say which; none, it names no choice)."""
    wanted = folded(typed)
    if not wanted:
        return []
    listed = [
        (item, {folded(n) for n in names}, [folded(lb) for lb in labels])
        for item, names, labels in choices
    ]
    whole = [item for item, names, labels in listed if wanted in names or wanted in labels]
    if whole:
        return whole[:1]
    return [item for item, _, labels in listed if any(lb.startswith(wanted) for lb in labels)]
