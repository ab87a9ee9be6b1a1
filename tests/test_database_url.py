"""``[database] url``: an SQLite file (the default, also through ``path``) or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.db.url import DatabaseUrl, parse_database_url
from tests.conftest import config_file

SECRET = "s" * 40


def test_path_stays_the_default_and_keeps_working() -> None:
    assert Settings().database.location() == DatabaseUrl.sqlite(Path("plc-bot.sqlite3"))
    named = Settings(database={"path": "/srv/plc.sqlite3"}).database.location()
    assert named == DatabaseUrl("sqlite", path=Path("/srv/plc.sqlite3"))


def test_sqlite_urls_are_relative_with_three_slashes_and_absolute_with_four() -> None:
    assert parse_database_url("sqlite:///data/plc.sqlite3").path == Path("data/plc.sqlite3")
    assert parse_database_url("sqlite:////srv/plc.sqlite3").path == Path("/srv/plc.sqlite3")


def test_a_postgresql_url_is_kept_whole_and_shown_without_its_password() -> None:
    url = parse_database_url("postgresql://plc:hunter2@db.example:5433/plc")
    assert url.engine == "postgresql"
    assert url.dsn == "postgresql://plc:hunter2@db.example:5433/plc"
    assert url.shown == "postgresql://plc@db.example:5433/plc"
    assert "hunter2" not in url.shown
    assert parse_database_url("postgres://plc@localhost/plc").engine == "postgresql"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("mysql://plc@localhost/plc", "unknown database 'mysql'"),
        ("plc.sqlite3", "must be sqlite:///"),
        ("sqlite://plc.sqlite3", "sqlite:///relative/file.sqlite3"),
        ("postgresql://plc@localhost", "names its database"),
        ("postgresql://plc@localhost:port/plc", "port of a PostgreSQL URL must be a number"),
        ("postgresql:///plc", "names its server"),
    ],
)
def test_check_config_names_a_bad_url_and_says_what_one_looks_like(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, said: str
) -> None:
    path = config_file(tmp_path, f'[database]\nurl = "{url}"\n[privacy]\nsecret = "{SECRET}"\n')
    assert main(["--config", str(path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "[database] url" in err
    assert said in err


def test_path_and_url_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '[database]\npath = "a.sqlite3"\nurl = "sqlite:///b.sqlite3"\n'
    path = config_file(tmp_path, text)
    assert main(["--config", str(path), "check-config"]) == 2
    assert "set either path or url, not both" in capsys.readouterr().err


def test_a_good_postgresql_url_passes_check_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        '[discord]\ntoken = "t"\n[database]\nurl = "postgresql://plc:pw@localhost/plc"\n'
        f'[privacy]\nsecret = "{SECRET}"\n'
    )
    assert main(["--config", str(config_file(tmp_path, text)), "check-config"]) == 0
    assert "OK" in capsys.readouterr().out


def test_start_up_names_a_bad_url_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        f'[discord]\ntoken = "t"\n[database]\nurl = "mysql://x/y"\n[privacy]\nsecret = "{SECRET}"\n'
    )
    assert main(["--config", str(config_file(tmp_path, text)), "run"]) == 2
    err = capsys.readouterr().err
    assert "[database] url" in err and "unknown database 'mysql'" in err
