"""The playground's world file: the emulated Discord saved as JSON and read back the same."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import discord
import pytest

from bot.emulator import Emulator, SampleGuild
from bot.emulator.world_file import (
    STATE_FIELDS,
    STATE_NOT_SAVED,
    World,
    WorldFileError,
    load_world,
    save_world,
)

from .minibot import EmuTestBot

pytestmark = pytest.mark.asyncio

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


async def _a_busy_world(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    """Messages with components, a file, a thread, a DM, a reaction and an upload."""
    await emu.slash(g.id, g.users["alice"], "vote")
    await emu.slash(g.id, g.users["alice"], "report")
    channel = bot.get_channel(g.channels["questions"])
    assert isinstance(channel, discord.TextChannel)
    starter = await channel.send("Question of the week")
    thread = await starter.create_thread(name="Answers")
    await thread.send("first answer")
    dm = emu.send_dm(g.users["chloe"], "bonjour")
    emu.react(g.users["chloe"], dm, "👍")
    emu.close_dms(g.users["david"])


async def test_a_saved_world_reads_back_the_same(
    tmp_path: Path, emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    await _a_busy_world(emu, g, bot)
    state = emu.state
    assert set(vars(state)) == set(STATE_FIELDS) | STATE_NOT_SAVED, "a State field is not saved"
    path = tmp_path / "p.sqlite3.world"
    save_world(path, World(state, g, emu.bot_token, NOW, "bob"))
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "plc-bot-playground-world"

    loaded = load_world(path)
    again = loaded.state
    assert (loaded.guild, loaded.bot_token, loaded.clock, loaded.member) == (
        g,
        emu.bot_token,
        NOW,
        "bob",
    )
    assert again.guild_create_json(g.id, with_members=True) == state.guild_create_json(
        g.id, with_members=True
    )
    for name in STATE_FIELDS:
        assert getattr(again, name) == getattr(state, name), name
    report = next(m for m in again.messages.values() if m.attachments)
    assert report.attachments[0].data == b"name,score\nalice,3\n"
    assert again.new_id() > max(state.messages), "new ids come after the saved ones"


async def test_a_world_file_that_is_not_json_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3.world"
    path.write_text('{"format": "plc-bot-playground-world", "version": 2, "world": {}}')
    with pytest.raises(WorldFileError, match="cannot be read.*--new-world"):
        load_world(path)
    path.write_bytes(b"\x00\xff not json")
    with pytest.raises(WorldFileError, match="--new-world"):
        load_world(path)
