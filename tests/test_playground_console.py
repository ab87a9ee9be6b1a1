"""Playground transcript tests: lines fed to the console, its printed transcript checked.

Each is something a new user tried in their first session (issue 20).
"""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.playground.discord import play

NOV23 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday, 09:00 in Toronto


async def _transcript(tmp_path: Path, script: str, **kwargs: object) -> str:
    out = io.StringIO()
    code = await play(
        tmp_path / "p.sqlite3",
        io.StringIO(script + ":quit\n"),
        out,
        clock=ControlledClock(NOV23),
        **kwargs,  # type: ignore[arg-type]
    )
    assert code == 0
    text = out.getvalue()
    assert "Traceback" not in text
    return text


def _after(text: str, line: str) -> str:
    """The transcript from the echo of ``line`` up to the next line typed."""
    rest = text.split(f"> {line}\n", 1)[1]
    return re.split(r"^\w+> ", rest, maxsplit=1, flags=re.MULTILINE)[0]


def _number(text: str, pattern: str) -> int:
    """The last number the transcript gave to something matching ``pattern`` ((\\d+) in it)."""
    found = re.findall(pattern, text)
    assert found, f"nothing matches {pattern!r} in:\n{text}"
    return int(found[-1])


A_WEEKLY_MEETING_AND_A_CHECKIN = (
    "/rotation join\n"
    '/meeting schedule title:"Team meeting" when:"2026-11-24 16:00" repeat:weekly\n'
    ":click 1\n"
    "/checkin now\n"
)


async def test_advance_runs_every_timer_at_its_own_time(tmp_path: Path) -> None:
    """The meeting's end adds the next rotation offer due at that same instant; the
    timers after it (the check-in's reminder and close) must still run on time."""
    text = await _transcript(
        tmp_path, A_WEEKLY_MEETING_AND_A_CHECKIN + ":advance 3d\n/plc status\n"
    )
    advanced = _after(text, ":advance 3d")
    assert "Closed Wednesday 25 November 2026 09:00" in advanced
    assert "sent late" not in advanced
    assert "Missed" not in _after(text, "/plc status")
    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        late = conn.execute(
            "SELECT kind, status FROM timers WHERE late = 1 OR status != 'done' AND due_at < ?",
            ("2026-11-26T14:00",),
        ).fetchall()
    assert late == []


async def test_a_post_shows_its_relative_times_as_the_clock_reaches_it(tmp_path: Path) -> None:
    """Posts made during :advance are shown when the clock reaches them, so the next
    date's "in 7 days" reads as it did then; :read later shows them as Discord would now.
    A reminder says its lead time as fixed text: it reads the same then and later."""
    text = await _transcript(
        tmp_path, A_WEEKLY_MEETING_AND_A_CHECKIN + ":advance 3d\n:read #announcements\n"
    )
    advanced = _after(text, ":advance 3d")
    assert "⏰ Reminder: **Team meeting** in 1 day — Tuesday 24 November 2026 16:00" in advanced
    assert "⏰ Reminder: **Team meeting** in 1 hour — Tuesday 24 November 2026 16:00" in advanced
    assert "When: Tuesday 1 December 2026 16:00\n    ┃   in 7 days" in advanced
    assert not [line for line in advanced.splitlines() if "Reminder" in line and "ago" in line]
    assert "This meeting is over. Going: 0 · Maybe: 0 · Can't: 0." in advanced
    # The clock line comes last: each post was shown at its own time before it.
    assert advanced.rstrip().splitlines()[-1].strip().startswith("clock: Thursday 26 November")
    read = _after(text, ":read #announcements")
    assert "When: Tuesday 24 November 2026 16:00\n    ┃   2 days ago" in read
    assert "When: Tuesday 1 December 2026 16:00\n    ┃   in 5 days" in read
    assert "⏰ Reminder: **Team meeting** in 1 hour — Tuesday 24 November 2026 16:00" in read


async def test_timestamps_read_in_a_french_members_language(tmp_path: Path) -> None:
    text = await _transcript(tmp_path, "/checkin now\n:as chloe\n:read #check-ins\n")
    english = _after(text, "/checkin now")
    assert "Closes: Wednesday 25 November 2026 09:00 (in 2 days)" in english
    french = _after(text, ":read #check-ins")  # chloe's Discord is in French
    assert "Closes: mercredi 25 novembre 2026 09:00 (dans 2 jours)" in french


async def test_topic_propose_is_submitted_with_the_anonymity_choice(tmp_path: Path) -> None:
    text = await _transcript(
        tmp_path,
        "/topic propose\n"
        ":submit Grading practices | | no\n"
        "/topic propose\n"
        ":submit Homework load\n"
        "/topic propose\n"
        ":submit Feedback | | Yes, propose it anonymously\n",
    )
    form = _after(text, "/topic propose")
    assert "Stay anonymous? — choose yes = Yes, propose it anonymously (chosen), no = No" in form
    assert "Proposed by @alice" in _after(text, ":submit Grading practices | | no")
    assert "Proposed anonymously" in _after(text, ":submit Homework load")  # the default
    assert "Proposed anonymously" in _after(
        text, ":submit Feedback | | Yes, propose it anonymously"
    )
    assert "!" not in text.split("alice> /topic propose", 1)[1]


async def test_apps_runs_a_message_command_on_a_message_of_the_transcript(tmp_path: Path) -> None:
    text = await _transcript(
        tmp_path,
        ":as bob\n/ask\n:submit Why do we grade homework?\n"
        ":as alice\n:apps\n:apps Moderate on 1\n"
        ":lang fr\n:apps Modérer on message 1\n"
        ":as bob\n:apps Moderate on 1\n",
    )
    assert "[#questions · message 1]" in _after(text, ":submit Why do we grade homework?")
    assert "message commands (Apps ›): Moderate" in _after(text, ":apps")
    panel = _after(text, ":apps Moderate on 1")
    assert "Moderating anonymous question #1" in panel and "Answered]" in panel
    french = _after(text, ":apps Modérer on message 1")
    assert "Modération : la question anonyme nº 1" in french
    # bob has no Manage Messages: Discord does not offer him the command.
    assert "needs permissions" in _after(
        text.split("alice> :apps Modérer", 1)[1], ":apps Moderate on 1"
    )


async def test_open_prints_a_text_file_and_saves_an_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = await _transcript(
        tmp_path,
        '/meeting schedule title:"Team meeting" when:"2026-11-24 16:00"\n:click 1\n'
        "/meeting calendar\n"
        ":open 1\n"
        "/goal set\n:submit Reading fluency | words per minute | 40 | 80 | 2027-03-01\n"
        "/goal progress\n"
        ":open 2\n:open 2\n:open 9\n",
    )
    assert "plc-meetings.ics (" in text and ":open 1" in text
    calendar = _after(text, ":open 1")
    assert "│ BEGIN:VCALENDAR" in calendar and "│ SUMMARY:Team meeting" in calendar
    assert "goal-1-progress.png (" in text and ":open 2" in text
    assert f"saved to {tmp_path / 'goal-1-progress.png'}" in text
    assert (tmp_path / "goal-1-progress.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "goal-1-progress-2.png").exists()  # never overwrites a file
    assert "no file number '9'" in _after(text, ":open 9")


async def test_a_french_member_types_the_french_command_names(tmp_path: Path) -> None:
    """The French replies name /cap configurer, /moi exporter…: they must work."""
    text = await _transcript(
        tmp_path,
        ":lang fr\n/cap etat\n/moi exporter\n/moi fuseau nom:Europe/Paris\n"
        "/moi rappels etat:desactiver\n",  # a choice by its name, accents aside
    )
    assert "désactivés" in _after(text, "/moi rappels etat:desactiver")
    assert "État de la communauté" in _after(text, "/cap etat")
    assert "plc-bot-my-data.json" in _after(text, "/moi exporter")
    assert "Europe/Paris" in _after(text, "/moi fuseau nom:Europe/Paris")
    assert "!" not in text.split("alice> :lang fr", 1)[1]


async def test_a_mistyped_subcommand_or_option_is_answered_with_the_names_one_can_type(
    tmp_path: Path,
) -> None:
    text = await _transcript(tmp_path, ":lang fr\n/cap statut\n/moi absence jusqua:vendredi\n")
    refused = _after(text, "/cap statut")
    assert "/cap: no subcommand or group 'statut' here" in refused
    assert "['configurer', 'audit', 'etat']" in refused
    refused = _after(text, "/moi absence jusqua:vendredi")
    assert "/moi absence has no option ['jusqua']; options: ['jusqu_au']" in refused


async def test_an_unknown_command_lists_the_slash_commands_and_moderate_apart(
    tmp_path: Path,
) -> None:
    """Moderate is a message command (Apps › Moderate): typing /Moderate cannot work."""
    refused = _after(await _transcript(tmp_path, "/nosuch\n"), "/nosuch")
    assert "no slash command 'nosuch'" in refused
    slash = refused.split("registered: ", 1)[1].split("]", 1)[0]
    assert "'meeting'" in slash and "Moderate" not in slash
    assert "message commands (Apps ›, not typed with /): ['Moderate']" in refused


async def test_a_choice_is_typed_by_its_name(tmp_path: Path) -> None:
    text = await _transcript(
        tmp_path,
        "/checkin schedule day:Monday time:09:00\n"
        ":lang fr\n/bilan planifier jour:mardi heure:10:00\n"
        "/checkin schedule day:Funday time:09:00\n",
    )
    assert "Check-ins every **Monday** at **09:00**" in text
    assert "Bilans chaque **mardi** à **10 h**" in text
    refused = _after(text, "/checkin schedule day:Funday time:09:00")
    assert "'Funday' is not one of the choices: lundi, mardi" in refused


async def test_read_finds_a_thread_by_the_start_of_its_name(tmp_path: Path) -> None:
    """The README's ``:read #PLC meeting`` names a session's thread by its protocol, as a
    new user sees it; the thread's full name also carries the meeting's title."""
    text = await _transcript(
        tmp_path,
        '/meeting schedule title:"Team meeting" when:"2026-11-23 10:00"\n:click 1\n'
        "/session start\n"
        '/session note text:"We share rubrics"\n'
        ":read #PLC meeting\n"
        ":read #nowhere\n",
    )
    shown = _after(text, ":read #PLC meeting")
    assert "We share rubrics" in shown
    assert "!" not in shown
    refused = _after(text, ":read #nowhere")
    assert "#general, #announcements" in refused
    assert "#PLC meeting — Team meeting" in refused


async def test_the_help_examples_run(tmp_path: Path) -> None:
    """Every command :help gives as an example is one the playground takes."""
    text = await _transcript(tmp_path, ":help\n")
    examples = [
        line.strip().split(" (")[0]
        for line in _after(text, ":help").splitlines()
        if line.strip().startswith("/")
    ]
    examples += re.findall(r"\((/[^)]+)\)", _after(text, ":help"))
    tried = await _transcript(tmp_path, ":lang fr\n" + "".join(f"{e}\n" for e in examples))
    for example in examples:
        assert "!" not in _after(tried, example), example


async def test_a_button_the_message_no_longer_has_is_refused_in_words(tmp_path: Path) -> None:
    """Approving a question replaces its review buttons: pressing an old number says where to
    see the buttons the message has now, not the emulator's custom ids."""
    text = await _transcript(
        tmp_path,
        ":as admin\n/plc setup moderation_channel:#moderation\n"
        ":as bob\n/ask\n:submit Why do we grade homework?\n"
        ":as alice\n:click 1\n:click 3\n",
    )
    refused = _after(text, ":click 3")
    assert "button 3 is no longer on its message" in refused
    assert ":read #moderation" in refused
    assert "custom ids" not in refused and "plc:" not in refused


async def test_a_field_without_a_heading_shows_its_value_alone(tmp_path: Path) -> None:
    """``/checkin me``'s weeks stand under the streak with no heading of their own: Discord
    shows the value alone, and so does the transcript (not ``​: …``)."""
    text = await _transcript(tmp_path, "/checkin me\n")
    shown = _after(text, "/checkin me")
    assert "    ┃ No check-ins yet.\n" in shown
    assert "\u200b" not in shown


async def test_an_answer_in_the_checkins_thread_shows_whose_it_is(tmp_path: Path) -> None:
    """Discord shows an embed's author above it: the transcript too, or a member reading
    the week's thread could not tell whose answer it is. Bob has no goal: his number is
    not posted (it counts toward none), his texts are."""
    text = await _transcript(
        tmp_path, "/checkin now\n:as bob\n:click 1\n:submit 55 | Reading aloud | Time\n"
    )
    posted = _after(text, ":submit 55 | Reading aloud | Time")
    assert "┃ 👤 Bob Nguyen\n    ┃ What did you try? What worked?: Reading aloud" in posted, posted
    assert "Progress: 55" not in posted, posted


async def test_a_form_is_filled_by_field_names_as_a_commands_options(tmp_path: Path) -> None:
    """Typed as a command's options (`name:value`), by the field's id or its label in the
    member's language; a value that only looks like one stays one value."""
    text = await _transcript(
        tmp_path,
        "/ask\n"
        ':submit question:"How do you grade group work?" topic:Assessment\n'
        ":lang fr\n/demander\n"
        ':submit sujet:Lecture question:"Qui lit à voix haute?"\n'
        "/demander\n:submit Note: est-ce utile?\n",
    )
    assert "or by name: :submit question:… topic:…" in _after(text, "/ask")
    posted = _after(text, ':submit question:"How do you grade group work?" topic:Assessment')
    assert "┃ How do you grade group work?\n    ┃ Topic: Assessment" in posted
    posted = _after(text, ':submit sujet:Lecture question:"Qui lit à voix haute?"')
    assert "┃ Qui lit à voix haute?\n    ┃ Topic: Lecture" in posted
    assert "┃ Note: est-ce utile?" in _after(text, ":submit Note: est-ce utile?")


async def test_a_form_named_wrong_or_left_incomplete_stays_open(tmp_path: Path) -> None:
    """A French member fills a form by its French names; a name the form lacks is refused
    with the names it has, and a required field left blank keeps the form open."""
    line = ':submit titre:Lecture mesure:"% élèves" depart:40 cible:75 echeance:2027-06-30'
    text = await _transcript(
        tmp_path,
        ":lang fr\n/objectif definir\n"
        f":submit titre:Lecture mesur:x\n:submit titre:Lecture\n{line}\n",
    )
    hint = "or by name: :submit titre:… mesure:… depart:… cible:… echeance:…"
    assert hint in _after(text, "/objectif definir")
    unknown = _after(text, ":submit titre:Lecture mesur:x")
    assert "no field 'mesur'; its fields: titre, mesure, depart, cible, echeance" in unknown
    blank = _after(text, ":submit titre:Lecture")
    assert "'measure' is required" in blank and "the form is still open" in blank
    assert "Objectif enregistré : **Lecture**, de 40 à 75 (% élèves)" in _after(text, line)
