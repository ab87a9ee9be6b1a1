"""The playground as a facilitator uses it: a scripted console, the real bot, the emulator."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import ControlledClock
from bot.emulator.markup import relative, render_timestamp
from bot.emulator.world_file import WorldFileError
from bot.playground import run_playground, terminal_language
from bot.playground.discord import play
from tests.protocol_samples import VALID

NOV23 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


async def _transcript(tmp_path: Path, script: str) -> str:
    out = io.StringIO()
    code = await play(
        tmp_path / "p.sqlite3", io.StringIO(script), out, clock=ControlledClock(NOV23)
    )
    assert code == 0
    return out.getvalue()


async def test_times_show_in_the_acting_members_zone(tmp_path: Path) -> None:
    """Discord shows each viewer their own local time; so does the playground."""
    text = await _transcript(
        tmp_path,
        '/meeting schedule title:"Team meeting" when:"2026-12-01 16:00"\n'
        ":click 1\n"
        ":read #announcements\n"
        ":as bob\n"
        "/me timezone name:Europe/Paris\n"
        ":read #announcements\n"
        ":quit\n",
    )
    toronto, paris = text.split("bob> /me timezone", 1)
    assert "Tuesday 1 December 2026 16:00" in toronto
    assert "Tuesday 1 December 2026 22:00" in paris
    assert "UTC" not in text.replace("(UTC)", "")


def test_timestamp_styles_follow_discords() -> None:
    unix = int(datetime(2026, 12, 1, 21, 0, tzinfo=UTC).timestamp())
    zone = "America/Toronto"
    assert render_timestamp(unix, "t", zone, NOV23) == "16:00"
    assert render_timestamp(unix, "T", zone, NOV23) == "16:00:00"
    assert render_timestamp(unix, "d", zone, NOV23) == "01/12/2026"
    assert render_timestamp(unix, "D", zone, NOV23) == "1 December 2026"
    assert render_timestamp(unix, None, zone, NOV23) == "1 December 2026 16:00"
    assert render_timestamp(unix, "F", zone, NOV23) == "Tuesday 1 December 2026 16:00"
    assert render_timestamp(unix, "R", zone, NOV23) == "in 8 days"
    assert relative(NOV23, datetime(2026, 11, 23, 16, 0, tzinfo=UTC)) == "2 hours ago"


def test_timestamps_read_as_discords_french_client_shows_them() -> None:
    unix = int(datetime(2026, 12, 1, 21, 0, tzinfo=UTC).timestamp())
    zone = "America/Toronto"
    assert render_timestamp(unix, "F", zone, NOV23, "fr") == "mardi 1 décembre 2026 16:00"
    assert render_timestamp(unix, "D", zone, NOV23, "fr") == "1 décembre 2026"
    assert render_timestamp(unix, "d", zone, NOV23, "fr") == "01/12/2026"
    assert render_timestamp(unix, "R", zone, NOV23, "fr") == "dans 8 jours"
    assert relative(NOV23, datetime(2026, 11, 23, 16, 0, tzinfo=UTC), "fr") == "il y a 2 heures"
    # One unit, as Discord counts: 13 days, not "2 weeks".
    assert relative(datetime(2026, 12, 6, 14, 0, tzinfo=UTC), NOV23) == "in 13 days"


def _button(text: str, label: str) -> int:
    """The number the transcript gave the last button labelled ``label``."""
    numbers = re.findall(rf"\[(\d+): [^\]]*{re.escape(label)}[^\]]*\]", text)
    assert numbers, f"no button {label!r} in:\n{text}"
    return int(numbers[-1])


async def test_a_playground_with_db_keeps_its_world_between_runs(tmp_path: Path) -> None:
    database = tmp_path / "mine.sqlite3"

    async def run(script: str, clock: ControlledClock) -> str:
        out = io.StringIO()
        code = await play(database, io.StringIO(script), out, clock=clock, keep_world=True)
        assert code == 0
        return out.getvalue()

    first = await run(
        '/meeting schedule title:"Team meeting" when:"2026-12-01 16:00"\n:click 1\n:quit\n',
        ControlledClock(NOV23),
    )
    assert "Team meeting" in first
    assert (tmp_path / "mine.sqlite3.world").exists()

    going = await run(":as bob\n:read #announcements\n:quit\n", ControlledClock(NOV23))
    number = _button(going, "Going")
    second = await run(
        f":as bob\n:read #announcements\n:click {number}\n/meeting list\n:advance 7d8h\n:quit\n",
        ControlledClock(NOV23),
    )
    assert "Traceback" not in second
    listing = second.split("bob> /meeting list", 1)[1].split("bob> :advance", 1)[0]
    assert "Team meeting" in listing  # scheduled in the first run
    reminders = second.split("bob> :advance", 1)[1]
    assert reminders.count("DM to bob") == 1  # the 24-hour reminder, once


async def test_a_thread_is_read_after_a_restart_and_its_buttons_work(tmp_path: Path) -> None:
    """A live session runs in a thread the bot made: after a restart it is still there."""
    database = tmp_path / "mine.sqlite3"

    async def run(script: str) -> str:
        out = io.StringIO()
        await play(
            database, io.StringIO(script), out, clock=ControlledClock(NOV23), keep_world=True
        )
        return out.getvalue()

    first = await run("/session start\n:quit\n")
    thread = "PLC meeting"  # the session's thread is named after its protocol
    assert f"started in #{thread}." in first
    again = await run(f":read #{thread}\n:who\n:quit\n")
    shown = again.split(f":read #{thread}", 1)[1].split(":who", 1)[0]
    assert "no channel" not in shown
    assert f"threads: #{thread}" in again
    number = _button(shown, "Next")
    clicked = await run(f":read #{thread.lower()}\n:click {number}\n:quit\n")
    assert "Step 1" in clicked.split(f":click {number}", 1)[1]


async def test_config_brings_its_protocols_folder(tmp_path: Path) -> None:
    protocols = tmp_path / "protocols"
    protocols.mkdir()
    (protocols / "retro.toml").write_text(VALID, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[facilitation]\nprotocols_dir = "{protocols}"\n'
        # The real bot's Discord, database and health port: the playground keeps its own.
        '[discord]\ntoken = "real-token"\ndev_guild_id = 42\n'
        f'[database]\npath = "{tmp_path / "real.sqlite3"}"\n[ops]\nhealth_port = 1\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    script = "/session start protocol:retro\n:quit\n"
    code = await play(
        tmp_path / "p.sqlite3",
        io.StringIO(script),
        out,
        clock=ControlledClock(NOV23),
        config=config,
    )
    assert code == 0
    assert "Session **Retrospective** started" in out.getvalue()
    assert not (tmp_path / "real.sqlite3").exists()


@pytest.mark.parametrize("first", [True, False], ids=["--config playground", "playground --config"])
def test_the_cli_gives_the_playground_its_config(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    first: bool,
) -> None:
    protocols = tmp_path / "protocols"
    protocols.mkdir()
    (protocols / "retro.toml").write_text(VALID, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[facilitation]\nprotocols_dir = "{protocols}"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("/session start protocol:retro\n:quit\n"))
    given = ["--config", str(config)]
    assert main([*given, "playground"] if first else ["playground", *given]) == 0
    assert "Session **Retrospective** started" in capsys.readouterr().out
    config.write_text("[facilitation]\nprotocol_folder = 1\n", encoding="utf-8")
    assert main(["playground", *given]) == 2
    assert "protocol_folder: unknown key" in capsys.readouterr().err


async def test_an_unreadable_world_file_is_reported_not_replaced(tmp_path: Path) -> None:
    database = tmp_path / "mine.sqlite3"
    world = tmp_path / "mine.sqlite3.world"
    world.write_bytes(b"not a world")
    with pytest.raises(WorldFileError, match="--new-world"):
        await play(database, io.StringIO(":quit\n"), io.StringIO(), keep_world=True)
    assert world.read_bytes() == b"not a world"
    out = io.StringIO()
    code = await play(
        database, io.StringIO("/plc status\n:quit\n"), out, keep_world=True, new_world=True
    )
    assert code == 0 and "Community status" in out.getvalue()
    assert (tmp_path / "mine.sqlite3.world.unreadable").read_bytes() == b"not a world"


class _RunsCodeWhenUnpickled:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


async def test_an_old_pickled_world_file_is_refused_without_being_opened(tmp_path: Path) -> None:
    """A world file is data: one shared by someone else must not run code when loaded."""
    database = tmp_path / "mine.sqlite3"
    world = tmp_path / "mine.sqlite3.world"
    marker = tmp_path / "code-ran"
    world.write_bytes(pickle.dumps({"format": "x", "world": _RunsCodeWhenUnpickled(marker)}))
    with pytest.raises(WorldFileError, match="older playground.*--new-world"):
        await play(database, io.StringIO(":quit\n"), io.StringIO(), keep_world=True)
    assert not marker.exists()
    await play(database, io.StringIO(":quit\n"), io.StringIO(), keep_world=True, new_world=True)
    assert json.loads(world.read_text(encoding="utf-8"))["format"] == "plc-bot-playground-world"
    assert not marker.exists()


def test_the_newcomer_speaks_the_terminals_language() -> None:
    assert terminal_language({"LANG": "fr_CA.UTF-8"}) == "fr"
    assert terminal_language({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}) == "en"
    assert terminal_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert terminal_language({}) == "en"


async def test_a_french_terminal_gets_a_french_banner_and_replies(tmp_path: Path) -> None:
    out = io.StringIO()
    await play(
        tmp_path / "p.sqlite3",
        io.StringIO("/plc status\n:lang en\n/plc status\n:quit\n"),
        out,
        clock=ControlledClock(NOV23),
        language="fr",
    )
    french, english = out.getvalue().split("alice> :lang en", 1)
    assert "Les réponses suivent votre langue Discord" in french
    assert "Fuseau horaire" in french and "Time zone" in english


def test_a_database_from_a_newer_version_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "newer.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA user_version = 999")
    assert run_playground(database=database) == 2
    err = capsys.readouterr().err
    assert "newer" in err and "Traceback" not in err


def test_an_unwritable_place_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_playground(database=tmp_path / "missing" / "p.sqlite3") == 2
    assert "does not exist" in capsys.readouterr().err
    locked = tmp_path / "locked.sqlite3"
    locked.write_bytes(b"")
    locked.chmod(0o444)
    if os.access(locked, os.W_OK):  # root writes anyway: nothing to refuse here
        pytest.skip("running as root: a read-only file is still writable")
    assert run_playground(database=locked) == 2
    assert "not writable" in capsys.readouterr().err
