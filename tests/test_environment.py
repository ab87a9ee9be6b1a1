"""The suite ignores the caller's ``DISCORD_TOKEN`` and ``PLCBOT_*`` (issue 9).

The probe below runs in every suite run; on its own it only shows that this
run is clean. The other test runs it in a child pytest whose environment sets
the variables, once with the project's conftest (it must pass) and once with
``--noconftest`` (it must fail), so the probe is known to notice a leak.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from tests.isolation import clean_environment, is_bot_setting

ROOT = Path(__file__).resolve().parents[1]
PROBE = f"{Path(__file__).relative_to(ROOT)}::test_probe_no_caller_setting_reaches_a_test"


def test_probe_no_caller_setting_reaches_a_test(tmp_path: Path) -> None:
    leaked = sorted(name for name in os.environ if is_bot_setting(name))
    assert not leaked, f"the caller's settings reached the test: {', '.join(leaked)}"
    settings = Settings(database={"path": tmp_path / "db.sqlite3"}, discord={"token": "test"})
    assert settings.database.path == tmp_path / "db.sqlite3"
    assert settings.discord.token is not None
    assert settings.discord.token.get_secret_value() == "test"
    assert settings.logging.level == "INFO"


def _run_probe(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {
        **clean_environment(os.environ),
        "DISCORD_TOKEN": "from-the-shell",
        "PLCBOT_DATABASE__PATH": str(tmp_path / "shell.sqlite3"),
        "plcbot_logging__level": "ERROR",  # pydantic-settings reads names in any case
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *options, PROBE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_suite_ignores_the_callers_settings(tmp_path: Path) -> None:
    isolated = _run_probe(tmp_path)
    assert isolated.returncode == 0, isolated.stdout + isolated.stderr
    assert "1 passed" in isolated.stdout

    unprotected = _run_probe(tmp_path, "--noconftest")
    assert unprotected.returncode == 1, unprotected.stdout + unprotected.stderr
    assert "DISCORD_TOKEN" in unprotected.stdout
    assert "PLCBOT_DATABASE__PATH" in unprotected.stdout
