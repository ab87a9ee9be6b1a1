"""The one way to answer an autocomplete: what matches the member's text so far."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

SUGGESTIONS_MAX = 25


def _folded(text: str) -> str:
    """Lower case without accents, so "echange" finds "Échange"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matching(
    choices: Iterable[tuple[str, str]], current: str, *, limit: int = SUGGESTIONS_MAX
) -> list[tuple[str, str]]:
    """The (value, label) pairs whose value or label contains ``current`` (accents and
    case aside), those that start with it first, at most ``limit``."""
    wanted = _folded(current.strip())
    starts, contains = [], []
    for value, label in choices:
        haystacks = (_folded(value), _folded(label))
        if any(h.startswith(wanted) for h in haystacks):
            starts.append((value, label))
        elif any(wanted in h for h in haystacks):
            contains.append((value, label))
    return (starts + contains)[:limit]
