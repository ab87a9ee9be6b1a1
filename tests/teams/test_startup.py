"""A bot serving Teams alone does the features' start-up work too: what a crash left
unannounced is announced once the endpoint listens again, as on Discord after READY."""

from __future__ import annotations

from bot.actor import Actor
from bot.services.meetings import MeetingService
from tests.e2e.harness import until
from tests.teams.harness import TeamsHarness, card_text


async def test_a_meeting_a_crash_left_unannounced_is_announced_after_the_restart(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    owner = Actor(await teams.team_number(), await teams.user_number("alice"), manages_guild=True)
    meetings = teams.app.services.get(MeetingService)
    draft = await meetings.draft_schedule(owner, title="Saved only", when="Dec 3 3:30pm")
    await meetings._save(owner, draft)  # the bot died before it announced it
    async with teams.app.core.db.transaction() as conn:  # and before it planned the post
        await conn.execute("DELETE FROM timers WHERE status = 'pending'")
    assert not any("Saved only" in card_text(m) for m in teams.posts_in("Announcements"))

    await teams.restart()

    def announced() -> int:
        return sum("Saved only" in card_text(m) for m in teams.posts_in("Announcements"))

    await until(lambda: announced() > 0, "the announcement after the restart")
    assert announced() == 1
