"""The one pair of paging buttons (``/plc audit``, ``/actions``): previous and next page."""

from __future__ import annotations

from collections.abc import Callable

from bot.paging import Paged
from cogs.buttons import RoutedButton, button

PAGING_ROW = 4
"""Discord's last row of components: the paging buttons stay apart from a page's own."""


def page_buttons(
    paged: Paged, custom_id: Callable[[int], str], *, previous: str, following: str
) -> list[RoutedButton]:
    """Buttons to the page before and after ``paged`` (``custom_id(page)`` routes them),
    disabled at either end."""
    return [
        button(custom_id(paged.page - 1), label=previous, disabled=paged.page <= 1, row=PAGING_ROW),
        button(
            custom_id(paged.page + 1),
            label=following,
            disabled=paged.page >= paged.pages,
            row=PAGING_ROW,
        ),
    ]
