"""Two ``plc-bot run`` processes given overlapping shard ranges: the second refuses to
start and names the shards; the first frees them when it stops."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path

from bot.emulator import Emulator, build_sample_guild
from bot.shards import FileShardClaims, shard_claims_path
from tests.isolation import clean_environment
from tests.reliability.process import ROOT, plc_bot


async def test_a_second_process_on_held_shards_refuses_naming_them(tmp_path: Path) -> None:
    async with Emulator() as emu:
        build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
        database = tmp_path / "bot.sqlite3"
        config = tmp_path / "config.toml"
        config.write_text(
            f'[discord]\ntoken = "{emu.bot_token}"\n'
            f'api_base_url = "{emu.http_url}/api/v10"\ngateway_url = "{emu.gateway_url}"\n'
            f'[database]\npath = "{database}"\n'
            f'[privacy]\nsecret = "{secrets.token_urlsafe(32)}"\n'
        )
        first = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--config", str(config),
            "run", "--shards", "0-1", "--shard-count", "4",
            cwd=ROOT, env=clean_environment(os.environ), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            # Both of its shards identified: it runs.
            await emu.wait_for(lambda: {(0, 4), (1, 4)} <= emu.gateway.serving.keys(), timeout=30)
            code, said = await plc_bot(config, "run", "--shards", "1-2", "--shard-count", "4")
            assert code == 2, said
            assert f"shards 1 of 4 are already served by process {first.pid}" in said
            assert (2, 4) not in emu.gateway.serving  # it never connected
        finally:
            first.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(first.communicate(), 30)
        assert first.returncode == 0, stderr.decode()
        assert FileShardClaims(shard_claims_path(database)).held() == []  # freed at stop
