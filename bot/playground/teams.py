"""``plc-bot playground --platform teams``: the real bot on the local Teams emulator.

The emulator plays Microsoft Teams: a tenant with the sample team "PLC Grade 5" (Alice
owns it; Bob, Chloé and David are members). The bot serves it exactly as it serves
Teams (the Agents SDK on its own port; only the token checks are off, as for the local
emulator alone). The app is added to the team and Alice sets the community up, then you
type commands to the bot as the team's members (:mod:`bot.playground.teams_console`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from bot.clock import ControlledClock, SystemClock
from bot.config import Settings, read_config_file, settings_ignoring_environment
from bot.emulator.teams import TeamsEmulator
from bot.emulator.teams.sample import SampleTeam, build_sample_team
from bot.emulator.teams.world_file import (
    TeamsWorld,
    load_teams_world,
    save_teams_world,
)
from bot.emulator.world_file import set_aside, world_path
from bot.i18n import Language
from bot.playground import playground_secret, read_lines
from bot.playground.teams_console import LOCALES, TeamsConsole
from teams.adapter import running_teams


async def play_teams(
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
    """Run the Teams console on ``source`` until it ends or says ``:quit`` (as
    :func:`bot.playground.play`, for Teams)."""
    from_file = read_config_file(config, required=True) if config is not None else {}
    world_file = world_path(database) if keep_world else None
    world = _load(world_file, new_world)
    if world is None:
        emu = TeamsEmulator(anonymous=True)
        sample = build_sample_team(emu.state)
        clock = clock or ControlledClock(SystemClock().now())
    else:
        emu = TeamsEmulator(anonymous=True, state=world.state)
        sample = world.sample
        clock = clock or ControlledClock(max(world.clock, SystemClock().now()))
    await emu.start()
    try:
        settings = _settings(from_file, emu, database, config)
        async with running_teams(settings, clock) as (app, adapter):
            assert adapter.host is not None
            emu.bot_endpoint = adapter.host.url
            console = TeamsConsole(emu, sample, clock, app, out)
            if world is None:
                await _prepare(console, language)
            else:
                console.member, console.where = world.member, world.where
                console.transcript.mark_all_seen()
                console.say("plc-bot playground: welcome back to the sample team as you left it.")

            def save() -> None:
                if world_file is not None:
                    kept = TeamsWorld(emu.state, sample, clock.now(), console.member, console.where)
                    save_teams_world(world_file, kept)

            save()
            await read_lines(console, source, save)
    finally:
        await emu.stop()
    return 0


def _load(world_file: Path | None, new_world: bool) -> TeamsWorld | None:
    if world_file is None or not world_file.exists():
        return None
    if new_world:
        set_aside(world_file)
        return None
    return load_teams_world(world_file)


def _settings(
    from_file: dict[str, Any], emu: TeamsEmulator, database: Path, config: Path | None
) -> Settings:
    """The file's settings with the playground's own Teams (the emulator, no token checks),
    database, secret and logging; no Discord, no health port."""
    sections = {k: v for k, v in from_file.items() if k not in ("ops", "discord", "teams")}
    privacy = sections.get("privacy")
    sections["teams"] = {
        "app_id": emu.state.app_id,
        "tenant_id": emu.state.tenant_id,
        "host": "127.0.0.1",
        "port": 0,
        "local_anonymous": True,
    }
    sections["database"] = {"path": database}
    sections["privacy"] = {**(privacy if isinstance(privacy, dict) else {})}
    sections["privacy"]["secret"] = playground_secret(database)
    sections["logging"] = {"level": "WARNING"}
    return settings_ignoring_environment(sections, source=str(config or "<playground>"))


async def _prepare(console: TeamsConsole, language: Language) -> None:
    """The app added to the team, then the community set up by its owner."""
    sample: SampleTeam = console.sample
    sample.alice.locale = LOCALES[language]
    await console.emu.install_in_team(sample.team, sample.alice)
    setup = (
        "plc setup timezone:America/Toronto language:en checkin_channel:Check-ins "
        "questions_channel:Questions announcements_channel:Announcements "
        "moderation_channel:Moderation"
    )
    await console.emu.mention(sample.alice, sample.channel("General"), setup)
    console.transcript.mark_all_seen()
    console.say("plc-bot playground: the real bot on a local Microsoft Teams emulator.")
    console.say(
        "Sample team “PLC Grade 5” is set up (time zone America/Toronto, English; channels "
        "#Check-ins, #Questions, #Announcements, #Moderation). You are alice (Alice "
        "Tremblay, she owns the team, so she facilitates); others: bob, chloe (Teams in "
        "French), david. You type in #General, mentioning the bot; :in chat for your 1:1 "
        "chat with it. Type help for the bot's commands, :help for the console's, "
        ":quit to leave."
    )
