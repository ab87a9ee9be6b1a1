"""The hosting files in deploy/ and the README's Operations commands stay true to the code."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import _parser
from tests.test_packaging import SOURCES

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = ("plc-bot.service", "plc-bot-backup.service", "plc-bot-backup.timer")
BINARY = "/opt/plc-bot/bin/plc-bot"


def unit(name: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a unit file (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_the_dockerfile_builds_the_wheel_from_the_sources_the_wheel_test_uses() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.findall(r"^FROM (\S+)", text, re.M) == ["python:3.11-slim", "python:3.11-slim"]
    copied = {
        name for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M)
        for name in line.split()[:-1]
    }  # fmt: skip
    assert copied == set(SOURCES)
    assert "pip wheel" in text and "--no-index" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r'^VOLUME \["/data"', text, re.M)
    assert "PLCBOT_DATABASE__PATH=/data/" in text
    assert re.search(r'HEALTHCHECK .*\\\n\s+CMD \["plc-bot", "health"\]', text)
    assert "PLCBOT_OPS__HEALTH_PORT=" in text


def test_compose_uses_the_dockerfile_and_a_volume() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    assert "dockerfile: deploy/Dockerfile" in text
    assert "- data:/data" in text
    assert "no-new-privileges:true" in text
    env = (DEPLOY / "env.example").read_text()
    assert "DISCORD_TOKEN=" in env and "PLCBOT_PRIVACY__SECRET=" in env


def test_the_systemd_units_are_hardened() -> None:
    service = unit("plc-bot.service")
    for key, value in {
        "DynamicUser": "yes",
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "StateDirectory": "plc-bot",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "CapabilityBoundingSet": "",
        "RestartPreventExitStatus": "2",
    }.items():
        assert service.get(key) == [value], key
    backup = unit("plc-bot-backup.service")
    assert backup["User"] == service["User"]  # the same dynamic user reads the database
    assert backup["ProtectSystem"] == ["strict"]
    assert unit("plc-bot-backup.timer")["Persistent"] == ["true"]


@pytest.mark.parametrize("name", ["plc-bot.service", "plc-bot-backup.service"])
def test_the_units_commands_are_valid_plc_bot_commands(name: str) -> None:
    (command,) = unit(name)["ExecStart"]
    binary, *args = shlex.split(command)
    assert binary == BINARY
    parsed = _parser().parse_args(args)
    if name == "plc-bot-backup.service":
        assert parsed.command == "backup" and parsed.keep == 14


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    binary = tmp_path / "plc-bot"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace(BINARY, str(binary))
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *(f"./{name}" for name in UNITS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def operations_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Operations\n", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"`(plc-bot [^`]*)`", section)
    commands += re.findall(r"^\s*(plc-bot [^\n]*)$", section, re.M)
    commands += re.findall(r"exec plc-bot (plc-bot [^`']*)", section)
    return [c for c in commands if "…" not in c]


def test_the_readme_operations_commands_parse() -> None:
    commands = operations_commands()
    assert {"backup", "health", "check-config", "run"} <= {shlex.split(c)[1] for c in commands}
    for command in commands:
        parsed = _parser().parse_args(shlex.split(command)[1:])
        assert parsed.command


def test_ci_installs_postgresql_before_the_readme_test_line() -> None:
    """So the PostgreSQL tests run in CI instead of skipping."""
    script = (ROOT / ".ci" / "run").read_text()
    readme_line = (
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/pytest"
    )
    assert readme_line in (ROOT / "README.md").read_text()
    install = script.index("apt-get install -y -q postgresql")
    assert install < script.index(readme_line)
    assert "/usr/lib/postgresql/*/bin/initdb" in script  # only where none is installed


def test_the_scaled_compose_runs_two_bots_on_postgresql_behind_the_proxy() -> None:
    text = (DEPLOY / "compose.scale.yaml").read_text()
    services = re.findall(r"^  ([a-z-]+):$", text.split("\nservices:\n", 1)[1], re.M)
    assert {"postgres", "rest-proxy", "bot-a", "bot-b", "backup"} <= set(services)
    parser = _parser()
    commands = [
        [part.strip().strip('"') for part in found.split(",")]
        for found in re.findall(r"^    command: \[(.+)\]$", text, re.M)
    ]
    parsed = [parser.parse_args(command) for command in commands]  # flags the CLI takes
    assert [(a.shards, a.shard_count) for a in parsed if a.command == "run"] == [
        ("0-1", 4),
        ("2-3", 4),
    ]
    assert "PLCBOT_DATABASE__URL: postgresql://" in text
    assert "PLCBOT_DISCORD__API_BASE_URL: http://rest-proxy:8081" in text
    assert text.count("healthcheck:") >= 2 and "condition: service_healthy" in text
    assert "pg_dump --format=custom" in text
