"""MeetingService: the series rolling on, who each reminder reaches, the event decisions,
the calendar file, the status line and personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.chat import Moment
from bot.clock import ControlledClock
from bot.db import members as members_db
from bot.services.base import Core
from bot.services.meetings import (
    END_KIND,
    REMINDER_KIND,
    EventTarget,
    MeetingService,
    Room,
    event_action,
    occurrence_key,
)
from tests.recording_chat import RecordingChat
from tests.services.meetings.helpers import (
    cancel,
    facilitator,
    member,
    pending_timers,
    schedule,
    set_up_service,
)
from tests.services.sample import ALICE, ANNOUNCEMENTS, BOB, CAROL, DAVE, GUILD, MODERATION, VOICE
from tests.services.status import status_lines

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
    """The local time holds across DST, through the service: 2026-03-08 and 2026-11-01
    in New York."""
    service = await set_up_service(core, timezone="America/New_York")
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
        await members_db.set_dm_reminders(conn, GUILD, 15, False, now)
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
    await cancel(service, upcoming, "series")
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


async def test_a_date_moved_back_to_its_first_time_gets_its_reminders_again(
    service: MeetingService, core: Core
) -> None:
    """Moving a date cancels its timers; moving it back plans them again under the same
    keys, and the cancelled ones come back (they were never run)."""
    upcoming = await schedule(service)
    meeting_id = str(upcoming.meeting.id)
    first = occurrence_key(upcoming.meeting.id, upcoming.occurrence.starts_at)
    await service.edit(facilitator(), meeting_id, when="2026-12-04 15:30")
    assert not {k for k in await pending_timers(core, REMINDER_KIND) if k.startswith(first)}
    await service.edit(facilitator(), meeting_id, when="2026-12-03 15:30")
    reminders = await pending_timers(core, REMINDER_KIND)
    assert set(reminders) == {f"{first}1440", f"{first}60"}
    assert reminders[f"{first}60"] == upcoming.occurrence.starts_at - timedelta(minutes=60)
    assert f"{first}end" in await pending_timers(core, END_KIND)


# -- the event mirror ---------------------------------------------------------------------------


async def test_event_action_decisions(service: MeetingService, clock: ControlledClock) -> None:
    upcoming = await schedule(service)
    # As the meeting was before its event was first made (schedule mirrors it at once).
    meeting = upcoming.meeting.model_copy(update={"event_id": None, "event_occurrence_id": None})
    occurrence = upcoming.occurrence
    now = clock.now()
    wanted = EventTarget(meeting=meeting, occurrence=occurrence)
    mirrored = EventTarget(
        meeting=meeting.model_copy(update={"event_id": 77, "event_occurrence_id": occurrence.id}),
        occurrence=occurrence,
    )
    dropped = EventTarget(
        meeting=meeting.model_copy(update={"event_occurrence_id": occurrence.id}),
        occurrence=occurrence,
    )
    older = EventTarget(
        meeting=meeting.model_copy(
            update={"event_id": 77, "event_occurrence_id": occurrence.id + 1000}
        ),
        occurrence=occurrence,
    )
    gone = EventTarget(meeting=mirrored.meeting, occurrence=None)
    assert event_action(wanted, None, now) == "create"  # never made, or lost: make it
    assert event_action(dropped, None, now) == "none"  # a person removed it: respected
    assert event_action(mirrored, "scheduled", now) == "update"
    assert event_action(mirrored, "missing", now) == "drop"
    assert event_action(mirrored, "cancelled", now) == "drop"
    assert event_action(older, "missing", now) == "create"
    assert event_action(older, "completed", now) == "create"
    assert event_action(older, "active", now) == "replace"
    assert event_action(mirrored, "active", now) == "none"
    assert event_action(gone, "scheduled", now) == "remove"
    assert event_action(gone, "missing", now) == "forget"
    assert event_action(EventTarget(meeting=meeting, occurrence=None), None, now) == "none"
    assert event_action(wanted, None, upcoming.occurrence.starts_at) == "none"  # under way


async def test_event_targets_follow_the_series(
    service: MeetingService, chat: RecordingChat
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    targets = await service.mirror.event_targets(GUILD)
    assert [(t.meeting.id, t.occurrence.id if t.occurrence else None) for t in targets] == [
        (upcoming.meeting.id, upcoming.occurrence.id)
    ]
    await service.mirror.record_event(upcoming.meeting.id, 77, upcoming.occurrence.id)
    assert await service.mirror.known_event_ids(GUILD) == {77}
    chat.events.refuse = "unreachable"  # the event is not retired yet: it is still a target
    await cancel(service, upcoming, "series")
    targets = await service.mirror.event_targets(GUILD)
    assert [(t.meeting.event_id, t.occurrence) for t in targets] == [(77, None)]
    assert await service.mirror.guilds_to_reconcile() == [GUILD]
    await service.mirror.record_event(upcoming.meeting.id, None, None)
    assert await service.mirror.event_targets(GUILD) == []
    assert await service.mirror.guilds_to_reconcile() == []


# -- calendar, status, personal data ----------------------------------------------------------


async def test_calendar_parses_back(service: MeetingService, clock: ControlledClock) -> None:
    weekly = await schedule(
        service, repeat="weekly", link="https://meet.example.org/cap", agenda="Bilan; données, plan"
    )
    monthly = await schedule(
        service, when="2026-12-29 18:00", repeat="monthly", room=Room(VOICE, "voice")
    )
    one_off = await schedule(service, when="2026-12-05 09:00", duration=45)
    ics = await service.calendar(member(BOB))
    calendar = Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    timezones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in timezones] == ["America/Toronto"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 3
    by_id = {u.meeting.id: u for u in (weekly, monthly, one_off)}
    for uid, event in events.items():
        meeting_id = int(uid.split("-")[1])
        assert uid == f"meeting-{meeting_id}-{GUILD}@plc-bot"
        assert event.decoded("dtstamp") == clock.now()
        start = event.decoded("dtstart")
        assert str(start.tzinfo) == "America/Toronto"
        assert start.astimezone(UTC) == by_id[meeting_id].occurrence.starts_at
        assert str(event["SUMMARY"]) == "Rencontre de CAP"
    weekly_event = events[f"meeting-{weekly.meeting.id}-{GUILD}@plc-bot"]
    assert weekly_event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert str(weekly_event["LOCATION"]) == "https://meet.example.org/cap"
    assert str(weekly_event["URL"]) == "https://meet.example.org/cap"
    assert str(weekly_event["DESCRIPTION"]) == "Bilan; données, plan"
    monthly_event = events[f"meeting-{monthly.meeting.id}-{GUILD}@plc-bot"]
    assert monthly_event["RRULE"]["BYDAY"] == ["-1TU"]  # Dec 29 is a fifth Tuesday: "last"
    # its voice channel, at the address the chat platform gives
    assert str(monthly_event["LOCATION"]) == f"https://chat.test/channels/{GUILD}/{VOICE}"
    one_off_event = events[f"meeting-{one_off.meeting.id}-{GUILD}@plc-bot"]
    assert "RRULE" not in one_off_event
    assert one_off_event.decoded("duration") == timedelta(minutes=45)
    again = Calendar.from_ical(await service.calendar(member(BOB)))
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


async def test_calendar_biweekly_interval(service: MeetingService) -> None:
    await schedule(service, repeat="biweekly")
    event = Calendar.from_ical(await service.calendar(member(BOB))).walk("VEVENT")[0]
    assert event["RRULE"]["INTERVAL"] == [2]


async def test_status_line_names_the_next_meeting(core: Core, service: MeetingService) -> None:
    assert [line.key for line in await status_lines(core, service, GUILD)] == [
        "meetings.status.none"
    ]
    later = await schedule(service, when="2026-12-10 15:00")
    sooner = await schedule(service, when="2026-12-03 15:00")
    lines = await status_lines(core, service, GUILD)
    assert [line.key for line in lines] == ["meetings.status.next"]
    assert lines[0].params["when"] == Moment(at=sooner.occurrence.starts_at)
    assert later.occurrence.starts_at > sooner.occurrence.starts_at


async def test_export_and_delete_member(service: MeetingService, core: Core) -> None:
    upcoming = await schedule(service)
    await service.rsvp(member(ALICE), upcoming.occurrence.id, "going")
    await service.rsvp(member(BOB), upcoming.occurrence.id, "maybe")
    async with core.db.read() as conn:
        exported = await service.export_member(conn, GUILD, ALICE)
        bob = await service.export_member(conn, GUILD, BOB)
    assert [r["answer"] for r in exported["rsvps"]] == ["going"]
    assert exported["rsvps"][0]["meeting"] == "Rencontre de CAP"
    assert [m["id"] for m in exported["meetings_scheduled"]] == [upcoming.meeting.id]
    assert bob["meetings_scheduled"] == []
    async with core.db.transaction() as conn:
        await service.delete_member(conn, GUILD, ALICE)
    async with core.db.read() as conn:
        after = await service.export_member(conn, GUILD, ALICE)
    assert after == {"rsvps": [], "meetings_scheduled": []}  # facilitated dates: the rotation's
    remaining = await service.upcoming(GUILD)
    assert remaining[0].counts.model_dump() == {"going": 0, "maybe": 1, "cant": 0}
    assert remaining[0].meeting.created_by is None
