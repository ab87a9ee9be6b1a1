"""``[teams]`` in the configuration: the client secret from the environment only, the local
anonymous mode refused by ``plc-bot run``, the platforms ``plc-bot run`` starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings, runtime_problems
from tests.conftest import config_file

SECRET = "s" * 40
ROOT = Path(__file__).resolve().parents[2]
NO_PLATFORM = f'[privacy]\nsecret = "{SECRET}"\n'
TEAMS_SECTION = NO_PLATFORM + "[teams]\n"


def _config(tmp_path: Path, teams: str) -> Path:
    return config_file(tmp_path, f"{TEAMS_SECTION}{teams}\n")


def test_the_example_documents_the_teams_section() -> None:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert "[teams]" in example and "TEAMS_CLIENT_SECRET" in example
    settings = load_settings(ROOT / "config.example.toml", required=True)
    assert settings.teams.path == "/api/messages" and settings.teams.app_id is None


def test_the_client_secret_is_refused_in_the_file(tmp_path: Path) -> None:
    path = _config(tmp_path, 'app_id = "a"\ntenant_id = "t"\nclient_secret = "hunter2"')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "[teams] client_secret: not read from the file" in message
    assert "TEAMS_CLIENT_SECRET" in message and "hunter2" not in message


def test_the_client_secret_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, 'app_id = "a"\ntenant_id = "t"')
    assert any("[teams] client_secret: missing" in p for p in runtime_problems(load_settings(path)))
    monkeypatch.setenv("TEAMS_CLIENT_SECRET", "from-env")
    settings = load_settings(path)
    assert settings.teams.client_secret is not None
    assert settings.teams.client_secret.get_secret_value() == "from-env"
    assert runtime_problems(settings) == []  # Teams alone needs no Discord token
    assert "from-env" not in repr(settings)


@pytest.mark.parametrize(
    ("config", "command", "status", "said"),
    [
        pytest.param(
            TEAMS_SECTION + 'app_id = "a"\nlocal_anonymous = true',
            "run",
            2,
            ("[teams] local_anonymous: only the local emulator and the playground",),
            id="run refuses the local anonymous mode",
        ),
        pytest.param(
            NO_PLATFORM,
            "run",
            2,
            ("DISCORD_TOKEN", "[teams] app_id"),
            id="run with no platform says what to set",
        ),
        pytest.param(
            TEAMS_SECTION + 'app_id = "a"\nport = 70000',
            "check-config",
            2,
            ("[teams] port",),
            id="check-config refuses a bad value",
        ),
        pytest.param(
            TEAMS_SECTION + 'app_id = "a"',
            "check-config",
            1,
            ("[teams] tenant_id: missing", "[teams] client_secret: missing"),
            id="check-config names what running needs",
        ),
    ],
)
def test_the_command_line_says_what_is_wrong_with_the_teams_section(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    config: str,
    command: str,
    status: int,
    said: tuple[str, ...],
) -> None:
    path = config_file(tmp_path, config + "\n")
    assert main(["--config", str(path), command]) == status
    err = capsys.readouterr().err
    for words in said:
        assert words in err
