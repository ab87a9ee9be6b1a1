"""Dates members type, through the real stack: every field reads them with the one
parser, in the member's own time zone when they set one, and every reply says the date
back with its weekday and the zone it was read in.

START (tests/conftest.py) is Monday 2026-11-23 09:00 in Toronto (15:00 in Paris).
"""

from __future__ import annotations

from datetime import date, time

from bot.db import goals as goals_db
from bot.db import meetings as meetings_db
from bot.db.facilitation import actions as actions_db
from bot.services.community import MemberService
from tests.e2e.facilitation import answer, button_of, click, last_with, live_thread, run
from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import confirm, preview


async def due_dates(h: Harness) -> list[date | None]:
    async with h.bot.core.db.read() as conn:
        rows = await actions_db.listing(conn, h.guild.id, None, True)
    return [a.due_on for a in sorted(rows, key=lambda a: a.id)]


async def join(h: Harness, *names: str) -> None:
    opening = last_with(h, h.channel("general"), "plc:ses:join:")
    for name in names:
        await click(h, name, opening, "plc:ses:join:")


async def test_session_action_due_reads_french_and_english_weekdays(harness: Harness) -> None:
    h = harness
    await h.setup_community(language="fr")
    await run(h, "alice", "session start", protocol="exchange")
    await join(h, "alice", "bob", "chloe")

    friday = await run(h, "alice", "session action", text="Lire", due="vendredi prochain")
    assert "vendredi 27 novembre 2026" in friday and "America/Toronto" in friday
    thursday = await run(h, "bob", "session action", text="Read", due="jeudi 15h")
    assert "Thursday 26 November 2026" in thursday and "America/Toronto" in thursday
    english = await run(h, "bob", "session action", text="Call", due="next Friday")
    assert "Friday 27 November 2026" in english

    # The Add action form goes through the same reader.
    panel = last_with(h, await live_thread(h), "plc:ses:add:")
    add = button_of(panel, "plc:ses:add:")
    opened = await h.emu.click(h.user("chloe"), panel, add)
    submitted = await h.emu.submit_modal(
        h.user("chloe"), opened, {"text": "Observer", "due": "vendredi prochain"}
    )
    assert "vendredi 27 novembre 2026" in await answer(submitted)
    opened = await h.emu.click(h.user("chloe"), panel, add)
    wrong = await h.emu.submit_modal(h.user("chloe"), opened, {"text": "x", "due": "jeudi 4 déc"})
    assert "`echeance`" in await answer(wrong)  # Dec 4 is a Friday: refused, nothing saved
    friday, thursday = date(2026, 11, 27), date(2026, 11, 26)
    assert await due_dates(h) == [friday, thursday, friday, friday]


async def test_dates_are_read_in_the_members_own_zone(harness: Harness) -> None:
    """At 09:00 in Toronto it is 15:00 in Paris: "demain 10h" is a Paris morning."""
    h = harness
    await h.setup_community(language="en")
    saved = await run(h, "alice", "me timezone", name="Europe/Paris")
    assert "read in this zone" in saved or "lues dans ce fuseau" in saved

    shown = await preview(h, "alice", when="demain 10h")
    text = shown.content or ""
    assert "Europe/Paris : mardi 24 novembre 2026 10 h chez vous" in text  # as she typed it
    assert "mardi 24 novembre 2026 4 h (America/Toronto)" in text  # kept for the community
    await confirm(h, shown, "alice")
    async with h.bot.core.db.read() as conn:
        (meeting,) = await meetings_db.meetings_created_by(conn, h.guild.id, h.user("alice"))
    assert (meeting.first_date, meeting.local_time) == (date(2026, 11, 24), time(4, 0))
    assert meeting.timezone == "America/Toronto"

    away = await run(h, "alice", "me away", until="vendredi prochain")
    assert "vendredi 27 novembre 2026" in away and "Europe/Paris" in away
    member = await h.bot.services.get(MemberService).get(h.guild.id, h.user("alice"))
    assert member is not None and member.away_until == date(2026, 11, 27)

    # Bob has no zone of his own: his dates are read in the community's.
    away = await run(h, "bob", "me away", until="Friday")
    assert "Friday 27 November 2026" in away and "America/Toronto" in away


async def test_goal_due_date_is_said_back_with_its_weekday_and_zone(harness: Harness) -> None:
    h = harness
    await h.setup_community(language="en")
    form = await h.slash("bob", "goal set")
    values = {"title": "Read", "measure": "books", "baseline": "0", "target": "4"}
    saved = await h.emu.submit_modal(h.user("bob"), form, values | {"due": "vendredi prochain"})
    text = await answer(saved)
    assert "Friday 27 November 2026" in text and "America/Toronto" in text
    mismatch = await h.emu.submit_modal(
        h.user("bob"), await h.slash("bob", "goal set"), values | {"due": "Thursday Dec 4"}
    )
    assert "names a weekday" in await answer(mismatch)
    async with h.bot.core.db.read() as conn:
        goals = await goals_db.of_member(conn, h.guild.id, h.user("bob"))
    assert [g.due_on for g in goals] == [date(2026, 11, 27)]


async def test_a_past_away_date_is_refused_naming_the_field(harness: Harness) -> None:
    """The refusal names the option the member typed, as the other date fields do."""
    h = harness
    await h.setup_community(language="en")
    english = await run(h, "bob", "me away", until="2026-01-05")
    assert "for the last day of your absence (`until`), 2026-01-05, is in the past" in english
    french = await answer(await h.slash("bob", "me away", until="2026-01-05", locale="fr"))
    assert "pour le dernier jour de votre absence (`jusqu_au`), le 2026-01-05" in french
    member = await h.bot.services.get(MemberService).get(h.guild.id, h.user("bob"))
    assert member is None or member.away_until is None
