"""The one way to answer an autocomplete: what matches the member's text so far."""

from __future__ import annotations

from collections.abc import Iterable

from bot.text import folded

SUGGESTIONS_MAX = 25


def matching(
    choices: Iterable[tuple[str, str]], current: str, *, limit: int = SUGGESTIONS_MAX
) -> list[tuple[str, str]]:
    """The (value, label) pairs whose value or label contains ``current`` (accents and
    case aside), those that start with it first, at most ``limit``."""
    wanted = folded(current.strip())
    starts, contains = [], []
    for value, label in choices:
        haystacks = (folded(value), folded(label))
        if any(h.startswith(wanted) for h in haystacks):
            starts.append((value, label))
        elif any(wanted in h for h in haystacks):
            contains.append((value, label))
    return (starts + contains)[:limit]
