from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.app import build_app
from bot.cli import main
from bot.config import ConfigError, load_settings, runtime_problems
from bot.services.base import Core
from tests.conftest import config_file

ROOT = Path(__file__).resolve().parents[1]


def test_example_config_loads_through_the_settings_model() -> None:
    settings = load_settings(ROOT / "config.example.toml", required=True)
    assert settings.defaults.reminder_offsets_minutes == [1440, 60]
    assert settings.defaults.timezone == "America/Toronto"
    assert settings.enabled_features() == ["meetings", "questions", "checkins", "facilitation"]
    assert settings.discord.cogs is None


def test_features_are_built_in_their_order_whatever_order_the_file_lists(
    tmp_path: Path,
) -> None:
    """Facilitation uses meetings and questions: listed first, it is still built after."""
    path = config_file(
        tmp_path, '[features]\nenabled = ["facilitation", "questions", "meetings"]\n'
    )
    assert load_settings(path).enabled_features() == ["meetings", "questions", "facilitation"]


def test_the_deprecated_cogs_key_still_reads_as_features(tmp_path: Path) -> None:
    cogs = '[discord]\ncogs = ["cogs.admin", "cogs.members", "cogs.rotation"]\n'
    path = config_file(tmp_path, cogs)
    assert load_settings(path).enabled_features() == ["facilitation"]
    path.write_text('[discord]\ncogs = ["cogs.admin", "cogs.polls"]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "cogs.polls" in str(caught.value) and "[features] enabled" in str(caught.value)


async def test_the_deprecated_cogs_key_says_so_in_the_log(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    old = core.settings.model_copy(
        update={"discord": core.settings.discord.model_copy(update={"cogs": ["cogs.meetings"]})}
    )
    app = build_app(dataclasses.replace(core, settings=old))
    assert [feature.name for feature in app.features] == ["meetings"]
    assert "[discord] cogs is deprecated" in caplog.text


def test_unknown_key_and_bad_values_are_named(tmp_path: Path) -> None:
    path = config_file(
        tmp_path, '[discord]\ntokn = "x"\n[defaults]\ntimezone = "EST"\nlanguage = "de"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message
    assert "[discord] tokn: unknown key" in message
    assert "[defaults] timezone" in message and "America/New_York" in message
    assert "[defaults] language" in message


def test_not_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = config_file(tmp_path, "[discord\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path)


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = config_file(tmp_path, '[discord]\ndev_guild_id = 5\napi_base_url = "http://x"\n')
    monkeypatch.setenv("PLCBOT_DEFAULTS__REMINDER_OFFSETS_MINUTES", "[1]")
    monkeypatch.setenv("PLCBOT_DISCORD__DEV_GUILD_ID", "7")
    monkeypatch.setenv("DISCORD_TOKEN", "from-env")
    settings = load_settings(path)
    assert settings.defaults.reminder_offsets_minutes == [1]
    assert settings.discord.dev_guild_id == 7
    assert settings.discord.api_base_url == "http://x"  # the file's other keys survive
    assert settings.discord.token is not None
    assert settings.discord.token.get_secret_value() == "from-env"
    assert "from-env" not in repr(settings)


def test_secret_must_be_long_and_has_no_default(tmp_path: Path) -> None:
    path = config_file(tmp_path, '[privacy]\nsecret = "short"\n')
    with pytest.raises(ConfigError, match=r"\[privacy\] secret"):
        load_settings(path)
    path.write_text("")
    problems = runtime_problems(load_settings(path))
    assert any("[privacy] secret: missing" in p for p in problems)
    assert any("[discord] token: missing" in p for p in problems)


SECRET = "s" * 40


@pytest.mark.parametrize(
    ("text", "code", "stream", "said"),
    [
        ("[database]\npaht = 'x'\n", 2, "err", "[database] paht: unknown key"),
        (f'[discord]\ntoken = "t"\n[privacy]\nsecret = "{SECRET}"\n', 0, "out", "OK"),
    ],
    ids=["broken file", "complete file"],
)
def test_check_config_exits_with_the_files_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, code: int, stream: str, said: str
) -> None:
    """A broken file exits non-zero naming the key; a complete file is OK."""
    path = config_file(tmp_path, text)
    assert main(["--config", str(path), "check-config"]) == code
    assert said in getattr(capsys.readouterr(), stream)


def test_run_without_token_says_how_to_try_the_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    path = config_file(tmp_path, "")
    assert main(["--config", str(path), "run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err and "plc-bot playground" in err


def test_check_config_without_any_file_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20: it said "config.toml: valid, but not ready to run" (exit 1)."""
    monkeypatch.chdir(tmp_path)  # no config.toml here, nothing in the environment
    assert main(["check-config"]) == 2  # a configuration problem (README, exit codes)
    err = capsys.readouterr().err
    assert "config.toml: no such file" in err
    assert "cp config.example.toml config.toml" in err
    assert "valid" not in err


def test_run_without_any_file_says_how_to_make_one_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "config.toml: no such file" in err and "cp config.example.toml config.toml" in err
    assert "[privacy] secret: missing" in err


def test_check_config_without_a_file_accepts_a_complete_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container configured by variables alone has no file to check, and needs none."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("PLCBOT_PRIVACY__SECRET", SECRET)
    assert main(["check-config"]) == 0
    assert "config.toml: no such file; the environment and the defaults are complete: OK" in (
        capsys.readouterr().out
    )


def test_a_bad_variable_is_named_and_a_bad_key_is_blamed_on_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_file(tmp_path, f'[privacy]\nsecret = "{SECRET}"\n[ops]\nhealth_port = 0\n')
    monkeypatch.setenv("PLCBOT_PRIVACY__SECRET", "short")
    monkeypatch.setenv("plcbot_defaults__language", "de")  # any case, as pydantic reads it
    assert main(["--config", str(path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: invalid configuration\n  [ops] health_port:" in err
    assert "environment: invalid configuration" in err
    assert "  PLCBOT_PRIVACY__SECRET: must be at least 32 characters" in err
    assert "  plcbot_defaults__language: Input should be 'fr' or 'en'" in err
    assert "[privacy] secret" not in err and "[defaults] language" not in err


def test_a_variable_that_is_not_json_is_named_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLCBOT_FEATURES__ENABLED", "meetings, questions")
    assert main(["check-config"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plc-bot: PLCBOT_FEATURES__ENABLED: cannot be read.")
    assert "JSON" in err and "Traceback" not in err
