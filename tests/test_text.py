"""Cleaning typed text: what is stripped, and what it costs on a long answer."""

from __future__ import annotations

import unicodedata

import pytest

from bot import text as text_module
from bot.errors import UserError
from bot.text import clean_text


def reference(value: str, *, multiline: bool) -> str:
    """Every character of Unicode category C dropped but line breaks and tabs when
    ``multiline``: the rule, one character at a time."""
    keep = "\n\t" if multiline else ""
    return "".join(ch for ch in value if ch in keep or not unicodedata.category(ch).startswith("C"))


# Every code point of the first planes' interesting blocks, controls, format characters,
# private use and unassigned ones among them; surrogates cannot stand in a str alone.
SAMPLE = "".join(
    chr(code)
    for start, end in ((0x0, 0x800), (0x2000, 0x2070), (0xD7F0, 0xD800), (0xE000, 0xE010),
                       (0xFDD0, 0xFE10), (0xFFF0, 0x10000), (0xE0000, 0xE0080))
    for code in range(start, end)
)  # fmt: skip


@pytest.mark.parametrize("multiline", [False, True])
def test_every_character_of_category_c_goes_and_only_those(multiline: bool) -> None:
    cleaned = clean_text(f"x{SAMPLE}x", field="f", max_length=10**6, multiline=multiline)
    expected = reference(f"x{SAMPLE}x", multiline=multiline).strip()
    if multiline:
        expected = expected.replace("\n\n\n", "\n\n")  # the one line break run in SAMPLE
    assert cleaned == expected
    assert "\u200b" not in cleaned and "\u202e" not in cleaned and "\x07" not in cleaned
    assert "\u00a0" in cleaned  # a no-break space (French typography) is kept


def test_text_with_nothing_to_strip_is_kept_as_typed() -> None:
    typed = "Deux groupes de lecture : le second a mieux fonctionné. « Oui ! »"
    assert clean_text(f"  {typed}\r\n", field="f", max_length=500) == typed
    assert clean_text("a\r\n\n\n\n\tb", field="f", max_length=50, multiline=True) == "a\n\n\tb"


def test_a_long_answer_looks_each_distinct_character_up_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 4,000-character answer was looked up character by character (~0.6 ms); now by
    its distinct characters, and not at all when nothing in it is unprintable."""
    looked_up: list[str] = []
    real = unicodedata.category

    def category(ch: str) -> str:
        looked_up.append(ch)
        return real(ch)

    monkeypatch.setattr(text_module.unicodedata, "category", category)
    answer = "Ran the reading groups twice; the second went better.\u200b " * 70
    cleaned = clean_text(answer, field="f", max_length=5000)
    assert "\u200b" not in cleaned and len(cleaned) == len(answer.strip()) - 70
    assert len(looked_up) == len(set(answer))
    looked_up.clear()
    clean_text(answer.replace("\u200b", ""), field="f", max_length=5000)
    assert looked_up == []


def test_empty_and_over_long_text_are_refused() -> None:
    with pytest.raises(UserError) as empty:
        clean_text("\u200b \x07", field="f", max_length=10)
    assert empty.value.key == "errors.text_empty"
    with pytest.raises(UserError) as long:
        clean_text("x" * 11, field="f", max_length=10)
    assert long.value.key == "errors.text_too_long"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" Échange de pratiques ", "echange de pratiques"), ("DÉFAUT", "defaut"), ("Noël", "noel")],
)
def test_what_members_type_is_compared_without_case_accents_or_outer_space(
    typed: str, stored: str
) -> None:
    assert text_module.folded(typed) == stored
