"""``plc-bot playground --platform teams``: the sample school on the Teams emulator, scripted."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import ControlledClock
from bot.playground.teams import play_teams

NOV23 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


async def _transcript(database: Path, script: str, *, keep_world: bool = False) -> str:
    out = io.StringIO()
    code = await play_teams(
        database, io.StringIO(script), out, clock=ControlledClock(NOV23), keep_world=keep_world
    )
    assert code == 0
    return out.getvalue()


def _button(text: str, label: str) -> int:
    """The number the transcript gave the last button whose title holds ``label``."""
    numbers = re.findall(rf"\[(\d+): [^\]]*{re.escape(label)}[^\]]*\]", text)
    assert numbers, f"no button {label!r} in:\n{text}"
    return int(numbers[-1])


def _after(text: str, line: str) -> str:
    return text.split(line, 1)[1]


async def test_a_meeting_and_a_question_played_on_teams(tmp_path: Path) -> None:
    database = tmp_path / "p.sqlite3"
    # Each run replays the session so far on a fresh database, one step further: a button's
    # number is only known from the run before.
    script = ':in #Announcements\nmeeting schedule title:"Team meeting" when:"2026-12-01 16:00"\n'
    first = await _transcript(database, script + ":quit\n")
    assert "Sample team “PLC Grade 5” is set up" in first
    assert "[1:1 chat with alice · message 1]" in first  # the preview, for her alone
    # where she typed it, a pointer to it (Teams shows nothing of a 1:1 chat in a channel)
    assert "reply to message 2 · message 3]\n    📬 I answered you in our 1:1 chat" in first
    assert "📅 Tuesday 1 December 2026 16:00 (America/Toronto)" in first  # as read, in words
    confirm = _button(first, "Confirm")
    script += f":click {confirm}\n:as bob\n:read #Announcements\n"
    text = await _transcript(tmp_path / "q.sqlite3", script)
    assert "[#Announcements · message 4]" in text and "[3: Going (0)]" in text
    assert "Tuesday, December 1, 2026 4:00 PM" in text  # dates as bob's Teams shows them
    going = _button(_after(text, "bob> :read #Announcements"), "Going")
    script += (
        f":click {going}\nask\n:submit Is there a rubric for the project? |\n"
        ":as alice\n:read #Moderation\n"
    )
    text = await _transcript(tmp_path / "r.sqlite3", script)
    clicked = _after(text, f"bob> :click {going}")
    assert "Going (1)" in clicked and "You are marked **Going** for **Team meeting**" in clicked
    asked = _after(text, "bob> ask")
    assert "Ask anonymously" in asked and "1. Your question" in asked
    assert "[#Moderation" in asked and "Is there a rubric for the project?" in asked
    assert "Bob" not in _after(asked, "[#Moderation").split("[1:1 chat")[0]  # no author
    approve = _button(_after(text, "alice> :read #Moderation"), "Approve")
    script += f":click {approve}\n:advance 7d8h\n:quit\n"
    text = await _transcript(tmp_path / "s.sqlite3", script)
    approved = _after(text, f"alice> :click {approve}")
    assert "[#Questions · message" in approved and "Anonymous question #1" in approved
    reminders = _after(text, "alice> :advance 7d8h")
    assert reminders.count("[1:1 chat with bob") == 1  # the 24-hour reminder, in his chat
    assert "⏰ Reminder: **Team meeting**" in reminders
    assert "Traceback" not in text


async def test_a_french_member_and_the_consoles_own_refusals(tmp_path: Path) -> None:
    text = await _transcript(
        tmp_path / "p.sqlite3",
        ":as chloe\naide\n:lang en\nhelp\n:click 99\n:in #Nowhere\n:submit x\n:who\n:quit\n",
    )
    assert "**cap configurer** — Configurer la communauté" in _after(text, "chloe> aide")
    assert "**plc setup** — Set up the community" in _after(text, "chloe> help")
    assert "! no button number '99' in the transcript" in text
    assert "! no channel 'Nowhere'" in text
    assert "! no form is open" in text
    assert "@alice: Alice Tremblay, Teams in en-US (owns the team)" in text


async def test_a_playground_with_db_keeps_its_team_between_runs(tmp_path: Path) -> None:
    database = tmp_path / "mine.sqlite3"
    first = await _transcript(
        database,
        ':in #Announcements\nmeeting schedule title:"Team meeting" when:"2026-12-01 16:00"\n'
        ":click 1\n:quit\n",  # the preview's Confirm is the first button shown
        keep_world=True,
    )
    assert "Saved and announced" in first
    assert (tmp_path / "mine.sqlite3.world").exists()
    again = await _transcript(database, ":as david\n:read #Announcements\n:quit\n", keep_world=True)
    assert "welcome back to the sample team" in again and "Team meeting" in again
    going = _button(again, "Going")
    clicked = await _transcript(
        database, f":as david\n:read #Announcements\n:click {going}\n:quit\n", keep_world=True
    )
    assert "Going (1)" in _after(clicked, f"david> :click {going}")


def test_the_cli_runs_the_teams_playground(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("plc status\n:quit\n"))
    assert main(["playground", "--platform", "teams"]) == 0
    out = capsys.readouterr().out
    assert "the real bot on a local Microsoft Teams emulator" in out
    assert "Community status" in out and "America/Toronto" in out


async def test_a_button_the_card_no_longer_has_is_refused_in_words(tmp_path: Path) -> None:
    """A submitted form's card says "Sent" in place of its button: pressing the old number
    says where to read the card's buttons now, not the emulator's action list."""
    text = await _transcript(
        tmp_path / "p.sqlite3",
        "meeting schedule\n:submit Team meeting | 2026-11-24 16:00\n:click 1\n"
        "#Check-ins checkin now\n:advance 3d\n:click 4\n:quit\n",
    )
    refused = _after(text, "alice> :click 1")
    assert "button 1 is no longer on its card" in refused
    assert ":read chat" in refused
    assert "Action.Execute" not in refused
    assert ":read #Check-ins" in _after(text, "alice> :click 4")  # the closed check-in


async def test_a_chart_is_shown_as_a_picture_the_console_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    script = (
        ":as bob\ngoal set\n:submit Read daily | minutes | 5 | 20 | 2027-03-01\n"
        "goal progress\n:open 1\n:quit\n"
    )
    text = await _transcript(tmp_path / "p.sqlite3", script)
    assert "    🖼️ Chart: the weekly values of Read daily (minutes)" in text  # its alt text
    assert "no value yet. · :open 1" in text
    assert f"goal-1-progress.png saved to {tmp_path / 'goal-1-progress.png'}" in text
    assert (tmp_path / "goal-1-progress.png").read_bytes().startswith(b"\x89PNG")


async def test_a_clicks_private_answer_is_shown_where_the_card_clicked_is(tmp_path: Path) -> None:
    """Bob types in #General, presses a button of #Moderation he may not use: the refusal
    is shown on that card, for him alone, not in #General."""
    script = ":as chloe\nask\n:submit How late is too late? |\n:as alice\n:read #Moderation\n"
    first = await _transcript(tmp_path / "p.sqlite3", script + ":quit\n")
    approve = _button(_after(first, "alice> :read #Moderation"), "Approve")
    script += f":click {approve}\n"
    second = await _transcript(tmp_path / "q.sqlite3", script + ":quit\n")
    remove = _button(_after(second, f"alice> :click {approve}"), "Remove")
    text = await _transcript(tmp_path / "r.sqlite3", script + f":as bob\n:click {remove}\n:quit\n")
    refused = _after(text, f"bob> :click {remove}")
    assert refused.startswith("\n  [#Moderation · only you see this]\n"), refused
    assert "Only facilitators can do this" in refused


async def test_a_refused_form_stays_open_to_be_corrected(tmp_path: Path) -> None:
    """Teams keeps a refused card's inputs: the member corrects one and submits again."""
    text = await _transcript(
        tmp_path / "p.sqlite3",
        "goal set\n:submit Reading | % students | 40 | 75 | yesterday\n"
        ":submit Reading | % students | 40 | 75 | 2027-06-30\n:quit\n",
    )
    refused = _after(text, ":submit Reading | % students | 40 | 75 | yesterday")
    assert "is in the past" in refused and "the form is still open" in refused
    saved = _after(text, ":submit Reading | % students | 40 | 75 | 2027-06-30")
    assert "Goal saved: **Reading**" in saved


async def test_a_form_is_filled_by_field_names(tmp_path: Path) -> None:
    line = ':submit title:Reading measure:"% students" baseline:40 target:75 due:2027-06-30'
    text = await _transcript(tmp_path / "p.sqlite3", f"goal set\n{line}\n:quit\n")
    assert "or by name: :submit title:… measure:… baseline:… target:… due:…" in text
    assert "Goal saved: **Reading**, from 40 to 75 (% students)" in _after(text, line)


async def test_a_french_member_fills_a_form_by_its_french_names(tmp_path: Path) -> None:
    """The names a French member types after the command (``titre:``) fill its form too;
    a form the client would not send (a required field left blank) stays open."""
    line = ':submit titre:Lecture mesure:"% élèves" depart:40 cible:75 echeance:2027-06-30'
    text = await _transcript(
        tmp_path / "p.sqlite3",
        f":lang fr\nobjectif definir\n:submit titre:Lecture cible:75\n{line}\n:quit\n",
    )
    hint = "or by name: :submit titre:… mesure:… depart:… cible:… echeance:…"
    assert hint in _after(text, "objectif definir")
    refused = _after(text, ":submit titre:Lecture cible:75")
    assert "'measure' is required" in refused and "the form is still open" in refused
    assert "Objectif enregistré : **Lecture**, de 40 à 75 (% élèves)" in _after(text, line)


async def test_a_kept_team_is_served_in_the_1_1_chat_and_reminded_on_the_next_run(
    tmp_path: Path,
) -> None:
    """The emulator listens on a new port each run: the bot reaches the kept team at the
    new address at once, before anyone writes in a channel (it called the old one: « Un
    problème est survenu » in the 1:1 chat, reminders retried in vain)."""
    database = tmp_path / "mine.sqlite3"
    await _transcript(
        database,
        'meeting schedule title:"Team meeting" when:"2026-11-25 16:00"\n:click 1\n'
        ":as chloe\n:read #Announcements\n:click 2\n:quit\n",  # Going, as chloe
        keep_world=True,
    )
    again = await _transcript(database, ":in chat\nmeeting list\n:quit\n", keep_world=True)
    assert "Team meeting" in _after(again, "meeting list") and "Something went wrong" not in again
    later = await _transcript(database, ":advance 2d\n:quit\n", keep_world=True)
    assert "Reminder: **Team meeting** in 1 day" in later


async def test_a_button_in_another_members_1_1_chat_is_not_theirs_to_press(
    tmp_path: Path,
) -> None:
    """Teams shows nobody else Alice's 1:1 chat: Chloé pressing its Confirm is refused by
    the console (the bot would have taken Alice's chat for Chloé's, and answered her
    there from then on)."""
    text = await _transcript(
        tmp_path / "db.sqlite3",
        'meeting schedule title:"Team meeting" when:"2026-12-01 16:00"\n'
        ":as chloe\n:click 1\nrencontre liste\n:quit\n",
    )
    refused = _after(text, "chloe> :click 1")
    assert "button 1 is in alice's 1:1 chat with the bot, which only alice sees" in refused
    assert "[1:1 chat with chloe" in _after(text, "chloe> rencontre liste")
