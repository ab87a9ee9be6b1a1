"""The wheel, installed as a server or a Docker image installs it (issue 11).

The wheel is built from a copy of the sources, installed alone into a fresh virtual
environment outside the checkout (its dependencies come from the project's own
environment through a ``.pth`` file, so no network is needed), and the installed
``plc-bot`` is run from a folder outside the checkout. Marked ``wheel``; it always
runs with the suite (about 10 s).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "bot", "cogs", "teams", "migrations")

pytestmark = pytest.mark.wheel


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """The installed ``plc-bot`` with ``args``, its exit status left to the test."""
        return self._in_venv("plc-bot", *args, stdin=stdin, check=False)

    def python(self, code: str) -> list[str]:
        """``code`` run by the venv's interpreter, which must succeed: the lines it printed."""
        return self._in_venv("python", "-c", code, check=True).stdout.splitlines()

    def _in_venv(
        self, program: str, *args: str, stdin: str | None = None, check: bool
    ) -> subprocess.CompletedProcess[str]:
        # In the work folder and without the checkout on PYTHONPATH, as an operator runs it.
        return subprocess.run(
            [str(self.venv / "bin" / program), *args],
            cwd=self.workdir,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )


def _run(*command: str | Path, cwd: Path | None = None) -> None:
    result = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    dist = base / "dist"
    _run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation",
         "-q", "-w", dist)  # fmt: skip
    (wheel,) = dist.glob("plc_bot-*.whl")

    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    # The dependencies, not plc-bot: a path line in a .pth does not run the editable
    # install's own .pth files that live there.
    (site / "plc_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
         "-q", "--no-deps", "--no-index", wheel)  # fmt: skip

    workdir = base / "run"
    workdir.mkdir()
    (workdir / "config.toml").write_text(
        f'[database]\npath = "bot.sqlite3"\n[privacy]\nsecret = "{secrets.token_urlsafe(32)}"\n'
    )
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PLCBOT_CONFIG"}}
    env.update(DISCORD_TOKEN="not-a-real-token", MPLCONFIGDIR=str(base / "mpl"))
    return Installed(wheel=wheel, venv=venv, workdir=workdir, env=env)


def test_the_wheel_carries_every_data_file(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = [f"bot/migrations/{p.name}" for p in (ROOT / "migrations").glob("*.sql")]
    expected += [f"bot/i18n/locales/{p.name}" for p in (ROOT / "bot/i18n/locales").glob("*")]
    expected += [
        f"bot/{p.relative_to(ROOT / 'bot')}" for p in (ROOT / "bot").glob("protocols/**/*.toml")
    ]
    assert len(expected) > 10
    assert [name for name in expected if name not in names] == []


def test_the_installed_bot_is_imported_from_the_venv_not_the_checkout(
    installed: Installed,
) -> None:
    [printed] = installed.python("import bot; print(bot.__file__)")
    where = Path(printed)
    assert where.is_relative_to(installed.venv), where
    assert not where.is_relative_to(ROOT)


def test_migrate_check_config_and_the_playground_run_from_the_wheel(
    installed: Installed,
) -> None:
    migrations = sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))

    migrated = installed.run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert f"applied {len(migrations)} migration(s): {', '.join(migrations)}" in migrated.stdout
    again = installed.run("migrate")
    assert again.stdout.strip() == "database is up to date; nothing applied"

    checked = installed.run("check-config")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "config.toml: OK"

    # DISCORD_TOKEN is set (an operator's shell): the playground must not use it.
    played = installed.run("playground", stdin="/plc status\n:quit\n")
    assert played.returncode == 0, played.stderr
    assert "alice> /plc status" in played.stdout
    assert "America/Toronto" in played.stdout  # the community's status was rendered
    assert "plc-bot 0.1.0" in played.stdout
    assert "no such table" not in played.stderr


def test_the_example_protocol_is_printed_from_the_wheel(installed: Installed) -> None:
    """An installed wheel has no source folder to look in: the example ships inside."""
    printed = installed.run("protocol-example")
    assert printed.returncode == 0, printed.stderr
    assert 'id = "team-retro"' in printed.stdout and "[[steps]]" in printed.stdout


def test_the_installed_wheel_registers_both_chat_platforms(installed: Installed) -> None:
    """``plc-bot run`` finds the adapters by their entry points, in the wheel as in a
    checkout's editable install."""
    script = (
        "from importlib.metadata import entry_points\n"
        "for e in sorted(entry_points(group='plc_bot.adapters'), key=lambda e: e.name):\n"
        "    print(e.name, e.value, e.load().__module__)\n"
    )
    assert installed.python(script) == [
        "discord cogs.entry:adapter cogs.entry",
        "teams teams.entry:adapter teams.entry",
    ]


def test_the_teams_package_is_written_from_the_wheel(installed: Installed) -> None:
    config = installed.workdir / "teams.toml"
    config.write_text(
        '[database]\npath = "bot.sqlite3"\n'
        '[teams]\napp_id = "11111111-2222-3333-4444-555555555555"\n'
        'public_url = "https://plc.example.org"\n'
    )
    made = installed.run("--config", str(config), "teams-package", "--output", "app.zip")
    assert made.returncode == 0, made.stderr
    names = zipfile.ZipFile(installed.workdir / "app.zip").namelist()
    assert sorted(names) == ["color.png", "fr.json", "manifest.json", "outline.png"]
