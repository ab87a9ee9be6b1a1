"""What writing a catalog text costs: the work a text needs, once.

Most texts hold no plural block and no ``{n, number}``: they are their own template and
go straight to ``str.format`` (before, each was searched for plurals and numbers at every
write). A text without values is written once per language (a reply's field names and
labels come back with every reply)."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable

from bot.i18n import Catalog, load_catalog
from bot.i18n import message as message_module


def calls(work: Callable[[], object], function: Callable[..., object]) -> int:
    """How many times ``work`` called ``function`` (a module-level Python function)."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        work()
    finally:
        profile.disable()
    code = function.__code__
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(
        n
        for (file, line, name), (n, *_) in stats.items()
        if (file, line, name) == (code.co_filename, code.co_firstlineno, code.co_name)
    )


def test_a_text_without_plurals_or_numbers_is_its_own_template() -> None:
    catalog = load_catalog()
    text = "The facilitator role {role} cannot see {what}"
    values = {"role": "@Facilitators", "what": "Apps › Moderate"}

    def write() -> object:
        return message_module.render(text, "en", values)

    assert write() == "The facilitator role @Facilitators cannot see Apps › Moderate"
    assert calls(write, message_module._resolve) == 0
    # A plural still goes through its branches.
    counted = "{count, plural, one {# vote} other {# votes}}"
    assert message_module.render(counted, "fr", {"count": 2}) == "2 votes"
    assert catalog.t("en", "admin.not_set") == "not set"


def test_a_text_without_values_is_written_once_per_language() -> None:
    shared = load_catalog()
    catalog = Catalog(shared.messages, shared.commands)

    def write() -> list[str]:
        return [catalog.t(language, "admin.status.title") for language in ("en", "fr") * 3]

    assert calls(write, message_module.render) == 2
    english, french = shared.t("en", "admin.status.title"), shared.t("fr", "admin.status.title")
    assert write() == [english, french] * 3
