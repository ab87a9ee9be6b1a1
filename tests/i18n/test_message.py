"""How a catalog value is formatted: plurals by each language's rules, numbers its way."""

from __future__ import annotations

import pytest

from bot.i18n.message import MessageError, check, format_number, placeholders, render

VOTES = "{count, plural, =0 {no vote} one {# vote} other {# votes}} from {who}"


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 0, "no vote from x"),
        ("en", 1, "1 vote from x"),
        ("en", 2, "2 votes from x"),
        ("en", 1500, "1,500 votes from x"),
        ("fr", 1, "1 vote from x"),
        ("fr", 1.5, "1,5 vote from x"),
        ("fr", 1500, "1\u202f500 votes from x"),
        ("fr", 1_000_000, "1\u202f000\u202f000 votes from x"),  # CLDR "many" falls back
    ],
)
def test_a_plural_picks_the_languages_branch(language: str, count: float, expected: str) -> None:
    assert render(VOTES, language, {"count": count, "who": "x"}) == expected


def test_french_one_covers_zero_and_english_one_does_not() -> None:
    text = "{n, plural, one {# entry} other {# entries}}"
    assert render(text, "fr", {"n": 0}) == "0 entry"
    assert render(text, "en", {"n": 0}) == "0 entries"


def test_branches_hold_placeholders_and_nested_plurals() -> None:
    text = "{a, plural, one {**{b}** of # {c, plural, one {# x} other {# xs}}} other {# a}}"
    assert render(text, "en", {"a": 1, "b": "B", "c": 3}) == "**B** of 1 3 xs"
    assert placeholders(text) == {"a", "b", "c"}


def test_floats_are_written_the_languages_way_and_ints_are_left_alone() -> None:
    text = "from {baseline} to {target} in <#{channel_id}>"
    params = {"baseline": 3.5, "target": 1207.25, "channel_id": 1578793360456548356}
    assert render(text, "fr", params) == "from 3,5 to 1\u202f207,25 in <#1578793360456548356>"
    assert render(text, "en", params) == "from 3.5 to 1,207.25 in <#1578793360456548356>"
    assert format_number(12.0, "fr") == "12"
    assert format_number(1207.5, "fr", grouping=False) == "1207,5"


def test_a_number_is_written_once_per_language_and_kind() -> None:
    """Replies write the same small counts again and again: Babel formats each once."""
    format_number.cache_clear()
    assert format_number(1500, "fr") == "1\u202f500"
    assert format_number(1500, "fr") == "1\u202f500"
    assert format_number(1500, "en") == "1,500"
    assert format_number(1500.0, "en", grouping=False) == "1500"
    info = format_number.cache_info()
    assert (info.hits, info.misses) == (1, 3)


def test_user_text_in_parameters_is_never_parsed() -> None:
    assert render("{text}", "en", {"text": "{count, plural, other {#}}"}) == (
        "{count, plural, other {#}}"
    )


@pytest.mark.parametrize(
    "text",
    ["{n, plural, one {# x}}", "{n, plural, one {# x} other {# y}", "{n, plural, lots {x}}"],
)
def test_a_malformed_plural_is_refused(text: str) -> None:
    with pytest.raises(MessageError):
        check(text)


def test_a_number_argument_is_written_the_languages_way() -> None:
    text = "{length, plural, one {# character} other {# characters}}, the limit is {limit, number}"
    assert render(text, "fr", {"length": 1001, "limit": 1000}) == (
        "1\u202f001 characters, the limit is 1\u202f000"
    )
    assert placeholders(text) == {"length", "limit"}
