"""The chat platforms as ``plc-bot run`` finds them: entry points, never imports from bot/.

``bot/`` is the core: it knows of no chat platform. The adapters (``cogs/`` for Discord,
``teams/`` for Microsoft Teams) register themselves as ``plc_bot.adapters`` entry points,
and ``plc-bot run`` serves those the settings configure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.running import RunOptions, configured_adapters, platforms_of

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ("cogs", "teams", "discord", "microsoft_agents", "microsoft_teams")
# The emulators and the playground stand in for a platform: they may use its adapter.
STAND_INS = ("bot/emulator/", "bot/playground/")


def _settings(**sections: dict[str, object]) -> Settings:
    return Settings(privacy={"secret": "s" * 32}, **sections)


def _imported(code: str, watched: set[str]) -> tuple[list[str], list[str]]:
    """``code`` run in a fresh interpreter (this process has imported everything): the
    lines it printed, then which of ``watched`` (modules or top-level packages) it
    imported."""
    probe = (
        f"{code}\nimport sys\n"
        f"print(sorted({{*sys.modules, *(m.split('.')[0] for m in sys.modules)}} & {watched!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    *printed, imported = loaded.stdout.splitlines()
    return printed, eval(imported)


def test_run_serves_the_platforms_the_settings_configure() -> None:
    def names(settings: Settings) -> list[str]:
        return [adapter.name for adapter in configured_adapters(settings, RunOptions())]

    assert names(_settings()) == []
    assert names(_settings(discord={"token": "t"})) == ["discord"]
    assert names(_settings(teams={"app_id": "a", "tenant_id": "t"})) == ["teams"]
    both = configured_adapters(
        _settings(discord={"token": "t"}, teams={"app_id": "a", "tenant_id": "t"}),
        RunOptions(force_sync=True),
    )
    assert [adapter.name for adapter in both] == ["discord", "teams"]
    assert vars(both[0])["force_sync"] is True  # --sync reaches Discord's adapter
    platforms = platforms_of(both)
    assert platforms.discord is both[0].platform and platforms.teams is both[1].platform


@pytest.mark.parametrize(
    ("section", "other_platform"),
    [
        ('discord={"token": "t"}', ("microsoft_agents", "teams.adapter")),
        ('teams={"app_id": "a", "tenant_id": "t"}', ("discord", "cogs.client")),
    ],
)
def test_run_loads_only_the_platforms_it_serves(
    section: str, other_platform: tuple[str, ...]
) -> None:
    """Every adapter's entry point is read at start-up: one not configured costs nothing
    (a Discord bot loaded the Agents SDK and the Teams adapter: 7 MB of its memory)."""
    [served], other = _imported(
        "from bot.config import Settings\n"
        "from bot.running import RunOptions, configured_adapters\n"
        f"settings = Settings(privacy={{'secret': 's' * 32}}, {section})\n"
        "print([a.name for a in configured_adapters(settings, RunOptions())])",
        set(other_platform),
    )
    assert len(eval(served)) == 1
    assert other == []


@pytest.mark.parametrize(
    ("modules", "other_platform"),
    [
        (("bot.playground.teams", "bot.emulator.teams"), ("discord", "cogs")),
        (("bot.playground.discord", "bot.emulator"), ("microsoft_agents", "teams")),
    ],
)
def test_one_platforms_playground_and_emulator_load_nothing_of_the_other(
    modules: tuple[str, ...], other_platform: tuple[str, ...]
) -> None:
    """What both playgrounds (or emulators) share lives where neither platform's
    libraries are imported: one may be installed without the other."""
    printed, other = _imported(
        f"import importlib\nfor name in {modules!r}: importlib.import_module(name)",
        set(other_platform),
    )
    assert printed == [] and other == []


def test_the_command_line_loads_a_platforms_command_only_when_it_runs() -> None:
    """Every ``plc-bot`` command's parser adds the platforms' commands (``plc_bot.commands``):
    ``plc-bot run`` imported the Teams package builder, with the Agents SDK under it, and
    the REST proxy, with discord.py, before it read its own arguments (0.7 s of a start)."""
    heavy = {"teams.package", "teams.commands", "cogs.rest_proxy"}
    [handler], imported = _imported(
        "from bot.cli import _parser\n"
        "args = _parser().parse_args(['run'])\n"
        "print(args.handler.__qualname__)",
        heavy | set(PLATFORMS) - {"cogs", "teams"},
    )
    assert handler == "_run"
    assert imported == []
