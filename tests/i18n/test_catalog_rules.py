"""Rules every catalog value keeps, checked over both languages: counts agree with their
nouns through the plural mechanism, field names read right mid-sentence."""

from __future__ import annotations

import re

import pytest

from bot.i18n import LANGUAGES, load_catalog, placeholders
from bot.i18n.message import outside_plurals, plurals


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Parameters that hold an amount of something: beside a noun they go through a plural.
COUNTS = _names(
    "answered approved best blocked cant count covered days expected extra going hours"
    " in_review latency length limit max maybe minimum minutes pages passed percent questions"
    " rejected removed scheduled spoke streak topics total upvotes votes"
)
# Every other parameter: names, titles, dates, ids, ordinals (#12, page 3), measurements.
NOT_COUNTS = _names(
    "action actor agenda at audience average baseline button by carried channel channel_id"
    " choices closed closes code command commands community community_zone date dates day detail"
    " due duration end example field file goal id key keys kind label language latest lead"
    " left line link links local marks measure meeting member mentions mode moderator monday"
    " name names near new next number numbers offset offsets old option outcome owner page"
    " past permissions place position previous problem problems progress protocol question"
    " reason ref relative repeat replaced retry role shifted since size start status step"
    " suggestions"
    " target text time timestamp title url user user_id value version week weekday what when"
    " where zone"
)
# What may follow a bare count: unit symbols and words that do not change with the number.
INVARIABLE = frozenset({"h", "min", "ms", "j", "d", "fois", "more", "de", "of", "sur"})
BARE_COUNT = re.compile(r"\{(\w+)\}(?:\*\*)?[ \u00a0\u202f]+(\w+)")
PARENTHESIS_PLURAL = re.compile(r"\w\((?:e?s|x)\)")


def _values() -> list[tuple[str, str, str]]:
    catalog = load_catalog()
    return [
        (language, key, text)
        for language in LANGUAGES
        for key, text in catalog.messages[language].items()
    ]


def test_every_parameter_is_known_as_a_count_or_not() -> None:
    names = {name for _, _, text in _values() for name in placeholders(text)}
    assert sorted(names - COUNTS - NOT_COUNTS) == [], "add each new parameter to one list"
    assert not COUNTS & NOT_COUNTS


def test_no_count_stands_beside_a_noun_outside_a_plural() -> None:
    offenders = [
        f"{language} {key}: {match.group(0)}"
        for language, key, text in _values()
        for match in BARE_COUNT.finditer(outside_plurals(text))
        if match.group(1) in COUNTS and match.group(2) not in INVARIABLE
    ]
    assert offenders == []


def test_no_plural_is_written_with_parentheses() -> None:
    offenders = [
        f"{language} {key}: {match.group(0)}"
        for language, key, text in _values()
        for match in PARENTHESIS_PLURAL.finditer(text)
    ]
    assert offenders == []


def test_a_plural_counts_a_count_and_writes_it_as_hash() -> None:
    for language, key, text in _values():
        for block in plurals(text):
            assert block.name in COUNTS, (language, key, block.name)
            for branch in block.branches.values():
                assert f"{{{block.name}}}" not in outside_plurals(branch), (language, key)


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_and_many_read_differently_wherever_a_count_is_a_plural(language: str) -> None:
    """Formatting every plural message with 1 and with 2 gives two different texts."""
    catalog = load_catalog()
    for key, text in catalog.messages[language].items():
        counted = {block.name for block in plurals(text)}
        if not counted:
            continue
        params: dict[str, object] = dict.fromkeys(placeholders(text), 7)
        one = catalog.t(language, key, **{**params, **dict.fromkeys(counted, 1)})
        two = catalog.t(language, key, **{**params, **dict.fromkeys(counted, 2)})
        assert one != two, (language, key)


# Field names inserted into messages as {field}, so written for the middle of a sentence.
FIELD_TABLES = ("errors.fields.", "goals.fields.", "checkins.fields.")
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n)(?:\*\*)?\{field\}")


def test_field_names_are_written_for_the_middle_of_a_sentence() -> None:
    capitalised = [
        f"{language} {key}: {text}"
        for language, key, text in _values()
        if key.startswith(FIELD_TABLES) and not text[:1].islower()
    ]
    assert capitalised == []


def test_no_message_starts_a_sentence_with_a_field_name() -> None:
    offenders = [
        f"{language} {key}: {text}"
        for language, key, text in _values()
        if SENTENCE_START.search(text)
    ]
    assert offenders == []


# A step title ("Round of successes", "Tour de conseils") is a name: it is shown as a
# label, never inside a phrase where it would need an article or an agreement.
STEP_NUMBER_KEYS = {"facilitation.session.already_moved"}  # there {step} is a number
STEP_IN_A_PHRASE = re.compile(r"[^\W\d_]\s+(?:\*\*)?\{step\}|\{step\}(?:\*\*)?\s+[^\W\d_]")


def test_a_step_title_is_shown_as_a_label() -> None:
    offenders = [
        f"{language} {key}: {text}"
        for language, key, text in _values()
        if key not in STEP_NUMBER_KEYS and STEP_IN_A_PHRASE.search(text)
    ]
    assert offenders == []


# Discord writes <t:…:R> as "in 2 days" / "dans 2 jours", "2 days ago" / "il y a 2 jours":
# after one of these words it reads "until in 2 days", "jusqu'à dans 2 jours".
PREPOSITIONS = {
    "en": r"until|till|since|by|on|at|from|before|after",
    "fr": r"jusqu['’]à|jusqu['’]au|depuis(?: le)?|le|à|au|avant|après|dès|d['’]ici|pour",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_relative_time_follows_a_preposition(language: str) -> None:
    clash = re.compile(rf"(?<!\w)(?:{PREPOSITIONS[language]})\s+<t:\{{\w+\}}:R>", re.IGNORECASE)
    offenders = [
        f"{key}: {match.group(0)}"
        for lang, key, text in _values()
        if lang == language
        for match in clash.finditer(text)
    ]
    assert offenders == []


# A member's name may start with a vowel ("Alice"): French would elide a word before it
# ("d'Alice", "qu'Alice"), which a name put in by the bot cannot do, so none stands there.
MEMBER_PARAMS = r"member|user|owner|moderator|actor|by|previous"
ELIDING = re.compile(
    rf"(?<!\w)(?:de|que|le|la|ce|je|me|te|se|ne|jusque|lorsque|puisque)\s+(?:\*\*)?"
    rf"\{{(?:{MEMBER_PARAMS})\}}",
    re.IGNORECASE,
)


# ``{what}`` starts with its article (« le thème nº 1 »): « de » or « à » before it would
# read « de le », « à le » where French contracts them (« du », « au »).
CONTRACTING = re.compile(r"(?<!\w)(?:de|à)\s+\{what\}", re.IGNORECASE)


@pytest.mark.parametrize(
    "rule", [ELIDING, CONTRACTING], ids=["no word elides before a name", "no « de le »"]
)
def test_french_words_before_a_name_put_in_by_the_bot(rule: re.Pattern[str]) -> None:
    offenders = [
        f"{key}: {match.group(0)}"
        for language, key, text in _values()
        if language == "fr"
        for match in rule.finditer(text)
    ]
    assert offenders == []


# French puts a space before « ; », « ! » and « ? » (« rien n'a été fait ; lancez… »); a
# command's or an address's own characters aside (`…`, http…).
TIGHT_FRENCH_PUNCTUATION = re.compile(r"[^\s\"\\`(«/][;!?](?=[\s\"»)]|$)")


def test_french_puts_a_space_before_semicolons_and_question_and_exclamation_marks() -> None:
    offenders = [
        f"{key}: …{text[max(0, match.start() - 20) : match.end() + 5]}…"
        for language, key, text in _values()
        if language == "fr"
        for match in TIGHT_FRENCH_PUNCTUATION.finditer(re.sub(r"`[^`]*`|https?://\S+", "", text))
    ]
    assert offenders == []
