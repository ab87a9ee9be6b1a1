"""Two ``plc-bot run`` processes given overlapping shard ranges: the second refuses to
start and names the shards; the first frees them when it stops."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path

from bot.db.shard_claims import PostgresShardClaims
from bot.db.url import DatabaseUrl
from bot.emulator import Emulator, build_sample_guild
from bot.shards import FileShardClaims, shard_claims_path
from tests.e2e.harness import database_toml
from tests.isolation import clean_environment
from tests.reliability.process import ROOT, plc_bot


async def test_a_second_process_on_held_shards_refuses_naming_them(
    tmp_path: Path, database_url: DatabaseUrl | None
) -> None:
    database = database_url or DatabaseUrl.sqlite(tmp_path / "bot.sqlite3")
    async with Emulator() as emu:
        build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
        config = tmp_path / "config.toml"
        config.write_text(
            f'[discord]\ntoken = "{emu.bot_token}"\n'
            f'api_base_url = "{emu.http_url}/api/v10"\ngateway_url = "{emu.gateway_url}"\n'
            f"{database_toml(database)}"
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
        # Freed at stop: beside the SQLite file, or in the PostgreSQL database.
        assert await asyncio.to_thread(claims_of(database).held) == []


def claims_of(database: DatabaseUrl) -> FileShardClaims | PostgresShardClaims:
    if database.path is not None:
        return FileShardClaims(shard_claims_path(database.path))
    return PostgresShardClaims(database)
