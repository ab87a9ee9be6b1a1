"""``plc-bot playground``: the real bot on the local Discord emulator, in a console.

The emulator serves a sample server; the bot connects to it exactly as to Discord.
You type slash commands as a sample member and read what the bot posts
(:mod:`bot.playground.console`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TextIO, Unpack

from bot.emulator import Emulator, build_sample_guild
from bot.emulator.world_file import World, load_world, save_world
from bot.i18n import Language
from bot.playground.common import PlaygroundRun, PlayOptions
from bot.playground.console import LOCALES, Console
from cogs.client import running_bot


async def play(
    database: Path,
    source: TextIO,
    out: TextIO,
    **options: Unpack[PlayOptions],
) -> int:
    """Run the Discord console on ``source`` until it ends or says ``:quit``
    (``options``: :class:`~bot.playground.common.PlayOptions`)."""
    playground = PlaygroundRun(database, options)
    world = playground.kept_world(load_world)
    if world is not None:
        emu = Emulator(bot_token=world.bot_token, state=world.state)
        guild = world.guild
    else:
        emu = Emulator()
        guild = build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
    clock = playground.clock(world.clock if world is not None else None)
    # Discord's rules (an event may not start in the past) follow the playground's clock.
    emu.state.now_timestamp = lambda: clock.now().timestamp()
    await emu.start()
    try:
        settings = playground.settings({"discord": _discord(playground.from_file, emu)})
        async with running_bot(settings, clock, guild_ready_timeout=0.1) as bot:
            await asyncio.wait_for(bot.ready_once.wait(), timeout=30)
            console = Console(emu=emu, guild=guild, clock=clock, bot=bot, out=out)
            if world is None:
                await _prepare(console, playground.language)
            else:
                console.member = world.member
                _welcome_back(console)

            def save(path: Path) -> None:
                kept = World(emu.state, guild, emu.bot_token, clock.now(), console.member)
                save_world(path, kept)

            await playground.run_console(console, source, save)
    finally:
        await emu.stop()
    return 0


def _discord(from_file: dict[str, Any], emu: Emulator) -> dict[str, Any]:
    """The emulator as the bot's Discord; the file's choice of cogs is kept."""
    section: dict[str, Any] = {
        "token": emu.bot_token,
        "api_base_url": f"{emu.http_url}/api/v10",
        "gateway_url": emu.gateway_url,
    }
    given = from_file.get("discord")
    if isinstance(given, dict) and "cogs" in given:
        section["cogs"] = given["cogs"]
    return section


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
