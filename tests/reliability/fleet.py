"""Several ``plc-bot run`` processes on one PostgreSQL database, each serving its own
shard, all sending through one REST proxy to one emulator: the world of the failover
test and the failover benchmark.

The burst is planned as the kill test plans its own (see ``test_kill.py``): meetings
scheduled and answered through slash commands and clicks on an in-process bot whose
clock stands ten minutes back, on an SQLite file; ``copy-db``'s copy then moves it into
PostgreSQL, where the processes (on the system clock) find every reminder due.

Two worlds: by default every meeting is in one community (the sample guild), so the
whole burst posts into the same ten channels (its announcements channel and nine
members' DMs), each held by Discord to 5 posts in 5 s. With ``spread=True`` each meeting
is in its own community (its own guild, announcements channel and members, the bot's DM
channel with each already known, as a year on), as a real instance's burst is: no
channel gets more than a timer's own posts.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks.world import community_guild
from bot.clock import ControlledClock, SystemClock
from bot.config_proxy import RestProxySettings
from bot.db import members as members_db
from bot.db.copy import copy_database
from bot.db.url import DatabaseUrl, parse_database_url
from bot.emulator import Emulator
from bot.emulator.recorder import RecordedRequest
from cogs.rest_proxy import EXEMPT, serving_proxy
from tests.e2e.harness import Harness, running_harness
from tests.reliability.process import BotProcess
from tests.reliability.world import (
    ENGLISH,
    Organizer,
    Sends,
    add_members,
    rsvp,
    schedule_meeting,
    sends,
)

MEETINGS = 15
GOERS = 9
#: Each meeting's two reminders, to its channel post and every member going.
EXPECTED_SENDS = MEETINGS * 2 * (1 + GOERS)
PROCESSES = 3
#: Discord's path for a channel's messages (channel posts and DMs alike).
MESSAGES = "/channels/{channel_id}/messages"
#: How long Discord takes to create each message, so the burst lasts seconds.
LATENCY = 0.04


@dataclass
class Fleet:
    h: Harness
    url: DatabaseUrl
    bots: list[BotProcess]
    after_id: int
    meetings: int = MEETINGS
    channels: list[int] = field(default_factory=list)
    """The channels the reminders are posted in (DMs aside)."""

    @property
    def expected_sends(self) -> int:
        return self.meetings * 2 * (1 + GOERS)

    @property
    def emu(self) -> Emulator:
        return self.h.emu

    def sends(self) -> Sends:
        """The reminders on Discord, by nonce."""
        return sends(self.emu, self.channels, after_id=self.after_id)

    def reminder_sends(self) -> int:
        return self.sends().distinct

    def burst_done(self) -> bool:
        return self.reminder_sends() >= self.expected_sends

    def message_posts(self, since: int = 0) -> list[RecordedRequest]:
        return [
            r
            for r in self.emu.recorder.requests[since:]
            if r.method == "POST"
            and r.path.startswith("/channels/")
            and r.path.endswith("/messages")
        ]

    def resent_nonces(self) -> Counter[str]:
        """Nonces Discord accepted more than once (each answered with the one message):
        a retry after a route's 429, which Discord refused, is not one."""
        accepted = Counter(
            str((r.json or {}).get("nonce")) for r in self.message_posts() if r.status < 300
        )
        return Counter({nonce: n for nonce, n in accepted.items() if n > 1})

    def counted_requests(self) -> list[RecordedRequest]:
        """The requests Discord's global limit counts (interaction endpoints aside)."""
        return [r for r in self.emu.recorder.requests if not EXEMPT.match(r.path)]

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        """Rows of the database, as an operator reads them."""
        conn = await asyncpg.connect(self.url.dsn)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    async def timers(self) -> dict[str, int]:
        """The reminders' timers by status, as the operator reads them in the database."""
        rows = await self.fetch(
            "SELECT status, count(*) AS n FROM timers WHERE kind = 'meeting_reminder' "
            "AND lease_owner IS NULL GROUP BY status"
        )
        return {row["status"]: int(row["n"]) for row in rows}


async def _plan_burst(h: Harness, t0: datetime, meetings: int) -> list[int]:
    """The burst in the sample guild; the channel its reminders are posted in."""
    await h.start()
    await h.setup_community(language="en")
    goers = add_members(h.emu, h.guild.id, "goer", GOERS)
    for n in range(meetings):
        announcement = await schedule_meeting(
            h, title=f"Burst {n}", starts=t0 + timedelta(minutes=1), reminders="1m, 2m"
        )
        for user_id in goers:
            assert "Going" in await rsvp(h.emu, user_id, announcement)
    await h.stop()
    return [h.channel("announcements")]


async def _plan_spread_burst(h: Harness, t0: datetime, meetings: int) -> list[int]:
    """One meeting in each of ``meetings`` communities; their announcements channels."""
    # Made before the bot connects, so they arrive in its GUILD_CREATEs.
    specs = [community_guild(h.emu.state, h.emu.bot_user_id, n) for n in range(meetings)]
    await h.start()
    for n, spec in enumerate(specs):
        owner = spec.member_ids[0]
        setup = await h.emu.slash(
            spec.guild_id, owner, "plc setup", locale=ENGLISH, timezone="America/Toronto",
            language="en", checkin_channel=spec.checkin_channel_id,
            questions_channel=spec.questions_channel_id,
            announcements_channel=spec.announcements_channel_id,
            facilitator_role=spec.facilitator_role_id,
        )  # fmt: skip
        await setup.final()
        by = Organizer(spec.guild_id, owner, spec.announcements_channel_id)
        announcement = await schedule_meeting(
            h, title=f"Burst {n}", starts=t0 + timedelta(minutes=1), reminders="1m, 2m", by=by
        )
        goers = spec.member_ids[1 : 1 + GOERS]
        for user_id in goers:
            assert "Going" in await rsvp(h.emu, user_id, announcement)
        # A year on, the bot knows its DM channel with each member (it keeps them): a
        # reminder DM is one post, not also a request for the channel (5 a second for
        # all DMs, which would then bind the burst instead).
        async with h.bot.core.db.transaction() as conn:
            for user_id in goers:
                channel = h.emu.state.dm_channel(user_id).id
                await members_db.ensure(conn, spec.guild_id, user_id, h.clock.now())
                await members_db.set_dm_channel(conn, spec.guild_id, user_id, channel)
    await h.stop()
    return [spec.announcements_channel_id for spec in specs]


def _config(folder: Path, n: int, emu: Emulator, proxy_port: int, url: DatabaseUrl,
            secret: str, lease_seconds: float) -> Path:  # fmt: skip
    path = folder / f"bot{n}.toml"
    path.write_text(
        f'[discord]\napi_base_url = "http://127.0.0.1:{proxy_port}"\n'
        f'gateway_url = "{emu.gateway_url}"\n'
        f"shard_count = {PROCESSES}\nshard_ids = [{n}]\n"
        f'[database]\nurl = "{url.dsn}"\n'
        f'[privacy]\nsecret = "{secret}"\n'
        f"[scheduler]\nlease_seconds = {lease_seconds}\npoll_seconds = 0.5\n"
        '[logging]\nlevel = "INFO"\n'
    )
    return path


@asynccontextmanager
async def fleet_on(
    folder: Path,
    url: DatabaseUrl,
    *,
    lease_seconds: float,
    hook: Any = None,
    meetings: int = MEETINGS,
    spread: bool = False,
) -> AsyncIterator[Fleet]:
    """The burst planned and copied into ``url``; the processes made, not started.
    ``spread``: each meeting in its own community (see the module's docstring)."""
    t0 = SystemClock().now().replace(second=0, microsecond=0)
    clock = ControlledClock(t0 - timedelta(minutes=10))
    async with running_harness(folder, clock) as h:
        plan = _plan_spread_burst if spread else _plan_burst
        channels = await plan(h, t0, meetings)
        await copy_database(parse_database_url(f"sqlite:///{h.db_path}"), url)
        emu = h.emu
        emu.state.now_timestamp = lambda: datetime.now(UTC).timestamp()
        upstream = RestProxySettings(listen="127.0.0.1:0", upstream=f"{emu.http_url}/api/v10")
        async with serving_proxy(upstream) as (_proxy, port):
            bots = [
                BotProcess(
                    _config(folder, n, emu, port, url, h.secret, lease_seconds),
                    emu.bot_token,
                    folder / f"bot{n}",
                )
                for n in range(PROCESSES)
            ]
            for bot in bots:
                bot.log_dir.mkdir()
            emu.faults.add(method="POST", path=MESSAGES, delay=LATENCY, commit=True,
                           hook=hook, times=None)  # fmt: skip
            emu.rate_limits.enable()
            fleet = Fleet(h, url, bots, max(emu.state.messages), meetings, channels)
            try:
                yield fleet
            finally:
                await asyncio.gather(*(bot.kill() for bot in bots if bot.running))
