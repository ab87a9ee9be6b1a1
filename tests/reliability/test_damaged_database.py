"""A database file damaged under the running bot, in the test's process.

After a clean stop that left the file unchanged, start-up leaves the page check for
after ready. Here the file is damaged as the restarted bot logs in (it has opened the
file; the emulator's hook on Discord's login request breaks one page). The background
check finds it, and from then on: nothing is written to the file or its WAL, the
scheduler is paused (a reminder falling due stays pending, neither sent nor closed as
failed), health names the problem, the facilitators are told once in the community's
language, a member's write gets a clear refusal in theirs, and closing records no clean
stop, so the next start checks every page first and refuses.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db import DatabaseError
from bot.emulator import Message
from bot.health import check
from bot.running import probes
from cogs.client import DiscordAdapter
from tests.e2e.harness import Harness
from tests.reliability.damage import SYMPTOM, Bytes, clean_stop_record, damage_pages
from tests.reliability.world import (
    bot_posts,
    schedule_meeting,
    timer_outcomes,
    told_after_click,
)

#: The start of the French notice to the facilitators (``delivery.database_damaged``).
NOTICE_FR = "⚠️ Le fichier de la base de données du bot est endommagé"
REFUSAL_FR = "La base de données du bot est endommagée"
REFUSAL_EN = "The bot's database is damaged, so nothing can be saved"


def notices(h: Harness) -> list[Message]:
    return [
        m for m in bot_posts(h.emu, h.channel("announcements")) if m.content.startswith(NOTICE_FR)
    ]


async def test_a_file_damaged_under_the_running_bot_is_never_written_again(
    unstarted_harness: Harness,
) -> None:
    h = unstarted_harness
    await h.start()
    await h.setup_community(language="fr")
    starts = h.clock.now() + timedelta(days=2)
    announcement = await schedule_meeting(h, title="Rencontre", starts=starts)
    going = await told_after_click(h.emu, h.user("bob"), announcement, "Présent", locale="fr")
    assert "Présent" in going
    await h.stop()  # clean: the next start checks the pages after ready
    assert clean_stop_record(h.db_path).exists()

    h.emu.faults.add(
        method="GET",
        path="/users/@me",
        hook=lambda: damage_pages(h.db_path, keep_stamp=False),
    )
    await h.start()
    await h.emu.wait_for(lambda: notices(h), timeout=20)
    db = h.bot.core.db
    assert db.damage is not None and SYMPTOM in db.damage
    detected = Bytes.of(h.db_path)

    adapter = DiscordAdapter(h.bot.core.settings)
    adapter.bot = h.bot
    health = await check(probes(h.bot.app, [adapter]))
    assert not health.healthy and not health.database_writable
    assert health.problems[0].startswith(f"database damaged ({db.damage}): writes stopped")
    assert "scheduler paused" in health.line()

    # A member's write: refused in their language, nothing saved.
    assert REFUSAL_FR in await told_after_click(
        h.emu, h.user("chloe"), announcement, "Peut-être", locale="fr"
    )
    assert REFUSAL_EN in await told_after_click(h.emu, h.user("david"), announcement, "Peut-être")

    # The 24 h reminder falls due: not sent, not closed as failed or missed.
    reminders_before = len(bot_posts(h.emu, h.channel("announcements")))
    await h.advance(timedelta(days=1, minutes=5))
    assert h.bot.core.scheduler.paused
    assert len(bot_posts(h.emu, h.channel("announcements"))) == reminders_before
    assert {status for status, _ in timer_outcomes(h.db_path, "meeting_reminder")} == {"pending"}

    assert len(notices(h)) == 1  # told once
    assert Bytes.of(h.db_path) == detected
    await h.stop()
    assert Bytes.of(h.db_path) == detected  # closing copied nothing into the file
    assert not clean_stop_record(h.db_path).exists()

    with pytest.raises(DatabaseError, match=f"damaged .*{SYMPTOM}.*restore the latest backup"):
        await h.start()  # every page is checked first now
