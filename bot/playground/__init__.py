"""``plc-bot playground``: the real bot on a local emulator, in a console.

The emulator serves a sample server; the bot connects to it exactly as to Discord.
You type slash commands as a sample member and read what the bot posts. Input may
be piped from a file, so a session can be scripted. A config file (``--config``)
brings its settings (custom protocols, reminders, defaults); the playground keeps
its own Discord, clock and database. ``--platform teams`` plays the same on the
Microsoft Teams emulator (:mod:`bot.playground.teams`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TextIO

from bot.clock import ControlledClock, SystemClock
from bot.config import ConfigError, Settings, read_config_file, settings_ignoring_environment
from bot.db import DatabaseError
from bot.emulator import Emulator, build_sample_guild
from bot.emulator.world_file import (
    World,
    WorldFileError,
    load_world,
    save_world,
    set_aside,
    world_path,
)
from bot.i18n import Language
from bot.playground.console import LOCALES, Console
from cogs.client import running_bot

__all__ = ["Console", "play", "run_playground"]


async def play(
    database: Path,
    source: TextIO,
    out: TextIO,
    *,
    clock: ControlledClock | None = None,
    keep_world: bool = False,
    new_world: bool = False,
    language: Language = "en",
    config: Path | None = None,
) -> int:
    """Run the console on ``source`` until it ends or says ``:quit``.

    ``language``: the Discord language of the member you act as in a new world
    (``:lang`` switches it). With ``keep_world`` the emulated server is saved beside
    the database after every line and loaded on the next run
    (:mod:`bot.emulator.world_file`). ``config``: a config file (see :func:`_settings`).
    """
    from_file = read_config_file(config, required=True) if config is not None else {}
    world_file = world_path(database) if keep_world else None
    world = _load_world(world_file, new_world)
    if world is not None:
        emu = Emulator(bot_token=world.bot_token, state=world.state)
        guild = world.guild
        now = max(world.clock, SystemClock().now())
        clock = clock or ControlledClock(now)
    else:
        emu = Emulator()
        guild = build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
        clock = clock or ControlledClock(SystemClock().now())
    # Discord's rules (an event may not start in the past) follow the playground's clock.
    emu.state.now_timestamp = lambda: clock.now().timestamp()
    await emu.start()
    try:
        settings = _settings(from_file, emu, database, config)
        async with running_bot(settings, clock, guild_ready_timeout=0.1) as bot:
            await asyncio.wait_for(bot.ready_once.wait(), timeout=30)
            console = Console(emu=emu, guild=guild, clock=clock, bot=bot, out=out)
            if world is None:
                await _prepare(console, language)
            else:
                console.member = world.member
                _welcome_back(console)

            def save() -> None:
                if world_file is not None:
                    save_world(
                        world_file,
                        World(emu.state, guild, emu.bot_token, clock.now(), console.member),
                    )

            save()
            await read_lines(console, source, save)
    finally:
        await emu.stop()
    return 0


class Reading(Protocol):
    """A console lines are read for (Discord's, Teams')."""

    member: str
    out: TextIO

    async def handle(self, line: str) -> bool: ...


async def read_lines(console: Reading, source: TextIO, after_each: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        if source.isatty():
            print(f"{console.member}> ", end="", file=console.out, flush=True)
        line = await loop.run_in_executor(None, source.readline)
        if not line:
            return
        going_on = await console.handle(line)
        after_each()
        if not going_on:
            return


def _settings(
    from_file: dict[str, Any], emu: Emulator, database: Path, config: Path | None
) -> Settings:
    """The file's settings with the playground's own Discord, database, secret and logging;
    no health port (it would clash with a real bot's). The environment is not read: it
    may hold the real bot's token and database."""
    sections = {k: v for k, v in from_file.items() if k != "ops"}
    discord, privacy = sections.get("discord"), sections.get("privacy")
    sections["discord"] = {
        "token": emu.bot_token,
        "api_base_url": f"{emu.http_url}/api/v10",
        "gateway_url": emu.gateway_url,
    }
    if isinstance(discord, dict) and "cogs" in discord:
        sections["discord"]["cogs"] = discord["cogs"]
    sections["database"] = {"path": database}
    sections["privacy"] = {**(privacy if isinstance(privacy, dict) else {})}
    sections["privacy"]["secret"] = playground_secret(database)
    sections["logging"] = {"level": "WARNING"}
    return settings_ignoring_environment(sections, source=str(config or "<playground>"))


def _load_world(world_file: Path | None, new_world: bool) -> World | None:
    if world_file is None or not world_file.exists():
        return None
    if new_world:
        set_aside(world_file)
        return None
    return load_world(world_file)


def playground_secret(database: Path) -> str:
    """The privacy secret of this playground database, kept beside it (anonymous
    questions' keyed hashes must stay verifiable from one run to the next)."""
    path = database.with_name(database.name + ".secret")
    if path.exists():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def _welcome_back(console: Console) -> None:
    console.transcript.mark_all_seen()
    console.say("plc-bot playground: welcome back to the sample server as you left it.")
    console.say(
        f"You are {console.member}. :read #announcements (or any channel) shows what is "
        "there, with its buttons. Type :help for help, :quit to leave."
    )


async def _prepare(console: Console, language: Language) -> None:
    """Set the sample community up as its admin, so every feature works at once."""
    g = console.guild
    # The newcomer acts as alice in the terminal's language; `:lang` switches.
    console.emu.state.users[g.users["alice"]].locale = LOCALES[language]
    result = await console.emu.slash(
        g.id,
        g.users["admin"],
        "plc setup",
        timezone="America/Toronto",
        language="en",
        checkin_channel=g.channels["check-ins"],
        questions_channel=g.channels["questions"],
        announcements_channel=g.channels["announcements"],
        facilitator_role=g.roles["facilitator"],
    )
    await result.final()
    console.transcript.mark_all_seen()
    console.say("plc-bot playground: the real bot on a local Discord emulator.")
    console.say(
        f"Sample server “PLC Sample” is set up (time zone America/Toronto, English). "
        f"You are alice (facilitator); others: {', '.join(n for n in g.users if n != 'alice')}. "
        + (
            "Replies follow your Discord language: English; :lang fr for French."
            if language == "en"
            else "Les réponses suivent votre langue Discord : français ; :lang en pour l’anglais."
        )
    )
    console.say("Type :help for help, :quit to leave.")


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
    runner = play
    if platform == "teams":
        from bot.playground.teams import play_teams

        runner = play_teams
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
