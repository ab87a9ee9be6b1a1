from __future__ import annotations

from datetime import timedelta

from bot.clock import ControlledClock
from bot.db.communities import CommunitySettings
from bot.services.base import Core
from bot.services.community import CommunityService, MemberService, RetentionService

SETTINGS = CommunitySettings(
    timezone="Europe/Paris",
    language="fr",
)


async def test_departed_members_and_guilds_go_after_30_days_idempotently(
    core: Core, clock: ControlledClock
) -> None:
    community = CommunityService(core)
    members = MemberService(core, community)
    retention = RetentionService(core, members, community)
    await community.setup(1, 9, SETTINGS)
    await community.setup(2, 9, SETTINGS)
    await members.set_timezone(1, 50, "Europe/Paris")
    await members.set_timezone(1, 51, "Europe/Paris")
    await members.member_left(1, 50)
    await community.bot_left(2)

    await clock.advance(timedelta(days=29))
    assert (await retention.purge())["members gone 30 days"] == 0
    assert await community.get(2) is not None

    await clock.advance(timedelta(days=2))
    first = await retention.purge()
    assert first["members gone 30 days"] == 1
    assert first["communities gone 30 days"] == 1
    assert await members.get(1, 50) is None
    assert await members.get(1, 51) is not None
    assert await community.get(2) is None

    second = await retention.purge()  # a second run (or a re-run after a crash)
    assert not any(second.values())
