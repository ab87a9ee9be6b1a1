"""Three ``plc-bot run`` processes on one PostgreSQL database, one emulator behind one
REST proxy, 300 reminders due at once; one process is killed with SIGKILL as Discord
accepts a seeded k-th message of the burst (sent, not yet recorded by its process).

The two left take over its claimed timers once their lease ends. Every reminder reaches
its target exactly once (one message per nonce at the emulator); a post whose fate the
killed process never learned is sent again with its nonce, which Discord answers with
the message it already holds, and only that timer's posts are (never the rest of its
claimed batch, which its delivery ledger says nothing of). No one-second window of the
emulator counts more than Discord's global limit, and no answer is a global 429.
"""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest

from bot.db.url import DatabaseUrl
from bot.emulator.ratelimits import GLOBAL_LIMIT, most_in_one_second
from tests.reliability.conftest import report_in_summary
from tests.reliability.fleet import (
    EXPECTED_SENDS,
    GOERS,
    MEETINGS,
    Fleet,
    fleet_on,
)

LEASE_SECONDS = 2.0


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One run per seed of ``--failover-seeds`` (three by default: about 40 s each)."""
    if "seed" in metafunc.fixturenames:
        seeds = str(metafunc.config.getoption("failover_seeds"))
        metafunc.parametrize("seed", [int(s) for s in seeds.split(",")])


class KillAt:
    """Kill the victim from inside the emulator once it created the k-th message."""

    def __init__(self, left: int) -> None:
        self.left = left
        self.fleet: Fleet | None = None
        self.victim = 0

    def __call__(self) -> None:
        self.left -= 1
        if self.left == 0 and self.fleet is not None:
            self.fleet.bots[self.victim].kill_now()


async def test_a_process_killed_mid_burst_leaves_no_reminder_lost_or_doubled(
    seed: int, tmp_path: Path, postgres_url: DatabaseUrl, pytestconfig: pytest.Config
) -> None:
    rng = random.Random(seed)
    kill = KillAt(rng.randint(20, EXPECTED_SENDS // 2))
    kill.victim = rng.randrange(3)
    async with fleet_on(tmp_path, postgres_url, lease_seconds=LEASE_SECONDS, hook=kill) as fleet:
        kill.fleet = fleet
        emu = fleet.emu
        for bot in fleet.bots:
            await bot.start()
        victim = fleet.bots[kill.victim]
        code = await victim.wait(timeout=90)
        at_kill = fleet.reminder_sends()
        [held] = await fleet.fetch(
            "SELECT count(*) AS n FROM timers WHERE status = 'pending' AND lease_owner LIKE $1",
            f"%:{victim.pid}:%",
        )
        await emu.wait_for(fleet.burst_done, timeout=90)
        survivors = [bot for bot in fleet.bots if bot is not victim]
        for bot in survivors:
            assert await bot.stop() == 0, bot.last_log()
        seen = fleet.sends()
        resent = fleet.resent_nonces()
        counted = fleet.counted_requests()
        timers = await fleet.timers()
    line = (
        f"failover seed {seed}: process {kill.victim} killed at message "
        f"{at_kill}/{EXPECTED_SENDS} holding {held['n']} claimed timer(s); "
        f"{seen.distinct} reminders, "
        f"{sum(resent.values()) - len(resent)} post(s) sent again with their nonce"
    )
    print(line)
    report_in_summary(pytestconfig, line)
    assert code == -signal.SIGKILL, victim.last_log()
    assert seen.duplicates == {} and seen.without_nonce == 0
    assert seen.distinct == EXPECTED_SENDS
    assert timers == {"done": MEETINGS * 2}  # every one closed, no claim left behind
    # Only the posts of the timer the victim was firing (its targets) went out again.
    assert len(resent) <= 1 + GOERS and all(n == 2 for n in resent.values())
    # Routes' own 429s (three processes posting to one channel) are retried, as with one
    # process; the global limit is never hit.
    assert [r for r in counted if r.status == 429 and (r.response or {}).get("global")] == []
    assert most_in_one_second([r.time for r in counted]) <= GLOBAL_LIMIT
