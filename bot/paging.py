"""A long list shown a page at a time (``/plc audit``, ``/actions``): where a page sits,
and the one pair of buttons to the page before and after."""

from __future__ import annotations

from collections.abc import Callable

from bot.chat.layout import Button, Row
from bot.chat.text import Content
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


def page_row(
    paged: Paged, action: Callable[[int], str], *, previous: Content, following: Content
) -> Row:
    """The buttons to the page before and after ``paged`` (``action(page)`` routes them),
    disabled at either end."""
    return (
        Button(action=action(paged.page - 1), label=previous, disabled=paged.page <= 1),
        Button(action=action(paged.page + 1), label=following, disabled=paged.page >= paged.pages),
    )
