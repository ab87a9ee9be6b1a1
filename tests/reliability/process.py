"""``plc-bot run`` as an operator starts it: a subprocess with a config file, against the
emulator running in the test's process, killed with SIGKILL or stopped with SIGTERM.

The subprocess reads the time from the system clock: ``plc-bot run`` has no clock
switch, on purpose (a test-only hook in the production entry point is a hook a
production config could set). Tests give it work that is already due instead: they
plan it through slash commands on an in-process bot whose clock stands a little in
the past, then hand the same database to the subprocess.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import Emulator
from tests.isolation import clean_environment

ROOT = Path(__file__).resolve().parents[2]


def write_config(
    path: Path, emu: Emulator, db_path: Path, secret: str, *, health_port: int | None = None
) -> Path:
    ops = "" if health_port is None else f"[ops]\nhealth_port = {health_port}\n"
    path.write_text(
        f'[discord]\napi_base_url = "{emu.http_url}/api/v10"\n'
        f'gateway_url = "{emu.gateway_url}"\n'
        f'[database]\npath = "{db_path}"\n'
        f'[privacy]\nsecret = "{secret}"\n'
        '[logging]\nlevel = "INFO"\n' + ops
    )
    return path


async def plc_bot(config: Path, *args: str) -> tuple[int, str]:
    """Another ``plc-bot`` command beside the running bot (``health``): exit code, output."""
    env = clean_environment(os.environ)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "--config", str(config), *args,
        cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return int(process.returncode or 0), out.decode(errors="replace")


@dataclass
class BotProcess:
    """One ``plc-bot run`` at a time; each start logs to its own file."""

    config: Path
    token: str
    log_dir: Path
    starts: int = 0
    process: asyncio.subprocess.Process | None = None
    logs: list[Path] = field(default_factory=list)

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    async def start(self) -> None:
        assert self.process is None or self.process.returncode is not None
        self.starts += 1
        log = self.log_dir / f"bot-{self.starts:02d}.log"
        self.logs.append(log)
        env = {**clean_environment(os.environ), "DISCORD_TOKEN": self.token}
        with log.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "--config", str(self.config), "run",
                cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=out, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip

    def kill_now(self) -> None:
        """SIGKILL, synchronously: usable from inside an emulator hook."""
        if self.process is not None and self.process.returncode is None:
            os.kill(self.process.pid, signal.SIGKILL)

    async def kill(self) -> int:
        self.kill_now()
        return await self.wait()

    async def stop(self, timeout: float = 30) -> int:  # noqa: ASYNC109
        """SIGTERM, the clean stop; the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.wait(timeout)

    async def wait(self, timeout: float = 30) -> int:  # noqa: ASYNC109
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def last_log(self) -> str:
        return self.logs[-1].read_text(errors="replace") if self.logs else ""
