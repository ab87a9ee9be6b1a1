"""Every message key the code names exists in both catalogs (issue 9).

The check is static (:mod:`tests.i18n.key_usage`): a misspelt key fails here, not in
front of a member as "unexpected error". The tests below the first one show what the
checker reports, on small sources.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, load_catalog
from tests.i18n.key_usage import missing_keys, source_files

ROOT = Path(__file__).resolve().parents[2]

KEYS = {
    "meetings.errors.duration",
    "meetings.rsvp.going",
    "meetings.rsvp.maybe",
    "questions.post.question_title",
    "questions.post.topic_title",
    "questions.review.approve",
    "questions.ask.posted",
    "errors.not_facilitator",
}


def _missing(source: str, keys: set[str] = KEYS) -> list[str]:
    return [f"{r.line}: {r.shown}" for r in missing_keys({"cogs/demo.py": source}, keys)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_code_names_is_in_the_catalog(language: str) -> None:
    keys = load_catalog().messages[language].keys()
    missing = missing_keys(source_files(ROOT, "bot", "cogs"), keys)
    if missing:
        pytest.fail(
            f"message keys used in the code but absent from bot/i18n/locales/*.{language}.toml"
            " ({a|b}: each value the code can give, *: decided at run time):\n"
            + "\n".join(map(str, missing)),
            pytrace=False,
        )


def test_a_misspelt_key_is_reported_with_its_place() -> None:
    source = (
        "from bot.errors import UserError\n"
        "\n"
        "def check(minutes: int) -> None:\n"
        "    raise UserError('meetings.errors.durration', minutes=minutes)\n"
    )
    missing = missing_keys({"bot/services/demo.py": source}, load_catalog().messages["en"].keys())
    assert [str(r) for r in missing] == [
        "bot/services/demo.py:4: meetings.errors.durration    <- 'meetings.errors.durration'"
    ]


def test_a_key_argument_is_checked_whatever_its_feature() -> None:
    # "meeting." is no catalog's feature, but t()'s second argument is always a key.
    source = "text = catalog.t(language, 'meeting.errors.duration')\n"
    assert _missing(source) == ["1: meeting.errors.duration"]


def test_a_key_argument_must_be_a_message_not_a_table() -> None:
    assert _missing("t(interaction, 'meetings.rsvp')\n") == ["1: meetings.rsvp"]
    assert _missing("PREFIX = 'meetings.rsvp'\n") == []  # completed later: a table will do


def test_keys_in_constants_tables_and_keywords_are_checked() -> None:
    source = (
        "ROWS = [('meetings.rsvp.going', 1), ('meetings.rsvp.maybee', 2)]\n"
        "notice = Notice(language='en', key='errors.not_facilitatr')\n"
        "line = StatusLine(key='meetings.errors.duration')\n"
    )
    assert _missing(source) == ["1: meetings.rsvp.maybee", "2: errors.not_facilitatr"]


def test_strings_that_only_look_like_keys_are_left_alone() -> None:
    source = (
        "File(data, filename='meetings.csv')\n"
        "EXTENSIONS = ['cogs.meetings', 'meeting.schedule']  # module names, audit actions\n"
        "LOGGER = 'meetings.reminders'  # not a message key\n"
        "'''See meetings.rsvp.going.'''\n"
    )
    assert _missing(source) == []


def test_each_value_of_a_literal_placeholder_needs_its_key() -> None:
    source = (
        "from typing import Literal\n"
        "Kind = Literal['question', 'topic', 'poll']\n"
        "class Item(BaseModel):\n"
        "    kind: Kind\n"
        "def title(item: Item) -> str:\n"
        "    return catalog.t(language, f'questions.post.{item.kind}_title')\n"
    )
    assert _missing(source) == ["6: questions.post.poll_title"]


def test_values_from_a_fixed_tuple_and_from_callers_are_checked() -> None:
    source = (
        "def buttons():\n"
        "    for action, key in (('approve', 'approve'), ('reject', 'reject')):\n"
        "        label = t(interaction, f'questions.review.{key}')\n"
        "def answer(choice: str) -> str:\n"
        "    return t(interaction, f'meetings.rsvp.{choice}')\n"
        "going, cant = answer('going'), answer(choice='cant')\n"
    )
    assert _missing(source) == ["3: questions.review.reject", "5: meetings.rsvp.cant"]


def test_a_placeholder_nobody_can_know_needs_one_key_of_that_shape() -> None:
    assert _missing("t(interaction, f'meetings.rsvp.{answer()}')\n") == []
    assert _missing("t(interaction, f'meetings.reply.{answer()}')\n") == ["1: meetings.reply.*"]


def test_a_prefix_built_in_a_variable_is_followed() -> None:
    source = (
        "prefix = f\"questions.{'ask' if kind == 'question' else 'topic'}\"\n"
        "text = t(interaction, f'{prefix}.posted')\n"
    )
    assert _missing(source, KEYS | {"questions.topic.other"}) == ["2: questions.topic.posted"]
