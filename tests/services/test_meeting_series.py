"""MeetingService: the series rolling on, and who each reminder reaches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ControlledClock
from bot.db import members as members_db
from bot.services.base import Core
from bot.services.meetings import (
    END_KIND,
    REMINDER_KIND,
    MeetingService,
    occurrence_key,
)
from tests.services.meeting_helpers import (
    ALICE,
    ANNOUNCEMENTS,
    BOB,
    CAROL,
    DAVE,
    GUILD,
    MODERATION,
    facilitator,
    meeting_service,
    member,
    pending_timers,
    schedule,
    set_up,
)


@pytest.fixture
async def service(core: Core) -> MeetingService:
    return meeting_service(core, await set_up(core))


# -- rollover ---------------------------------------------------------------------------------


async def test_rollover_adds_the_next_weekly_occurrence(
    service: MeetingService, core: Core, clock: ControlledClock
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    assert await service.timers.complete_occurrence(upcoming.occurrence.id) is None  # not ended yet
    await clock.set(upcoming.ends_at)
    rollover = await service.timers.complete_occurrence(upcoming.occurrence.id)
    assert rollover is not None and rollover.next is not None
    following = rollover.next.occurrence
    assert following.local_date == date(2026, 12, 10)
    assert following.starts_at == datetime(2026, 12, 10, 20, 30, tzinfo=UTC)
    again = await service.timers.complete_occurrence(upcoming.occurrence.id)
    assert again is not None and again.next is not None
    assert again.next.occurrence.id == following.id  # idempotent: no second occurrence
    prefix = occurrence_key(upcoming.meeting.id, following.starts_at)
    reminders = {k for k in await pending_timers(core, REMINDER_KIND) if k.startswith(prefix)}
    assert reminders == {f"{prefix}1440", f"{prefix}60"}
    assert f"{prefix}end" in await pending_timers(core, END_KIND)
    assert [u.occurrence.id for u in await service.upcoming(GUILD)] == [following.id]


async def test_a_one_off_ends_without_a_next(
    service: MeetingService, clock: ControlledClock
) -> None:
    upcoming = await schedule(service)
    await clock.set(upcoming.ends_at + timedelta(minutes=1))
    rollover = await service.timers.complete_occurrence(upcoming.occurrence.id)
    assert rollover is not None and rollover.next is None
    assert await service.upcoming(GUILD) == []


async def test_rollover_after_a_long_outage_resumes_ahead(
    service: MeetingService, clock: ControlledClock
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    await clock.set(datetime(2026, 12, 24, 22, 0, tzinfo=UTC))  # Dec 10 and 17 went by
    rollover = await service.timers.complete_occurrence(upcoming.occurrence.id)
    assert rollover is not None and rollover.next is not None
    assert rollover.next.occurrence.local_date == date(2026, 12, 31)


async def test_weekly_series_keeps_18h_local_across_dst(core: Core, clock: ControlledClock) -> None:
    """S4 through the service: 2026-03-08 and 2026-11-01 in New York."""
    service = meeting_service(core, await set_up(core, timezone="America/New_York"))
    zone = ZoneInfo("America/New_York")
    for first in (datetime(2026, 3, 1, 12, tzinfo=UTC), datetime(2026, 10, 25, 12, tzinfo=UTC)):
        await clock.set(first)
        current = await schedule(
            service, when=first.astimezone(zone).strftime("%Y-%m-%d 18:00"), repeat="weekly"
        )
        seen = []
        for _ in range(3):
            seen.append(current.occurrence.starts_at.astimezone(zone))
            await clock.set(current.ends_at)
            rollover = await service.timers.complete_occurrence(current.occurrence.id)
            assert rollover is not None and rollover.next is not None
            current = rollover.next
        assert [(d.hour, d.minute) for d in seen] == [(18, 0)] * 3
        assert len({d.utcoffset() for d in seen}) == 2
        assert [d.weekday() for d in seen] == [6, 6, 6]


# -- reminders ------------------------------------------------------------------------------


async def test_reminder_recipients(service: MeetingService, core: Core) -> None:
    upcoming = await schedule(service)
    occurrence_id = upcoming.occurrence.id
    for user, answer in ((ALICE, "going"), (BOB, "maybe"), (CAROL, "going"), (DAVE, "cant")):
        await service.rsvp(member(user), occurrence_id, answer)
    await service.rsvp(member(15), occurrence_id, "going")
    await service.rsvp(member(16), occurrence_id, "going")
    now = core.clock.now()
    async with core.db.transaction() as conn:
        for user in (BOB, 15, 16):
            await members_db.ensure(conn, GUILD, user, now)
        await members_db.mark_dm_closed(conn, GUILD, BOB, now)
        await members_db.set_dm_reminders(conn, GUILD, 15, False)
        await members_db.set_away_until(conn, GUILD, 16, date(2026, 12, 31))
    payload = {
        "occurrence_id": occurrence_id,
        "starts_at": "20261203T2030Z",
        "offset": 60,
    }
    plan = await service.timers.reminder(payload)
    assert plan is not None
    assert plan.dm_user_ids == [ALICE, CAROL]
    assert plan.closed_dm_user_ids == [BOB]
    assert plan.channel_id == ANNOUNCEMENTS
    assert plan.language == "fr"
    assert plan.offset_minutes == 60
    assert await service.timers.reminder({**payload, "starts_at": "20261203T1930Z"}) is None


async def test_reminder_of_a_cancelled_meeting_does_nothing(service: MeetingService) -> None:
    upcoming = await schedule(service)
    await service.cancel(facilitator(), str(upcoming.meeting.id), "series")
    payload = {"occurrence_id": upcoming.occurrence.id, "starts_at": "20261203T2030Z", "offset": 60}
    assert await service.timers.reminder(payload) is None
    assert await service.timers.missed_reminder(payload) is None


async def test_missed_reminder_goes_to_the_moderation_channel(service: MeetingService) -> None:
    upcoming = await schedule(service)
    payload = {"occurrence_id": upcoming.occurrence.id, "starts_at": "20261203T2030Z", "offset": 60}
    notice = await service.timers.missed_reminder(payload)
    assert notice is not None and notice.channel_id == MODERATION


async def test_meeting_offsets_override_the_community(service: MeetingService, core: Core) -> None:
    upcoming = await schedule(service)
    async with core.db.transaction() as conn:
        await conn.execute(
            "UPDATE meetings SET reminder_offsets = '[30]' WHERE id = ?", (upcoming.meeting.id,)
        )
    edited = await service.edit(facilitator(), str(upcoming.meeting.id), title="Nouveau titre")
    prefix = occurrence_key(upcoming.meeting.id, upcoming.occurrence.starts_at)
    assert set(await pending_timers(core, REMINDER_KIND)) == {f"{prefix}30"}
    assert edited.after.meeting.title == "Nouveau titre"
