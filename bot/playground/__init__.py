"""``plc-bot playground``: the real bot on a local emulator, in a console.

The emulator serves a sample server (:mod:`bot.playground.discord`), or with
``--platform teams`` a sample team on the Microsoft Teams emulator
(:mod:`bot.playground.teams`); the bot connects to it exactly as to the real
platform. You type commands as a sample member and read what the bot posts. Input
may be piped from a file, so a session can be scripted. A config file (``--config``)
brings its settings (custom protocols, reminders, defaults); the playground keeps
its own chat platform, clock and database. What both playgrounds share is in
:mod:`bot.playground.common`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from bot.config import ConfigError
from bot.db import DatabaseError
from bot.emulator.world_file import WorldFileError
from bot.i18n import Language

__all__ = ["run_playground", "terminal_language"]


def _unusable(database: Path) -> str | None:
    folder = database.parent
    if not folder.is_dir():
        return f"{database}: folder {folder} does not exist"
    if not os.access(folder, os.W_OK) or (database.exists() and not os.access(database, os.W_OK)):
        return f"{database}: not writable; choose a file in a folder you can write to"
    return None


def terminal_language(environ: Mapping[str, str]) -> Language:
    """French if the terminal's locale is French (``LANG``, ``LC_ALL``), else English."""
    setting = environ.get("LC_ALL") or environ.get("LC_MESSAGES") or environ.get("LANG") or ""
    return "fr" if setting.lower().startswith("fr") else "en"


def run_playground(
    *,
    database: Path | None = None,
    new_world: bool = False,
    config: Path | None = None,
    platform: str = "discord",
) -> int:
    language = terminal_language(os.environ)
    # Only the platform played is imported: the other one's libraries may be absent.
    if platform == "teams":
        from bot.playground.teams import play_teams as runner
    else:
        from bot.playground.discord import play as runner
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("discord", "aiohttp", "apscheduler", "bot", "cogs", "teams", "microsoft_agents"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    if database is not None:
        problem = _unusable(database)
        if problem:
            print(f"plc-bot playground: {problem}", file=sys.stderr)
            return 2
        try:
            return asyncio.run(
                runner(
                    database,
                    sys.stdin,
                    sys.stdout,
                    keep_world=True,
                    new_world=new_world,
                    language=language,
                    config=config,
                )
            )
        except (WorldFileError, DatabaseError, ConfigError) as exc:
            print(f"plc-bot playground: {exc}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="plc-bot-playground-") as folder:
        database = Path(folder) / "playground.sqlite3"
        try:
            return asyncio.run(
                runner(database, sys.stdin, sys.stdout, language=language, config=config)
            )
        except ConfigError as exc:
            print(f"plc-bot playground: {exc}", file=sys.stderr)
            return 2
