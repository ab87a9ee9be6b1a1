"""MeetingService against a real SQLite file: scheduling, RSVPs, timers, rollover, export."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.actor import Actor
from bot.clock import ControlledClock
from bot.db import members as members_db
from bot.db.codec import instant_from_db
from bot.db.communities import CommunitySettings
from bot.errors import NotSetUp, UserError
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings import (
    END_KIND,
    REMINDER_KIND,
    EventTarget,
    MeetingService,
    UpcomingMeeting,
    check_reminders,
    event_action,
    occurrence_key,
)
from bot.services.members import MemberService
from tests.recording_chat import RecordingChat

GUILD = 1000
ADMIN = 1
ALICE, BOB, CAROL, DAVE = 11, 12, 13, 14
ANNOUNCEMENTS = 500
MODERATION = 501
VOICE = 600


async def set_up(
    core: Core,
    *,
    timezone: str = "America/Toronto",
    language: str = "fr",
    announcements: int | None = ANNOUNCEMENTS,
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
            facilitator_role_id=None,
            moderation_channel_id=MODERATION,
        ),
    )
    return community


def member(user_id: int, guild_id: int = GUILD) -> Actor:
    """A member without the facilitator role (the community in these tests has none)."""
    return Actor(guild_id=guild_id, user_id=user_id)


def facilitator(user_id: int = ALICE) -> Actor:
    """Facilitators: the facilitator role, or whoever manages the server."""
    return Actor(guild_id=GUILD, user_id=user_id, manages_guild=True)


def meeting_service(core: Core, community: CommunityService) -> MeetingService:
    return MeetingService(core, community, MemberService(core, community), core.chat.events)


@pytest.fixture
async def service(core: Core) -> MeetingService:
    return meeting_service(core, await set_up(core))


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


async def pending_timers(core: Core, kind: str) -> dict[str, datetime]:
    async with core.db.read() as conn:
        cursor = await conn.execute(
            "SELECT key, due_at FROM timers WHERE kind = ? AND status = 'pending'", (kind,)
        )
        return {row[0]: instant_from_db(row[1]) for row in await cursor.fetchall()}


# -- drafting and bad input ------------------------------------------------------------


async def test_draft_saves_nothing_and_echoes_the_interpretation(
    service: MeetingService, core: Core
) -> None:
    draft = await service.draft_schedule(
        facilitator(), title="  Rencontre\x00 de CAP ", when="jeudi 15h", repeat="weekly"
    )
    assert draft.title == "Rencontre de CAP"
    assert draft.when.local_date == date(2026, 11, 26)
    assert draft.when.local_time == time(15, 0)
    assert draft.when.timezone == "America/Toronto"
    assert draft.duration_minutes == 90
    assert await service.upcoming(GUILD) == []
    assert await pending_timers(core, REMINDER_KIND) == {}


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"title": ""}, "meetings.errors.title_empty"),
        ({"title": " \u200b\x07 "}, "meetings.errors.title_empty"),
        ({"title": "x" * 101}, "meetings.errors.title_too_long"),
        ({"agenda": "x" * 1001}, "meetings.errors.agenda_too_long"),
        ({"duration": 0}, "meetings.errors.duration"),
        ({"duration": -5}, "meetings.errors.duration"),
        ({"duration": 1441}, "meetings.errors.duration"),
        ({"repeat": "daily"}, "meetings.errors.repeat"),
        ({"repeat": "FREQ=MINUTELY"}, "meetings.errors.repeat"),
        ({"link": "ftp://example.org/x"}, "meetings.errors.link_scheme"),
        ({"link": "javascript:alert(1)"}, "meetings.errors.link_scheme"),
        ({"link": "https://"}, "meetings.errors.link_scheme"),
        ({"link": "https://x.org/[a](https://evil.example)"}, "meetings.errors.link_scheme"),
        ({"link": "https://x.org/a b"}, "meetings.errors.link_scheme"),
        ({"link": "https://" + "a" * 600}, "meetings.errors.link_too_long"),
        ({"channel_id": 42, "channel_kind": "text"}, "meetings.errors.channel_kind"),
        ({"channel_id": 42, "channel_kind": None}, "meetings.errors.channel_kind"),
        ({"when": "Feb 30 10:00"}, "meetings.errors.when_impossible"),
        ({"when": "2020-01-01 10:00"}, "meetings.errors.when_past"),
    ],
)
async def test_bad_input_is_refused(
    service: MeetingService, core: Core, options: dict[str, Any], key: str
) -> None:
    values: dict[str, Any] = {"title": "Rencontre", "when": "2026-12-03 15:30"} | options
    with pytest.raises(UserError) as caught:
        await service.draft_schedule(facilitator(), **values)
    assert caught.value.key == key
    assert await service.upcoming(GUILD) == []


async def test_limits_are_stated(service: MeetingService) -> None:
    with pytest.raises(UserError) as caught:
        await service.draft_schedule(facilitator(), title="x" * 120, when="2026-12-03 15:30")
    assert caught.value.params["limit"] == 100
    assert caught.value.params["length"] == 120


async def test_voice_stage_and_links_are_accepted(service: MeetingService) -> None:
    voice = await service.draft_schedule(
        facilitator(), title="A", when="2026-12-03 15:30", channel_id=VOICE, channel_kind="voice"
    )
    stage = await service.draft_schedule(
        facilitator(), title="A", when="2026-12-03 15:30", channel_id=VOICE, channel_kind="stage"
    )
    link = await service.draft_schedule(
        facilitator(), title="A", when="2026-12-03 15:30", link="https://meet.example.org/cap"
    )
    assert (voice.channel_id, stage.channel_id, link.link) == (
        VOICE,
        VOICE,
        "https://meet.example.org/cap",
    )


async def test_not_set_up_and_no_announcements_channel(core: Core) -> None:
    service = meeting_service(core, CommunityService(core))
    with pytest.raises(NotSetUp):
        await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
    service = meeting_service(core, await set_up(core, announcements=None))
    with pytest.raises(UserError) as caught:
        await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
    assert caught.value.key == "meetings.errors.no_announcements_channel"


async def test_when_is_read_in_the_community_language_then_the_other(core: Core) -> None:
    service = meeting_service(core, await set_up(core, language="en"))
    french = await service.draft_schedule(facilitator(), title="A", when="3 déc. 15h30")
    english = await service.draft_schedule(facilitator(), title="A", when="Dec 3 3:30pm")
    assert french.when.starts_at == english.when.starts_at


async def test_a_draft_confirmed_too_late_is_refused(
    service: MeetingService, clock: ControlledClock
) -> None:
    draft = await service.draft_schedule(facilitator(), title="A", when="2026-11-23 09:05")
    await clock.advance(timedelta(minutes=10))
    with pytest.raises(UserError) as caught:
        await service.schedule(facilitator(), draft)
    assert caught.value.key == "meetings.errors.when_past"
    assert await service.upcoming(GUILD) == []


# -- scheduling and timers ------------------------------------------------------------------


async def test_schedule_saves_the_series_its_occurrence_and_timers(
    service: MeetingService, core: Core
) -> None:
    upcoming = await schedule(service, repeat="weekly", agenda="1. Bilan\n2. Données")
    meeting, occurrence = upcoming.meeting, upcoming.occurrence
    assert meeting.repeat == "weekly"
    assert meeting.first_date == date(2026, 12, 3)
    assert meeting.local_time == time(15, 30)
    assert meeting.timezone == "America/Toronto"
    assert meeting.agenda == "1. Bilan\n2. Données"
    assert occurrence.status == "scheduled"
    assert occurrence.starts_at == datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
    prefix = f"meeting:{meeting.id}:occ:20261203T2030Z:"
    assert await pending_timers(core, REMINDER_KIND) == {
        f"{prefix}1440": occurrence.starts_at - timedelta(days=1),
        f"{prefix}60": occurrence.starts_at - timedelta(hours=1),
    }
    assert await pending_timers(core, END_KIND) == {
        f"{prefix}end": occurrence.starts_at + timedelta(minutes=90)
    }
    assert [u.meeting.id for u in await service.upcoming(GUILD)] == [meeting.id]


async def test_reminders_already_past_are_not_planned(service: MeetingService, core: Core) -> None:
    upcoming = await schedule(service, when="2026-11-23 11:00")  # in two hours
    keys = await pending_timers(core, REMINDER_KIND)
    assert list(keys) == [occurrence_key(upcoming.meeting.id, upcoming.occurrence.starts_at) + "60"]


async def test_discard_removes_everything(service: MeetingService, core: Core) -> None:
    upcoming = await schedule(service)
    await service._discard(upcoming.meeting.id)
    assert await service.upcoming(GUILD) == []
    assert await pending_timers(core, REMINDER_KIND) == {}
    assert await pending_timers(core, END_KIND) == {}


# -- RSVPs --------------------------------------------------------------------------------


async def test_rsvp_set_toggle_and_change(service: MeetingService) -> None:
    occurrence_id = (await schedule(service)).occurrence.id
    first = await service.rsvp(member(ALICE), occurrence_id, "going")
    assert (first.answer, first.previous) == ("going", None)
    assert first.upcoming.counts.going == 1
    await service.rsvp(member(BOB), occurrence_id, "maybe")
    changed = await service.rsvp(member(ALICE), occurrence_id, "cant")
    assert (changed.answer, changed.previous) == ("cant", "going")
    assert changed.upcoming.counts.model_dump() == {"going": 0, "maybe": 1, "cant": 1}
    removed = await service.rsvp(member(ALICE), occurrence_id, "cant")
    assert (removed.answer, removed.previous) == (None, "cant")
    assert removed.upcoming.counts.model_dump() == {"going": 0, "maybe": 1, "cant": 0}


async def test_simultaneous_clicks_count_once_each(service: MeetingService) -> None:
    occurrence_id = (await schedule(service)).occurrence.id
    members = list(range(100, 120))
    await asyncio.gather(*(service.rsvp(member(m), occurrence_id, "going") for m in members))
    result = await service.rsvp(member(999), occurrence_id, "maybe")
    assert result.upcoming.counts.model_dump() == {"going": 20, "maybe": 1, "cant": 0}


@pytest.mark.parametrize("answer", ["yes", "", "going "])
async def test_rsvp_answer_is_checked_again(service: MeetingService, answer: str) -> None:
    occurrence_id = (await schedule(service)).occurrence.id
    with pytest.raises(UserError) as caught:
        await service.rsvp(member(ALICE), occurrence_id, answer)
    assert caught.value.key == "meetings.errors.bad_answer"


async def test_rsvp_to_another_guild_or_unknown_occurrence(service: MeetingService) -> None:
    occurrence_id = (await schedule(service)).occurrence.id
    for guild, occurrence in ((GUILD, occurrence_id + 50), (GUILD + 1, occurrence_id)):
        with pytest.raises(UserError):
            await service.rsvp(member(ALICE, guild), occurrence, "going")


async def test_rsvp_after_the_end_or_cancel_is_refused(
    service: MeetingService, clock: ControlledClock
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    cancelled = await service.cancel(facilitator(), str(upcoming.meeting.id), "occurrence")
    with pytest.raises(UserError) as caught:
        await service.rsvp(member(ALICE), upcoming.occurrence.id, "going")
    assert caught.value.key == "meetings.errors.rsvp_cancelled"
    assert cancelled.next is not None
    await clock.set(cancelled.next.ends_at)
    with pytest.raises(UserError) as caught:
        await service.rsvp(member(ALICE), cancelled.next.occurrence.id, "going")
    assert caught.value.key == "meetings.errors.rsvp_over"


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


# -- edit and cancel ------------------------------------------------------------------------


async def test_edit_moves_the_occurrence_and_its_timers(
    service: MeetingService, core: Core
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    await service.rsvp(member(BOB), upcoming.occurrence.id, "going")
    await service.rsvp(member(CAROL), upcoming.occurrence.id, "cant")
    result = await service.edit(
        facilitator(), str(upcoming.meeting.id), when="2026-12-04 10:00", duration=60
    )
    assert result.when is not None and result.when.local_date == date(2026, 12, 4)
    after = result.after
    assert after.occurrence.id == upcoming.occurrence.id  # RSVPs stay with it
    assert after.counts.going == 1
    assert after.occurrence.starts_at == datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert after.meeting.first_date == date(2026, 12, 4)
    assert after.meeting.duration_minutes == 60
    assert sorted(result.notify) == [BOB, CAROL]
    prefix = occurrence_key(upcoming.meeting.id, after.occurrence.starts_at)
    assert set(await pending_timers(core, REMINDER_KIND)) == {f"{prefix}1440", f"{prefix}60"}
    assert await pending_timers(core, END_KIND) == {
        f"{prefix}end": after.occurrence.starts_at + timedelta(minutes=60)
    }


async def test_edit_needs_something_and_a_known_meeting(service: MeetingService) -> None:
    upcoming = await schedule(service)
    for reference, changes, key in (
        (str(upcoming.meeting.id), {}, "meetings.errors.nothing_to_edit"),
        ("9999", {"title": "x"}, "meetings.errors.unknown_meeting"),
        ("abc", {"title": "x"}, "meetings.errors.unknown_meeting"),
        (str(upcoming.meeting.id), {"duration": 2000}, "meetings.errors.duration"),
        (str(upcoming.meeting.id), {"when": "hier 10h"}, "meetings.errors.when_past"),
    ):
        with pytest.raises(UserError) as caught:
            await service.edit(facilitator(), reference, **changes)
        assert caught.value.key == key


async def test_cancel_one_occurrence_moves_the_series_on(
    service: MeetingService, core: Core
) -> None:
    upcoming = await schedule(service, repeat="biweekly")
    await service.rsvp(member(BOB), upcoming.occurrence.id, "going")
    result = await service.cancel(facilitator(), str(upcoming.meeting.id), "occurrence")
    assert not result.series_ended
    assert result.cancelled.occurrence.status == "cancelled"
    assert result.notify == [BOB]
    assert result.next is not None
    assert result.next.occurrence.local_date == date(2026, 12, 17)
    prefix = occurrence_key(upcoming.meeting.id, result.next.occurrence.starts_at)
    assert set(await pending_timers(core, REMINDER_KIND)) == {f"{prefix}1440", f"{prefix}60"}
    assert [u.occurrence.id for u in await service.upcoming(GUILD)] == [result.next.occurrence.id]


async def test_cancel_the_series(service: MeetingService, core: Core) -> None:
    upcoming = await schedule(service, repeat="monthly")
    result = await service.cancel(facilitator(), str(upcoming.meeting.id), "series")
    assert result.series_ended and result.next is None
    assert result.cancelled.meeting.cancelled_at is not None
    assert await service.upcoming(GUILD) == []
    assert await pending_timers(core, REMINDER_KIND) == {}
    assert await pending_timers(core, END_KIND) == {}


async def test_cancelling_the_only_date_of_a_one_off_ends_it(service: MeetingService) -> None:
    upcoming = await schedule(service)
    result = await service.cancel(facilitator(), str(upcoming.meeting.id), "occurrence")
    assert result.series_ended and result.next is None


async def test_cancel_scope_is_checked(service: MeetingService) -> None:
    upcoming = await schedule(service)
    with pytest.raises(UserError) as caught:
        await service.cancel(facilitator(), str(upcoming.meeting.id), "everything")
    assert caught.value.key == "meetings.errors.scope"


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
    await service.cancel(facilitator(), str(upcoming.meeting.id), "series")
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
        service, when="2026-12-29 18:00", repeat="monthly", channel_id=VOICE, channel_kind="voice"
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
    assert str(monthly_event["LOCATION"]) == f"https://discord.com/channels/{GUILD}/{VOICE}"
    one_off_event = events[f"meeting-{one_off.meeting.id}-{GUILD}@plc-bot"]
    assert "RRULE" not in one_off_event
    assert one_off_event.decoded("duration") == timedelta(minutes=45)
    again = Calendar.from_ical(await service.calendar(member(BOB)))
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


async def test_calendar_biweekly_interval(service: MeetingService) -> None:
    await schedule(service, repeat="biweekly")
    event = Calendar.from_ical(await service.calendar(member(BOB))).walk("VEVENT")[0]
    assert event["RRULE"]["INTERVAL"] == [2]


async def test_status_line_names_the_next_meeting(service: MeetingService) -> None:
    assert [line.key for line in await service.status_lines(GUILD)] == ["meetings.status.none"]
    later = await schedule(service, when="2026-12-10 15:00")
    sooner = await schedule(service, when="2026-12-03 15:00")
    lines = await service.status_lines(GUILD)
    assert [line.key for line in lines] == ["meetings.status.next"]
    assert lines[0].params["timestamp"] == int(sooner.occurrence.starts_at.timestamp())
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
    assert after == {"rsvps": [], "meetings_scheduled": [], "occurrences_facilitated": []}
    remaining = await service.upcoming(GUILD)
    assert remaining[0].counts.model_dump() == {"going": 0, "maybe": 1, "cant": 0}
    assert remaining[0].meeting.created_by is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h, 1h", (1440, 60)),
        ("1h 24h", (1440, 60)),
        ("2d; 30m", (2880, 30)),
        ("2j", (2880,)),
        ("90", (90,)),
        ("", None),
        (None, None),
    ],
)
def test_reminder_times_are_read_in_minutes(text: str | None, expected: object) -> None:
    assert check_reminders(text) == expected


@pytest.mark.parametrize("text", ["tomorrow", "0m", "15d", "1h, x", "-5m"])
def test_unreadable_reminder_times_are_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        check_reminders(text)
    assert caught.value.key == "meetings.errors.reminders_bad"


def test_at_most_four_reminders() -> None:
    with pytest.raises(UserError, match="reminders_too_many"):
        check_reminders("1h, 2h, 3h, 4h, 5h")
