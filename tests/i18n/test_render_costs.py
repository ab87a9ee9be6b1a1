"""What writing a catalog text costs: the work a text needs, once.

Most texts hold no plural block and no ``{n, number}``: they are their own template and
go straight to ``str.format`` (before, each was searched for plurals and numbers at every
write). A text without values is written once per language (a reply's field names and
labels come back with every reply)."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from babel.plural import PluralRule

from bot.chat.refs import MemberRef, Moment
from bot.chat.text import Join, Rows, lines, render, text
from bot.i18n import Catalog, load_catalog
from bot.i18n import message as message_module
from bot.text import inert_markdown
from cogs.render import MARKUP


def profiled(work: Callable[[], object]) -> dict[tuple[str, int, str], tuple[int, ...]]:
    """cProfile's figures for ``work``: (file, line, function) → (calls, …)."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        work()
    finally:
        profile.disable()
    stats: dict[tuple[str, int, str], tuple[int, ...]]
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return stats


def calls(work: Callable[[], object], function: Callable[..., object]) -> int:
    """How many times ``work`` called ``function`` (a module-level Python function)."""
    code = function.__code__
    stats = profiled(work)
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


def test_a_counts_plural_category_is_found_once_per_language() -> None:
    """Babel evaluates the language's plural rule at every call (~10 µs); a reply's counts
    come back from one reply to the next."""
    text = "{count, plural, one {# answer} other {# answers}}"

    def write() -> list[str]:
        return [
            message_module.render(text, language, {"count": 7}) for language in ("en", "fr") * 3
        ]

    assert write() == ["7 answers"] * 6
    assert calls(write, PluralRule.__call__) == 0  # both found by the call above
    message_module._category.cache_clear()
    message_module._resolved.cache_clear()
    assert calls(write, PluralRule.__call__) == 2


def test_a_plural_text_is_resolved_once_per_language_and_counts() -> None:
    """A reply's plural texts come back with the same counts (one "facilitated # times"
    per member of a line): the branch a count picks is resolved once per language and
    count, not at every line; the other values are still filled in at every call."""
    text = "{n}. {user} — {count, plural, one {# time} other {# times}}"

    def write() -> list[str]:
        return [
            message_module.render(text, language, {"n": n, "user": f"<@{n}>", "count": n % 3})
            for language in ("en", "fr")
            for n in range(30)
        ]

    def write_float() -> str:
        return message_module.render(text, "fr", {"n": 1, "user": "x", "count": 1.5})

    resolved_before = write()
    assert resolved_before[:3] == ["0. <@0> — 0 times", "1. <@1> — 1 time", "2. <@2> — 2 times"]
    assert resolved_before[30] == "0. <@0> — 0 time"  # French "one" covers zero
    assert calls(write, message_module._resolve) == 0  # 60 before: one per line
    message_module._resolved.cache_clear()
    assert calls(write, message_module._resolve) == 6  # three counts in two languages
    assert write() == resolved_before
    # A float count (rare) is resolved at every call, as before.
    assert write_float() == "1. x — 1,5 time"
    assert calls(write_float, message_module._resolve) == 1


def builtin_calls(work: Callable[[], object], name: str) -> int:
    """How many times ``work`` called the builtin ``name`` (``isinstance``)."""
    wanted = f"<built-in method builtins.{name}>"
    return sum(n for (_, _, function), (n, *_) in profiled(work).items() if function == wanted)


def test_a_reply_s_texts_are_told_apart_by_their_type() -> None:
    """A reply's text is a tree of ~45 pieces, each a text, a join or a reference:
    walking it tells each kind by its exact type, not by a chain of isinstance checks
    (a third of the walk's time)."""
    catalog = load_catalog()
    reply = lines(
        text("admin.status.title"),
        *(
            text("checkins.digest.help_line", member=MemberRef(user_id=n), text="Help")
            for n in range(5)
        ),
        Join(parts=(text("admin.not_set"), "typed by a member"), sep=" "),
    )

    def write() -> str:
        return render(reply, "en", catalog, MARKUP)

    assert write().startswith(catalog.t("en", "admin.status.title") + "\n")
    assert builtin_calls(write, "isinstance") <= 40


def test_a_texts_values_are_told_apart_by_their_type() -> None:
    """A panel of coming dates holds ~70 values (members, moments, texts, numbers):
    building it and writing it tell each value's kind by its exact type (before: a
    chain of isinstance checks, 420 calls to build it and 340 to write it)."""
    catalog = load_catalog()
    at = datetime(2026, 12, 9, 16, tzinfo=UTC)

    def build() -> Join:
        return lines(
            *(
                text(
                    "facilitation.show.date",
                    title="PLC meeting",
                    when=Moment(at=at + timedelta(days=7 * n)),
                    user=MemberRef(user_id=n + 1),
                    status=text("facilitation.show.status_offered"),
                )
                for n in range(20)
            )
        )

    reply = build()
    written = render(reply, "en", catalog, MARKUP)
    assert written.count("<@") == 20 and written.count("<t:") == 20
    assert builtin_calls(build, "isinstance") == 0  # 420 before
    write = lambda: render(reply, "en", catalog, MARKUP)  # noqa: E731
    assert builtin_calls(write, "isinstance") <= 220  # 340 before


def validations(work: Callable[[], object]) -> int:
    """How many times ``work`` had pydantic validate something."""
    stats = profiled(work)
    return sum(n for (_, _, name), (n, *_) in stats.items() if "'validate_python' of" in name)


def test_a_list_of_rows_is_one_value_written_from_one_template() -> None:
    """20 coming dates as the rows of one message: one model to validate (a Join of a
    text each: 21), each line one format call on the message found once (no catalog
    write per line), and the meeting's title, the same on every line, escaped once."""
    catalog = load_catalog()
    at = datetime(2026, 12, 9, 16, tzinfo=UTC)
    refs = [(Moment(at=at + timedelta(days=7 * n)), MemberRef(user_id=n + 1)) for n in range(20)]
    status = text("facilitation.show.status_offered")

    def build() -> Rows:
        return Rows(
            key="facilitation.show.date",
            names=("title", "when", "user", "status"),
            rows=tuple(("PLC *meeting*", when, user, status) for when, user in refs),
        )

    assert validations(build) == 1
    listed = build()
    write = lambda: render(listed, "en", catalog, MARKUP)  # noqa: E731
    written = write()
    assert written.count("<@") == 20 and written.count("<t:") == 20
    assert written.count(r"**PLC \*meeting\***") == 20
    assert calls(write, message_module.render) == 0
    assert calls(write, inert_markdown) == 1
