"""``plc-bot playground --platform teams``: the real bot on the local Teams emulator.

The emulator plays Microsoft Teams: a tenant with the sample team "PLC Grade 5" (Alice
owns it; Bob, Chloé and David are members). The bot serves it exactly as it serves
Teams (the Agents SDK on its own port; only the token checks are off, as for the local
emulator alone). The app is added to the team and Alice sets the community up, then you
type commands to the bot as the team's members (:mod:`bot.playground.teams_console`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO, Unpack

from bot.emulator.teams import TeamsEmulator
from bot.emulator.teams.sample import SampleTeam, build_sample_team
from bot.emulator.teams.world_file import (
    TeamsWorld,
    load_teams_world,
    save_teams_world,
)
from bot.i18n import Language
from bot.playground.common import PlaygroundRun, PlayOptions
from bot.playground.teams_console import LOCALES, TeamsConsole
from teams import store
from teams.adapter import running_teams


async def play_teams(
    database: Path,
    source: TextIO,
    out: TextIO,
    **options: Unpack[PlayOptions],
) -> int:
    """Run the Teams console on ``source`` until it ends or says ``:quit`` (as
    :func:`bot.playground.discord.play`, for Teams)."""
    playground = PlaygroundRun(database, options)
    world = playground.kept_world(load_teams_world)
    if world is None:
        emu = TeamsEmulator(anonymous=True)
        sample = build_sample_team(emu.state)
    else:
        emu = TeamsEmulator(anonymous=True, state=world.state)
        sample = world.sample
    clock = playground.clock(world.clock if world is not None else None)
    await emu.start()
    try:
        # The emulator as the bot's Teams, without token checks; no Discord.
        teams = {
            "app_id": emu.state.app_id,
            "tenant_id": emu.state.tenant_id,
            "host": "127.0.0.1",
            "port": 0,
            "local_anonymous": True,
        }
        settings = playground.settings({"teams": teams}, leave_out=("discord", "teams"))
        async with running_teams(settings, clock) as (app, adapter):
            assert adapter.host is not None
            emu.bot_endpoint = adapter.host.url
            console = TeamsConsole(emu, sample, clock, app, out)
            if world is None:
                await _prepare(console, playground.language)
            else:
                async with app.core.db.transaction() as conn:  # the emulator's new port
                    await store.move_service(conn, emu.service_url)
                console.member, console.where = world.member, world.where
                console.transcript.mark_all_seen()
                console.say("plc-bot playground: welcome back to the sample team as you left it.")

            def save(path: Path) -> None:
                kept = TeamsWorld(emu.state, sample, clock.now(), console.member, console.where)
                save_teams_world(path, kept)

            await playground.run_console(console, source, save)
    finally:
        await emu.stop()
    return 0


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
