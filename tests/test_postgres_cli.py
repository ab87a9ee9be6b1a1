"""``plc-bot`` with ``[database] url = "postgresql://…"``: a server that does not answer
at start-up, and ``backup`` (which is ``pg_dump``'s job on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import config_file
from tests.ports import free_port
from tests.reliability.process import plc_bot

SECRET = "s" * 40


def postgres_config(folder: Path, url: str) -> Path:
    return config_file(
        folder,
        f'[discord]\ntoken = "test-token"\n[database]\nurl = "{url}"\n'
        f'[privacy]\nsecret = "{SECRET}"\n',
    )


async def test_an_unreachable_server_at_start_up_is_one_clear_line_and_exit_2(
    tmp_path: Path,
) -> None:
    url = f"postgresql://plc:not-shown@127.0.0.1:{free_port()}/plc"
    code, out = await plc_bot(postgres_config(tmp_path, url), "run")
    assert code == 2, out
    assert "cannot connect to PostgreSQL" in out
    assert "check [database] url and that the server is running" in out
    assert f"postgresql://plc@127.0.0.1:{url.split(':')[3]}" in out  # where, without password
    assert "not-shown" not in out
    assert "Traceback" not in out


def test_backup_with_postgresql_says_pg_dump_does_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = postgres_config(tmp_path, "postgresql://plc:pw@db.example/plc")
    assert main(["--config", str(path), "backup", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "backed up by pg_dump" in err and "pg_restore" in err
    assert "pw@" not in err
    assert list(tmp_path.iterdir()) == [path]  # nothing written


def test_health_with_postgresql_asks_the_running_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Offline, health reads an SQLite file: with PostgreSQL it says to set the port."""
    path = postgres_config(tmp_path, "postgresql://plc:pw@db.example/plc")
    assert main(["--config", str(path), "health"]) == 2
    assert "set [ops] health_port" in capsys.readouterr().err
