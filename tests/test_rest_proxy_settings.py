"""``plc-bot rest-proxy``'s settings: ``[rest_proxy]`` and the command line, refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import _parser, main
from bot.config import ConfigError, load_settings
from bot.config_proxy import DISCORD_API, RestProxySettings, proxy_settings
from tests.ports import taken_port


def test_defaults_and_the_command_line_over_the_file(tmp_path: Path) -> None:
    assert (RestProxySettings().host, RestProxySettings().port) == ("127.0.0.1", 8081)
    assert RestProxySettings().upstream == DISCORD_API
    config = tmp_path / "config.toml"
    config.write_text('[rest_proxy]\nlisten = "0.0.0.0:9000"\nupstream = "http://10.0.0.5/api/"\n')
    configured = load_settings(config).rest_proxy
    assert (configured.host, configured.port, configured.upstream) == (
        "0.0.0.0", 9000, "http://10.0.0.5/api"
    )  # fmt: skip
    given = proxy_settings(configured, listen="[::1]:8082", upstream=None)
    assert (given.host, given.port, given.listen) == ("::1", 8082, "[::1]:8082")
    assert given.upstream == "http://10.0.0.5/api"
    args = _parser().parse_args(["rest-proxy", "--listen", "127.0.0.1:1", "--upstream", "http://x"])
    assert (args.listen, args.upstream) == ("127.0.0.1:1", "http://x")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--listen", "localhost:8081"], "--listen 'localhost:8081': must be an IP address"),
        (["--listen", "127.0.0.1"], "--listen '127.0.0.1': must be HOST:PORT"),
        (["--listen", "127.0.0.1:70000"], "must be HOST:PORT, e.g. 127.0.0.1:8081"),
        (["--listen", "127.0.0.1:http"], "must be HOST:PORT"),
        (
            ["--upstream", "discord.com/api/v10"],
            "--upstream 'discord.com/api/v10': must be an http",
        ),
        (["--upstream", "ftp://discord.com"], "must be an http(s):// URL"),
    ],
)
def test_bad_command_line_values_are_refused_before_listening(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    assert main(["rest-proxy", "--config", str(config), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plc-bot: rest-proxy: ") and said in err


def test_bad_values_in_the_file_are_named_by_section_and_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[rest_proxy]\nlisten = "8081"\nupstream = "discord"\nport = 1\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    text = str(refused.value)
    assert "[rest_proxy] listen: must be HOST:PORT" in text
    assert "[rest_proxy] upstream: must be an http(s):// URL" in text
    assert "[rest_proxy] port: unknown key" in text


def test_a_port_in_use_is_a_configuration_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with taken_port() as port:
        config = tmp_path / "config.toml"
        config.write_text("")
        assert main(["rest-proxy", "--config", str(config), "--listen", f"127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert f"rest-proxy --listen: cannot listen on 127.0.0.1:{port}" in err
