"""The page check at each start of ``plc-bot run``, as an operator meets it:
the bot a subprocess with a config file, stopped with SIGTERM or killed with SIGKILL.

Every page is checked before start-up after a kill (no clean stop) or when the file
changed since the clean stop (size, modification time, inode): a damaged file is
refused there, exit 2 with a clear message. A file as the clean stop left it starts at
once and is checked in the background after ready, so damage that kept the file's size
and time, or came while the bot was running, is caught there: the bot stops writing,
``plc-bot health`` names it and the facilitators are told once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock, SystemClock
from bot.emulator import Emulator, Message
from tests.e2e.harness import Harness, running_harness
from tests.ports import free_port
from tests.reliability.damage import (
    SYMPTOM,
    Bytes,
    clean_stop_record,
    damage_pages,
    truncate,
)
from tests.reliability.process import BotProcess, plc_bot, write_config
from tests.reliability.world import bot_posts, schedule_meeting, told_after_click

NOTICE = "⚠️ The bot's database file is damaged"
REFUSAL = "The bot's database is damaged, so nothing can be saved"
RESTORE = "restore the latest backup"


@dataclass
class StartWorld:
    """A set-up community, a meeting announced, the bot stopped cleanly (in-process)."""

    h: Harness
    bot: BotProcess
    config: Path
    announcement: Message

    @property
    def emu(self) -> Emulator:
        return self.h.emu

    @property
    def db_path(self) -> Path:
        return self.h.db_path

    def notices(self) -> list[Message]:
        posts = bot_posts(self.emu, self.h.channel("announcements"))
        return [m for m in posts if m.content.startswith(NOTICE)]

    async def start_and_get_ready(self) -> None:
        identified = self.emu.identify_count
        await self.bot.start()
        await self.emu.wait_for(lambda: self.emu.identify_count > identified, timeout=30)
        await self.emu.wait_until_connected(timeout=20)

    async def refused_at_start_up(self) -> str:
        """Start the bot, which must exit 2 before connecting; its output."""
        identified = self.emu.identify_count
        await self.bot.start()
        assert await self.bot.wait(timeout=60) == 2, self.bot.last_log()
        assert self.emu.identify_count == identified  # never connected
        return self.bot.last_log()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[StartWorld]:
    clock = ControlledClock(SystemClock().now())
    async with running_harness(tmp_path, clock) as h:
        emu = h.emu
        config = write_config(
            tmp_path / "config.toml", emu, h.db_path, h.secret, health_port=free_port()
        )
        bot = BotProcess(config, emu.bot_token, tmp_path)
        try:
            await h.start()
            await h.setup_community(language="en")
            starts = clock.now() + timedelta(days=3)
            announcement = await schedule_meeting(h, title="Planned", starts=starts)
            await h.stop()
            assert clean_stop_record(h.db_path).exists()
            # From here on Discord and the bot share the real clock.
            emu.state.now_timestamp = lambda: datetime.now(UTC).timestamp()
            yield StartWorld(h, bot, config, announcement)
        finally:
            if bot.running:
                await bot.kill()


async def test_damage_that_kept_the_files_size_and_time_is_found_after_ready(
    world: StartWorld,
) -> None:
    damage_pages(world.db_path, keep_stamp=True)
    await world.start_and_get_ready()  # the start-up check was left for later
    await world.emu.wait_for(world.notices, timeout=30)

    code, out = await plc_bot(world.config, "health")
    assert code == 1, out
    assert out.startswith("unhealthy: database damaged (") and SYMPTOM in out, out
    assert "writes stopped" in out and "scheduler paused" in out
    log = world.bot.last_log()
    assert "its pages are checked later" in log
    assert f"{RESTORE} (the ones plc-bot backup writes" in log
    assert await world.bot.stop() == 0
    assert len(world.notices()) == 1
    assert not clean_stop_record(world.db_path).exists()


@pytest.mark.parametrize("damage", ["pages, file time moved", "truncated"])
async def test_a_file_changed_since_the_clean_stop_is_refused_before_start_up(
    world: StartWorld, damage: str
) -> None:
    if damage == "truncated":
        truncate(world.db_path)
    else:
        damage_pages(world.db_path, keep_stamp=False)
    log = await world.refused_at_start_up()
    assert "the file changed since the last clean stop" in log
    assert "plc-bot: " in log and RESTORE in log
    assert world.notices() == []


async def test_a_file_damaged_under_the_running_bot_is_never_written_after(
    world: StartWorld,
) -> None:
    # As the bot logs in it has the file open: one page breaks then.
    world.emu.faults.add(
        method="GET",
        path="/users/@me",
        hook=lambda: damage_pages(world.db_path, keep_stamp=False),
    )
    await world.start_and_get_ready()
    await world.emu.wait_for(world.notices, timeout=30)
    detected = Bytes.of(world.db_path)

    told = await told_after_click(world.emu, world.h.user("bob"), world.announcement, "Going")
    assert REFUSAL in told
    code, out = await plc_bot(world.config, "health")
    assert code == 1 and "database damaged" in out
    assert Bytes.of(world.db_path) == detected
    assert await world.bot.stop() == 0
    assert Bytes.of(world.db_path) == detected  # closing copied nothing into it
    assert len(world.notices()) == 1

    log = await world.refused_at_start_up()
    assert "no clean stop was recorded" in log and SYMPTOM in log


async def test_after_a_kill_every_page_is_checked_before_start_up(world: StartWorld) -> None:
    await world.start_and_get_ready()
    await world.bot.kill()
    assert not clean_stop_record(world.db_path).exists()
    # Damage that keeps the file's size and time: only a check at start-up sees it.
    damage_pages(world.db_path, keep_stamp=True)
    log = await world.refused_at_start_up()
    assert "no clean stop was recorded (a first start, a crash or a kill)" in log
    assert SYMPTOM in log and RESTORE in log
