"""A list of lines of one catalog message (:class:`bot.chat.text.Rows`): shown exactly as
the same lines written as a :class:`Join` of a :class:`Text` each, on Discord, on Teams
and in plain text, in both languages; kept through JSON like the other kinds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from bot.chat import Join, MemberRef, Message, Moment, Panel, PanelField, Rows, Text, render
from bot.chat.text import Param, references
from bot.emulator.teams.validation import card_errors
from bot.i18n import LANGUAGES, load_catalog
from cogs.render import MARKUP, Renderer
from teams.markup import Lookup
from teams.render import CardRenderer
from tests.markup import PLAIN

CATALOG = load_catalog()
AT = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
DATE = "facilitation.show.date"
DATE_NAMES = ("title", "when", "user", "status")
LINE = "facilitation.show.line"
LINE_NAMES = ("number", "user", "count", "marks")
TITLE = "PLC *meeting* <#1>"  # a member's words: shown inert wherever written


def date_rows() -> list[tuple[Param, ...]]:
    nobody = Text(key="facilitation.show.nobody")
    return [
        (
            TITLE,
            Moment(at=AT + timedelta(days=7 * n)),
            MemberRef(user_id=-3) if n % 3 else nobody,
            Text(key="facilitation.show.status_offered"),
        )
        for n in range(5)
    ]


def line_rows() -> list[tuple[Param, ...]]:
    marks = Join(parts=(Text(key="facilitation.show.next"),), sep=", ", prefix=" — ")
    return [(n, MemberRef(user_id=-3 - n), n % 3, marks if n == 1 else "") for n in range(1, 5)]


def both_ways(key: str, names: tuple[str, ...], rows: list[tuple[Param, ...]]) -> tuple[Any, Join]:
    """The rows as one :class:`Rows`, and as the Join of a Text each it replaces."""
    listed = Rows(key=key, names=names, rows=tuple(rows))
    texts = Join(
        parts=tuple(Text(key=key, params=dict(zip(names, row, strict=True))) for row in rows)
    )
    return listed, texts


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("markup", [MARKUP, PLAIN], ids=["discord", "plain"])
@pytest.mark.parametrize(
    ("key", "names", "rows"), [(DATE, DATE_NAMES, date_rows()), (LINE, LINE_NAMES, line_rows())]
)
def test_rows_read_as_the_texts_they_replace(
    language: str, markup: Any, key: str, names: tuple[str, ...], rows: list[tuple[Param, ...]]
) -> None:
    listed, texts = both_ways(key, names, rows)
    written = render(listed, language, CATALOG, markup)  # type: ignore[arg-type]
    assert written == render(texts, language, CATALOG, markup)  # type: ignore[arg-type]
    assert len(written.split("\n")) == len(rows)


def test_rows_on_discord_write_mentions_timestamps_and_members_words_inert() -> None:
    listed, _ = both_ways(DATE, DATE_NAMES, date_rows())
    first, second = Renderer(CATALOG, "fr").text(listed).split("\n")[:2]
    assert first == (r"**PLC \*meeting\* \<\#1\>** — <t:1796329800:F> : personne (sollicité·e)")
    assert second.startswith(r"**PLC \*meeting\* \<\#1\>** — <t:1796934600:F> : <@-3> (")


def test_rows_on_teams_are_the_same_card_with_the_same_mentions() -> None:
    listed, texts = both_ways(DATE, DATE_NAMES, date_rows())
    lookup = Lookup(members={-3: ("29:1bob", "Bob Martin")})

    def card(value: Any) -> dict[str, Any]:
        panel = Panel(
            fields=(PanelField(name=Text(key="facilitation.show.upcoming"), value=value),)
        )
        renderer = CardRenderer(CATALOG, "en", lookup, pinged=(-3,))
        return renderer.card(Message(panels=(panel,)))

    shown = card(listed)
    assert shown == card(texts)
    assert card_errors(shown) == []
    lines = [block["text"] for block in shown["body"][0]["items"][1:]]
    assert lines[1] == (
        r"**PLC \*meeting\* <#1>** — {{DATE(2026-12-10T20:30:00Z, LONG)}} "
        "{{TIME(2026-12-10T20:30:00Z)}}: <at>Bob Martin</at> (asked)"
    )
    assert shown["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Bob Martin</at>",
            "mentioned": {"id": "29:1bob", "name": "Bob Martin"},
        }
    ]


def test_rows_name_their_references_and_keep_through_json() -> None:
    listed, _ = both_ways(LINE, LINE_NAMES, line_rows())
    assert [ref.user_id for ref in references(listed)] == [-4, -5, -6, -7]  # type: ignore[union-attr]
    message = Message(panels=(Panel(fields=(PanelField(name="Line", value=listed),)),))
    assert len(list(message.references())) == 4  # what Teams looks up before writing
    assert Rows.model_validate_json(listed.model_dump_json()) == listed
    assert Rows.model_validate(listed.model_dump()) == listed


def test_a_row_without_a_value_for_each_name_or_with_an_unknown_value_is_refused() -> None:
    with pytest.raises(ValidationError, match="one value for each"):
        Rows(key=DATE, names=DATE_NAMES, rows=(("title", Moment(at=AT)),))
    with pytest.raises(ValidationError):
        Rows(key=DATE, names=("title",), rows=((datetime(2026, 1, 1),),))  # type: ignore[arg-type]
    assert render(Rows(key=DATE, names=DATE_NAMES, rows=()), "en", CATALOG, PLAIN) == ""
