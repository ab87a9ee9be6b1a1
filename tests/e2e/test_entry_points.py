"""The bot as a user starts it: ``plc-bot run`` in a subprocess, and the playground."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path

import pytest

from bot.db.url import DatabaseUrl
from bot.emulator import Emulator, build_sample_guild
from tests.e2e.harness import database_toml
from tests.isolation import clean_environment
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("config_first", [True, False], ids=["--config run", "run --config"])
async def test_plc_bot_run_as_a_subprocess_answers_slash_commands(
    tmp_path: Path, config_first: bool, database_url: DatabaseUrl | None
) -> None:
    database = database_url or DatabaseUrl.sqlite(tmp_path / "bot.sqlite3")
    async with Emulator() as emu:
        guild = build_sample_guild(emu.state, bot_user_id=emu.bot_user_id)
        config = tmp_path / "config.toml"
        config.write_text(
            f'[discord]\napi_base_url = "{emu.http_url}/api/v10"\n'
            f'gateway_url = "{emu.gateway_url}"\n'
            f"{database_toml(database)}"
            f'[privacy]\nsecret = "{secrets.token_urlsafe(32)}"\n'
        )
        env = {**clean_environment(os.environ), "DISCORD_TOKEN": emu.bot_token}
        option = ["--config", str(config)]
        argv = [*option, "run"] if config_first else ["run", *option]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", *argv,
            cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await emu.wait_for(
                lambda: emu.identify_count >= 1 and emu.state.commands_for(None), timeout=30
            )
            result = await emu.slash(guild.id, guild.users["bob"], "plc status")
            assert "/plc setup" in (result.content or "")

            # A second instance on the same database refuses to start.
            second = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "--config", str(config), "run",
                cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            _, err = await asyncio.wait_for(second.communicate(), 30)
            assert second.returncode == 2
            assert b"already running" in err
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert emu.bot_token.encode() not in stderr  # the token is never logged
        assert b"stopped" in stderr


async def test_playground_prints_the_bots_answer_and_exits_zero(tmp_path: Path) -> None:
    script = (
        b"/plc status\n:lang fr\n/plc status\n:as bob\n/me away until:2026-12-18\n"
        b":advance 1h\n:quit\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "playground", "--db", str(tmp_path / "p.sqlite3"),
        cwd=ROOT, env={**clean_environment(os.environ), "LANG": "C.UTF-8", "LC_ALL": ""},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(script), 60)
    assert process.returncode == 0, err.decode()
    text = out.decode()
    english, french = text.split("alice> :lang fr", 1)
    assert "Time zone" in english  # the newcomer is answered in the community's language
    assert "Fuseau horaire" in french  # and can switch
    assert "#check-ins" in text  # mentions rendered readably
    # Written as the "Read as" line under it writes it, not "December 18, 2026" above it.
    assert "You are marked away until **18 December 2026**" in text
    assert "clock:" in text


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "discord.invalid"], ids=["closed port", "unresolvable"]
)
async def test_plc_bot_run_without_discord_says_so_in_one_line(tmp_path: Path, host: str) -> None:
    """Issue 20: no network ended in aiohttp's ClientConnectorDNSError traceback."""
    where = host.format(port=free_port())
    config = tmp_path / "config.toml"
    config.write_text(
        f'[discord]\ntoken = "not.a.token"\napi_base_url = "http://{where}/api/v10"\n'
        f'gateway_url = "ws://{where}"\n'
        f'[database]\npath = "{tmp_path / "bot.sqlite3"}"\n'
        f'[privacy]\nsecret = "{secrets.token_urlsafe(32)}"\n'
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--config", str(config),
        cwd=ROOT, env=clean_environment(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), 60)
    text = err.decode()
    assert process.returncode == 1, text
    assert "Traceback" not in text
    told = [line for line in text.splitlines() if line.startswith("plc-bot: ")]
    assert len(told) == 1, text
    assert told[0].startswith(f"plc-bot: cannot reach Discord at {where.split(':')[0]}:")
    assert "check the network" in told[0]
