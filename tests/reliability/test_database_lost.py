"""The bot on PostgreSQL loses its server while it runs (the server stopped, as an
operator's restart or a crash does), then gets it back, with no restart of the bot.

During the outage a member's command is answered, privately and in their language, that
the bot cannot reach its database and to try again; ``/healthz`` says unhealthy,
"database unreachable"; a meeting reminder that falls due waits. Once the server is
back: healthy again, the same command works, and the reminder goes out once (one
message for its nonce), never marked failed or missed. A member who leaves during the
outage (an event Discord sends once) is recorded once the server is back.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.db.url import DatabaseUrl
from tests.e2e.harness import Harness, running_harness, until
from tests.e2e.test_health import healthz
from tests.ports import free_port
from tests.postgres_server import PostgresServer
from tests.reliability.world import ENGLISH, schedule_meeting

FRENCH = "fr"
TRY_AGAIN = {
    ENGLISH: "The bot cannot reach its database right now; try again in a moment.",
    FRENCH: "Le bot ne peut pas joindre sa base de données pour le moment ; "
    "réessayez dans un instant.",
}


async def told(h: Harness, user: str, locale: str, command: str, **options: object) -> str:
    result = await (await h.slash(user, command, locale=locale, **options)).final()
    assert result.ephemeral, f"/{command} answered in public"
    return result.content or ""


def reminders(h: Harness) -> Counter[str | None]:
    """The meeting's reminders on Discord (its channel's ⏰ posts), by nonce."""
    return Counter(
        m.nonce
        for m in h.emu.messages_in(h.channel("announcements"))
        if m.author_id == h.emu.bot_user_id and m.content.startswith("⏰")
    )


async def test_a_lost_database_answers_try_again_holds_the_reminder_and_comes_back(
    tmp_path: Path,
    clock: ControlledClock,
    outage_url: DatabaseUrl,
    stoppable_postgres: PostgresServer,
) -> None:
    port = free_port()
    async with running_harness(tmp_path, clock, database=outage_url) as h:
        h.settings_overrides["ops"] = {"health_port": port}
        await h.start()
        await h.setup_community(language="en")
        await schedule_meeting(
            h, title="Outage", starts=clock.now() + timedelta(hours=2), reminders="1h"
        )
        assert (await healthz(port))[0] == 200

        # The server goes; the bot's event loop runs on meanwhile, as in production.
        await asyncio.to_thread(stoppable_postgres.stop)
        for locale, text in TRY_AGAIN.items():
            assert await told(h, "bob", locale, "me timezone", name="Europe/Paris") == text
        status, body = await healthz(port)
        assert status == 503 and body["database_writable"] is False
        assert [p for p in body["problems"] if p.startswith("database unreachable: ")], body
        await h.advance(timedelta(hours=1, minutes=1))  # the reminder is due: it waits
        assert reminders(h) == Counter()
        assert h.core.scheduler.running

        await asyncio.to_thread(stoppable_postgres.start)
        # The reminder waiting since the outage goes at the next retry; until then health
        # may also name it as overdue, which is true.
        await h.advance(timedelta(minutes=1))
        status, body = await healthz(port)
        assert status == 200 and body["healthy"] is True, body
        await h.advance(timedelta(minutes=10))  # nothing more goes out later
        [(nonce, times)] = reminders(h).items()
        assert nonce is not None and times == 1  # once, by its nonce
        async with h.core.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT status FROM timers WHERE kind = 'meeting_reminder'"
            )
        assert [row["status"] for row in rows] == ["done"]
        assert "Europe/Paris" in await told(h, "bob", ENGLISH, "me timezone", name="Europe/Paris")


async def left_at(h: Harness, user: str) -> object:
    async with h.core.db.read() as conn:
        [row] = await conn.execute_fetchall(
            "SELECT left_at FROM members WHERE guild_id = ? AND user_id = ?",
            (h.guild.id, h.user(user)),
        )
    return row["left_at"]


async def test_a_member_leaving_during_the_outage_is_recorded_once_it_is_back(
    tmp_path: Path,
    clock: ControlledClock,
    outage_url: DatabaseUrl,
    stoppable_postgres: PostgresServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_harness(tmp_path, clock, database=outage_url) as h:
        await h.start()
        h.bot.outage_waits = (0.05,) * 600  # tried often, for 30 s at most
        await h.setup_community(language="en")
        await told(h, "bob", ENGLISH, "me timezone", name="Europe/Paris")
        assert await left_at(h, "bob") is None

        await asyncio.to_thread(stoppable_postgres.stop)
        h.emu.remove_member(h.guild.id, h.user("bob"))
        await until(
            lambda: "waiting 0.05 s for the database to come back" in caplog.text,
            "a first try of the departure, refused",
        )
        await asyncio.to_thread(stoppable_postgres.start)
        for _ in range(200):
            if await left_at(h, "bob") is not None:
                break
            await asyncio.sleep(0.05)
        assert await left_at(h, "bob") is not None
