"""``plc-bot``'s options: ``--config`` on either side of the subcommand, ``backup --keep``."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.backups import plan_backup
from bot.cli import _parser, main

SUBCOMMANDS = (
    ["run"],
    ["migrate"],
    ["check-config"],
    ["backup", "x"],
    ["health"],
    ["playground"],
    ["protocol-example"],
    ["rest-proxy"],
)


@pytest.mark.parametrize("argv", SUBCOMMANDS, ids=lambda a: a[0])
def test_config_is_accepted_before_and_after_every_subcommand(argv: list[str]) -> None:
    parser = _parser()
    assert parser.parse_args(["--config", "a.toml", *argv]).config == Path("a.toml")
    assert parser.parse_args([*argv, "--config", "b.toml"]).config == Path("b.toml")
    assert parser.parse_args(argv).config is None


def test_config_after_the_subcommand_is_the_file_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[database]\nnot_a_key = 1\n")
    assert main(["run", "--config", str(config)]) == 2
    assert f"{config}: invalid configuration" in capsys.readouterr().err
    assert main(["check-config", "--config", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml: no such file" in capsys.readouterr().err


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "live.sqlite3"}"\n')
    assert main(["migrate", "--config", str(config)]) == 0
    return config


def test_backup_into_a_folder_keeps_the_newest_n(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    old = ["plc-bot-20240101-020000.sqlite3", "plc-bot-20240102-020000.sqlite3",
           "plc-bot-20240103-020000.sqlite3"]  # fmt: skip
    for name in old:
        (folder / name).write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    capsys.readouterr()

    assert main(["backup", str(folder), "--keep", "2", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    left = sorted(p.name for p in folder.iterdir())
    new = [n for n in left if n.startswith("plc-bot-") and n not in old]
    assert len(new) == 1
    assert left == sorted([old[2], new[0], "notes.txt"])
    assert f"removed old backup {folder / old[0]}" in out
    with sqlite3.connect(folder / new[0]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA user_version").fetchone()[0] > 0


def test_backup_refusals_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    capsys.readouterr()
    file = tmp_path / "copy.sqlite3"
    assert main(["backup", str(file), "--keep", "3", "--config", str(config)]) == 2
    assert "--keep needs a folder" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "nowhere" / "x.sqlite3"), "--config", str(config)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "live.sqlite3"), "--config", str(config)]) == 2
    assert "must not overwrite the live database" in capsys.readouterr().err
    assert not file.exists()
    with pytest.raises(SystemExit):
        main(["backup", str(tmp_path), "--keep", "0"])
    assert "at least 1" in capsys.readouterr().err


def test_backup_names_sort_by_time(tmp_path: Path) -> None:
    plan = plan_backup(tmp_path, keep=1, now=datetime(2026, 11, 23, 7, 5, 9, tzinfo=UTC))
    assert plan.target == tmp_path / "plc-bot-20261123-070509.sqlite3"
    assert plan.prune() == []  # nothing written yet, nothing to remove


def test_restore_as_the_readme_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute("INSERT INTO bot_state (key, value) VALUES ('kept', 'before backup')")
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["backup", str(folder), "--keep", "14", "--config", str(config)]) == 0
    (copy,) = folder.iterdir()
    with sqlite3.connect(live) as conn:
        conn.execute("INSERT INTO bot_state (key, value) VALUES ('lost', 'after backup')")

    # 2. move the database aside with its -wal and -shm; 3. copy the backup in its place.
    aside = tmp_path / "old"
    aside.mkdir()
    for file in tmp_path.glob("live.sqlite3*"):
        file.rename(aside / file.name)
    shutil.copy2(copy, live)
    capsys.readouterr()
    # 4. start: the restored copy is at the current schema and holds what was backed up.
    assert main(["migrate", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == "database is up to date; nothing applied"
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT key FROM bot_state ORDER BY key").fetchall() == [("kept",)]
