"""What writing ``/checkin me``'s weeks costs: each run of lines of one message is the
rows of that message, and a whole number a week reported is written on the plain path,
not the catalog's whole write of a decimal once per week."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat import Message
from bot.i18n import Catalog, load_catalog
from bot.i18n import message as message_module
from bot.i18n.message import format_number
from bot.services.checkins import replies
from bot.services.checkins.models import CheckinHistory, WeekEntry
from cogs.render import Renderer
from tests.i18n.test_render_costs import calls
from tests.markup import rendered_plainly

WHEN = datetime(2026, 11, 23, tzinfo=UTC)


def _history(*numbers: tuple[float, ...]) -> CheckinHistory:
    """The week open now, then a week answered for each of ``numbers``, newest first."""
    weeks = [WeekEntry(checkin_id=0, week="2026-W48", opened_at=WHEN, status="open")]
    weeks += [
        WeekEntry(
            checkin_id=n, week=f"2026-W{47 - n:02d}", opened_at=WHEN, status="answered", numbers=v
        )
        for n, v in enumerate(numbers)
    ]
    return CheckinHistory(streak=len(numbers), best_streak=len(numbers), answered=3, weeks=weeks)


def test_the_weeks_are_written_without_a_catalog_write_each() -> None:
    """Eleven weeks each reporting a whole number: the status line of each week is still a
    text, but not the line with its number (before: 25 catalog texts and 25 whole writes
    for the panel; now 14 and 14, the title, the streak and each week's status)."""
    history = _history(*[(float(40 + n),) for n in range(11)])
    panel = replies.history_panel(history)
    renderer = Renderer(load_catalog(), "fr")

    def write() -> object:
        return renderer.message(Message(panels=(panel,)))

    write()
    assert calls(write, Catalog.t) <= 14, calls(write, Catalog.t)
    assert calls(write, message_module.render) <= 14, calls(write, message_module.render)
    [embed] = renderer.message(Message(panels=(panel,))).embeds
    assert embed.fields[0].value.splitlines()[:3] == [
        "⏳ Semaine du 23 novembre (ouvert)",
        "✅ Semaine du 16 novembre : 40",
        "✅ Semaine du 9 novembre : 41",
    ]


def test_a_whole_number_is_written_as_its_decimal_was() -> None:
    """The plain path writes a whole number under a thousand with its digits alone, as
    each language writes the same decimal: the text shown is unchanged."""
    for language in ("en", "fr"):
        assert all(format_number(float(n), language) == str(n) for n in range(1000))
    history = _history((12.0,), (999.0,), (1000.0,), (2.5,), (3.0, 4.0), (-1.0,))
    field = replies.history_panel(history).fields[0].value
    assert rendered_plainly([field], "fr") == [
        "⏳ Semaine du 23 novembre (ouvert)\n✅ Semaine du 16 novembre : 12\n"
        "✅ Semaine du 9 novembre : 999\n✅ Semaine du 2 novembre : 1\u202f000\n"
        "✅ Semaine du 26 octobre : 2,5\n✅ Semaine du 19 octobre : 3 · 4\n"
        "✅ Semaine du 12 octobre : -1"
    ]
