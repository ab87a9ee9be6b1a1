"""Shared set-up of the meeting service tests: a community, actors, a scheduled meeting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.actor import Actor
from bot.chat import Posted
from bot.clock import ControlledClock
from bot.db.codec import instant_from_db
from bot.db.communities import CommunitySettings
from bot.scheduler import RetryLater
from bot.services.base import Core
from bot.services.community import CommunityService, MemberService
from bot.services.meetings import CancelResult, MeetingService, UpcomingMeeting
from bot.services.outbox import OUTBOX_KIND, Outbox
from tests.recording_chat import RecordingChat
from tests.services.sample import ADMIN, ALICE, ANNOUNCEMENTS, BOB, GUILD, MODERATION


async def set_up(
    core: Core,
    *,
    timezone: str = "America/Toronto",
    language: str = "fr",
    announcements: int | None = ANNOUNCEMENTS,
    facilitator_role: int | None = None,
) -> CommunityService:
    community = CommunityService(core)
    await community.setup(
        GUILD,
        ADMIN,
        CommunitySettings(
            timezone=timezone,
            language=language,
            checkin_channel_id=None,
            questions_channel_id=None,
            announcements_channel_id=announcements,
            facilitator_role_id=facilitator_role,
            moderation_channel_id=MODERATION,
        ),
    )
    return community


def member(user_id: int, guild_id: int = GUILD) -> Actor:
    """A member without the facilitator role."""
    return Actor(guild_id=guild_id, user_id=user_id)


def facilitator(user_id: int = ALICE) -> Actor:
    """Facilitators: the facilitator role, or whoever manages the server."""
    return Actor(guild_id=GUILD, user_id=user_id, manages_guild=True)


def meeting_service(core: Core, community: CommunityService) -> MeetingService:
    """The service with the outbox its announcements go through (as the application
    builds it; a second service in the same test shares the first one's outbox timers,
    which only record where an announcement went)."""
    outbox = Outbox(core.scheduler, core.chat, core.clock)
    if OUTBOX_KIND not in core.scheduler.kinds:
        core.scheduler.register(*outbox.timer_kinds())
    return MeetingService(core, community, MemberService(core, community), outbox)


async def set_up_service(core: Core, **community: Any) -> MeetingService:
    """The meeting service of a community set up with :func:`set_up`'s ``community`` options."""
    return meeting_service(core, await set_up(core, **community))


async def schedule(
    service: MeetingService, when: str = "2026-12-03 15:30", repeat: str = "none", **options: Any
) -> UpcomingMeeting:
    draft = await service.draft_schedule(
        facilitator(),
        title="Rencontre de CAP",
        when=when,
        repeat=repeat,
        **options,
    )
    return (await service.schedule(facilitator(), draft)).upcoming


async def cancel(service: MeetingService, upcoming: UpcomingMeeting, scope: str) -> CancelResult:
    """``/meeting cancel`` of the scheduled meeting by its facilitator ("occurrence", "series")."""
    return await service.cancel(facilitator(), str(upcoming.meeting.id), scope)


async def cancel_an_answered_date(
    service: MeetingService, *, repeat: str, answer: str, user_id: int = BOB
) -> tuple[UpcomingMeeting, CancelResult]:
    """A series is scheduled, a member answers its first date, the date is cancelled."""
    upcoming = await schedule(service, repeat=repeat)
    await service.rsvp(member(user_id), upcoming.occurrence.id, answer)
    return upcoming, await cancel(service, upcoming, "occurrence")


async def pending_timers(core: Core, kind: str) -> dict[str, datetime]:
    async with core.db.read() as conn:
        cursor = await conn.execute(
            "SELECT key, due_at FROM timers WHERE kind = ? AND status = 'pending'", (kind,)
        )
        return {row[0]: instant_from_db(row[1]) for row in await cursor.fetchall()}


@dataclass
class Outage:
    """Discord failing every post as a passing outage does, then answering again."""

    chat: RecordingChat
    core: Core
    clock: ControlledClock
    monkeypatch: pytest.MonkeyPatch

    @contextmanager
    def during(self) -> Iterator[None]:
        """Every post fails until the block ends."""
        real_post = self.chat.post

        async def refused(*args: object, **kwargs: object) -> Posted | None:
            raise RetryLater("Discord 503")

        self.monkeypatch.setattr(self.chat, "post", refused)
        yield
        self.monkeypatch.setattr(self.chat, "post", real_post)

    async def over(self) -> None:
        """Five minutes later Discord answers: the outbox posts what waited."""
        await self.clock.advance(timedelta(minutes=5))
        await self.core.scheduler.run_due()
