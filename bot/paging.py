"""A long list shown a page at a time (``/plc audit``, ``/actions``): where a page sits."""

from __future__ import annotations

from bot.frozen import Frozen


class Paged(Frozen):
    """The position of one page; the models of paged lists extend it with their rows."""

    page: int
    """From 1."""
    pages: int
    total: int
    """Rows in the whole list."""


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` rows ``total`` rows take (one, even when there are none)."""
    return max(1, -(-total // size))
