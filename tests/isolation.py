"""Keep the caller's shell out of the tests.

The settings read ``DISCORD_TOKEN``, ``TEAMS_CLIENT_SECRET`` and every ``PLCBOT_*``
variable, and they win over the values a test passes in (see :mod:`bot.config`), so a developer who
exported ``PLCBOT_DATABASE__PATH`` would otherwise run every test against one
file. ``tests/conftest.py`` removes them before collection; subprocesses get
:func:`clean_environment` too. A test of an override sets the variable itself.
"""

from __future__ import annotations

from collections.abc import Mapping

SETTINGS_PREFIX = "PLCBOT_"
TOKEN_VARIABLE = "DISCORD_TOKEN"
TEAMS_SECRET_VARIABLE = "TEAMS_CLIENT_SECRET"


def is_bot_setting(name: str) -> bool:
    """Whether the bot would read ``name`` (pydantic-settings ignores case by default)."""
    upper = name.upper()
    return upper in (TOKEN_VARIABLE, TEAMS_SECRET_VARIABLE) or upper.startswith(SETTINGS_PREFIX)


def clean_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``environ`` without any variable the bot reads as configuration."""
    return {name: value for name, value in environ.items() if not is_bot_setting(name)}
