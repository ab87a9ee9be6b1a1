"""Cleaning what users type before it is stored or posted: empty, over-long or
control-character-only text is refused with the limit stated, stray control characters are
stripped, and markdown that could disguise a link is shown as text. And :func:`folded`,
to compare what was typed with a word, accents and case aside."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from bot.errors import UserError

if TYPE_CHECKING:
    from bot.chat.text import Text


def folded(text: str) -> str:
    """Lower case without accents or outer space, to compare what members type: "echange "
    finds "Échange", and "défaut" "Defaut"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Everything in Unicode category C (controls, format, unassigned) except line breaks
# and tabs in multi-line fields; zero-width and bidi overrides go too.
_KEEP_MULTILINE = frozenset("\n\t")


def clean_text(
    value: str | None,
    *,
    field: str | Text,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Strip control characters and outer space; refuse empty or over-long text.

    Raises :class:`UserError` naming ``field`` (its id, or its text when it depends on
    data) and the limit.
    """
    text = (value or "").replace("\r\n", "\n")
    keep = _KEEP_MULTILINE if multiline else frozenset()
    if not text.isprintable():  # else no character of category C: nothing to strip
        # Each distinct character looked up once: a 4,000-character answer has ~80.
        for ch in set(text) - keep:
            if unicodedata.category(ch).startswith("C"):
                text = text.replace(ch, "")
    if multiline:
        text = re.sub(r"\n{3,}", "\n\n", text)
    text = text.strip()
    if not text:
        if required:
            raise UserError("errors.text_empty", field=field)
        return ""
    if len(text) > max_length:
        raise UserError("errors.text_too_long", field=field, limit=max_length, length=len(text))
    return text


_MARKDOWN_SPECIALS = re.compile(r"([\\\[\]()<>*_`~|#>-])")


def inert_markdown(text: str) -> str:
    """Show user text as typed: no masked links, headings, quotes or ``<url>`` embeds.

    Every Markdown special character is backslash-escaped, which Discord renders as
    the plain character; mentions are neutralized separately by ``allowed_mentions``.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
