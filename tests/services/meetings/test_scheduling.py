"""MeetingService against a real SQLite file: drafting, scheduling, RSVPs, edit and cancel."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.chat import Moment
from bot.clock import ControlledClock
from bot.errors import NotSetUp, UserError
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings import (
    END_KIND,
    REMINDER_KIND,
    MeetingService,
    Room,
    check_reminders,
    occurrence_key,
)
from tests.services.meetings.helpers import (
    cancel,
    cancel_an_answered_date,
    facilitator,
    meeting_service,
    member,
    pending_timers,
    schedule,
    set_up_service,
)
from tests.services.sample import ALICE, BOB, CAROL, GUILD, VOICE

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


# Each refusal with every option that gets it.
BAD_INPUT: dict[str, tuple[dict[str, Any], ...]] = {
    "meetings.errors.title_empty": ({"title": ""}, {"title": " \u200b\x07 "}),
    "meetings.errors.title_too_long": ({"title": "x" * 101},),
    "meetings.errors.agenda_too_long": ({"agenda": "x" * 1001},),
    "meetings.errors.duration": ({"duration": 0}, {"duration": -5}, {"duration": 1441}),
    "meetings.errors.repeat": ({"repeat": "daily"}, {"repeat": "FREQ=MINUTELY"}),
    "meetings.errors.link_scheme": (
        {"link": "ftp://example.org/x"},
        {"link": "javascript:alert(1)"},
        {"link": "https://"},
        {"link": "https://x.org/[a](https://evil.example)"},
        {"link": "https://x.org/a b"},
    ),
    "meetings.errors.link_too_long": ({"link": "https://" + "a" * 600},),
    "meetings.errors.channel_kind": ({"room": Room(42, "text")}, {"room": Room(42, None)}),
    "errors.when_impossible": ({"when": "Feb 30 10:00"},),
    "errors.when_past": ({"when": "2020-01-01 10:00"},),
}


@pytest.mark.parametrize(
    ("options", "key"),
    [(options, key) for key, refused in BAD_INPUT.items() for options in refused],
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
        facilitator(), title="A", when="2026-12-03 15:30", room=Room(VOICE, "voice")
    )
    stage = await service.draft_schedule(
        facilitator(), title="A", when="2026-12-03 15:30", room=Room(VOICE, "stage")
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
    service = await set_up_service(core, announcements=None)
    with pytest.raises(UserError) as caught:
        await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
    assert caught.value.key == "meetings.errors.no_announcements_channel"


async def test_when_is_read_in_the_community_language_then_the_other(core: Core) -> None:
    service = await set_up_service(core, language="en")
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
    # Not "for when, “2026-11-23” means …": the member typed no such text, and the date
    # was fine when they typed it; what passed is the wait before Confirm.
    assert caught.value.key == "meetings.errors.passed_before_confirm"
    assert caught.value.params["title"] == "A"
    assert caught.value.params["when"] == Moment(at=draft.when.starts_at)
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
    cancelled = await cancel(service, upcoming, "occurrence")
    with pytest.raises(UserError) as caught:
        await service.rsvp(member(ALICE), upcoming.occurrence.id, "going")
    assert caught.value.key == "meetings.errors.rsvp_cancelled"
    assert cancelled.next is not None
    await clock.set(cancelled.next.ends_at)
    with pytest.raises(UserError) as caught:
        await service.rsvp(member(ALICE), cancelled.next.occurrence.id, "going")
    assert caught.value.key == "meetings.errors.rsvp_over"


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
        (str(upcoming.meeting.id), {"when": "hier 10h"}, "errors.when_past"),
    ):
        with pytest.raises(UserError) as caught:
            await service.edit(facilitator(), reference, **changes)
        assert caught.value.key == key


async def test_a_meeting_is_found_by_its_title_typed_in_full(service: MeetingService) -> None:
    """Typed before picking from the list, or on Teams, which suggests nothing as one
    types: the title names the meeting (accents and case aside), unless two share it."""
    upcoming = await schedule(service)
    result = await service.edit(facilitator(), " rencontre de CAP ", duration=60)
    assert result.after.meeting.id == upcoming.meeting.id
    assert result.after.meeting.duration_minutes == 60
    other = await schedule(service, when="2026-12-05 10:00")
    with pytest.raises(UserError) as caught:
        await service.edit(facilitator(), "Rencontre de CAP", duration=45)
    assert caught.value.key == "meetings.errors.ambiguous_meeting"
    result = await service.edit(facilitator(), str(other.meeting.id), duration=45)
    assert result.after.meeting.duration_minutes == 45  # the id still names it


async def test_cancel_one_occurrence_moves_the_series_on(
    service: MeetingService, core: Core
) -> None:
    upcoming, result = await cancel_an_answered_date(service, repeat="biweekly", answer="going")
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
    result = await cancel(service, upcoming, "series")
    assert result.series_ended and result.next is None
    assert result.cancelled.meeting.cancelled_at is not None
    assert await service.upcoming(GUILD) == []
    assert await pending_timers(core, REMINDER_KIND) == {}
    assert await pending_timers(core, END_KIND) == {}


async def test_cancelling_the_only_date_of_a_one_off_ends_it(service: MeetingService) -> None:
    upcoming = await schedule(service)
    result = await cancel(service, upcoming, "occurrence")
    assert result.series_ended and result.next is None


async def test_cancel_scope_is_checked(service: MeetingService) -> None:
    upcoming = await schedule(service)
    with pytest.raises(UserError) as caught:
        await cancel(service, upcoming, "everything")
    assert caught.value.key == "meetings.errors.scope"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h, 1h", (1440, 60)),
        ("1h 24h", (1440, 60)),
        ("2d; 30m", (2880, 30)),
        ("2j", (2880,)),
        ("90", (90,)),
        ("1 day, 1 hour", (1440, 60)),
        ("1 jour et 2 heures", (1440, 120)),
        ("2 days and 30 minutes", (2880, 30)),
        ("1 week, 1 hr", (10080, 60)),
        ("1 semaine; 15 min", (10080, 15)),
        ("", None),
        (None, None),
    ],
)
def test_reminder_times_are_read_in_minutes(text: str | None, expected: object) -> None:
    assert check_reminders(text) == expected


@pytest.mark.parametrize("text", ["tomorrow", "1h, x", "-5m", "1 hour and", "2 months"])
def test_unreadable_reminder_times_are_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        check_reminders(text)
    assert caught.value.key == "meetings.errors.reminders_bad"


@pytest.mark.parametrize(
    ("text", "key", "shown", "limit"),
    [
        ("0m", "reminders_too_close", "0m", {"minutes": 1}),
        ("1h, 0 min", "reminders_too_close", "0 min", {"minutes": 1}),
        ("15d", "reminders_too_far", "15d", {"days": 14}),
        ("1h, 3 Weeks", "reminders_too_far", "3 Weeks", {"days": 14}),
        ("400d", "reminders_too_far", "400d", {"days": 14}),
    ],
)
def test_reminder_times_read_but_out_of_range_say_the_limit(
    text: str, key: str, shown: str, limit: dict[str, int]
) -> None:
    with pytest.raises(UserError) as caught:
        check_reminders(text)
    assert caught.value.key == f"meetings.errors.{key}"
    assert caught.value.params == {"text": shown, **limit}


def test_at_most_four_reminders() -> None:
    with pytest.raises(UserError, match="reminders_too_many"):
        check_reminders("1h, 2h, 3h, 4h, 5h")
