"""MeetingService workflows without Discord: who may act, what is posted, the event mirror.

The chat port is :class:`tests.recording_chat.RecordingChat` (with its in-memory
calendar), so each test reads exactly what the service sent.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.actor import Actor
from bot.chat import Channel, ChannelRef, DirectMessage, ListedEvent
from bot.clock import ControlledClock
from bot.db import members as members_db
from bot.db.communities import CommunitySettings
from bot.errors import NotFacilitator, UserError
from bot.scheduler import nonce_for
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings import (
    END_KIND,
    REMINDER_KIND,
    AnnouncementRefused,
    MeetingAnnouncement,
    MeetingNotice,
    MeetingReminder,
    MeetingService,
    MissedReminder,
)
from bot.services.meetings.models import announce_key
from bot.services.outbox import OUTBOX_KIND
from tests.recording_chat import RecordingChat
from tests.services.meetings.helpers import (
    Outage,
    cancel,
    cancel_an_answered_date,
    facilitator,
    member,
    pending_timers,
    schedule,
)
from tests.services.sample import (
    ADMIN,
    ALICE,
    ANNOUNCEMENTS,
    BOB,
    CAROL,
    DAVE,
    FACILITATOR_ROLE,
    GUILD,
    MODERATION,
)

DEC3 = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # 15:30 in Toronto


async def meeting_rows(core: Core) -> int:
    async with core.db.read() as conn:
        row = await (await conn.execute("SELECT COUNT(*) FROM meetings")).fetchone()
    assert row is not None
    return int(row[0])


def announcements(chat: RecordingChat) -> list[MeetingAnnouncement]:
    return chat.cards(MeetingAnnouncement)


# -- who may act ----------------------------------------------------------------------------


async def test_members_may_not_schedule_edit_or_cancel(
    service: MeetingService, core: Core, chat: RecordingChat
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    sent = len(chat.sent)
    reference = str(upcoming.meeting.id)
    with pytest.raises(NotFacilitator):
        await service.draft_schedule(member(BOB), title="A", when="2026-12-03 15:30")
    draft = await service.draft_schedule(facilitator(), title="B", when="2026-12-04 15:30")
    with pytest.raises(NotFacilitator):
        await service.schedule(member(BOB), draft)  # a facilitator's draft, confirmed by a member
    with pytest.raises(NotFacilitator):
        await service.edit(member(BOB), reference, title="Hijacked")
    with pytest.raises(NotFacilitator):
        await service.cancel(member(BOB), reference, "series")
    assert await meeting_rows(core) == 1
    [still] = await service.upcoming(GUILD)
    assert still.meeting.title == "Rencontre de CAP"
    assert len(chat.sent) == sent  # nothing posted, nobody told


async def test_the_facilitator_role_or_managing_the_server_may_schedule(
    service: MeetingService, chat: RecordingChat
) -> None:
    by_role = Actor(guild_id=GUILD, user_id=CAROL, role_ids=frozenset({FACILITATOR_ROLE}))
    draft = await service.draft_schedule(by_role, title="A", when="2026-12-03 15:30")
    result = await service.schedule(by_role, draft)
    assert result.upcoming.meeting.created_by == CAROL
    await service.cancel(facilitator(DAVE), str(result.upcoming.meeting.id), "series")
    assert await service.upcoming(GUILD) == []


async def test_a_draft_from_another_community_is_refused(service: MeetingService) -> None:
    draft = await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
    elsewhere = Actor(guild_id=GUILD + 1, user_id=ALICE, manages_guild=True)
    with pytest.raises(NotFacilitator):
        await service.schedule(elsewhere, draft)


# -- schedule: save, announce, mirror ---------------------------------------------------------


async def test_schedule_announces_with_a_stable_nonce_and_mirrors_the_event(
    service: MeetingService, chat: RecordingChat
) -> None:
    draft = await service.draft_schedule(
        facilitator(), title="CAP", when="2026-12-03 15:30", agenda="Bilan", repeat="weekly"
    )
    assert draft.announcements_channel_id == ANNOUNCEMENTS
    result = await service.schedule(facilitator(), draft)
    [sent] = chat.sent
    assert sent.target == Channel(GUILD, ANNOUNCEMENTS)
    # The outbox's nonce for this date's one announcement: a retry posts it once.
    key = announce_key(result.upcoming.occurrence.id)
    assert sent.nonce == nonce_for(OUTBOX_KIND, key, f"channel:{ANNOUNCEMENTS}")
    assert sent.mention == ()
    card = sent.card
    assert isinstance(card, MeetingAnnouncement)
    assert (card.title, card.starts_at, card.repeat, card.language) == ("CAP", DEC3, "weekly", "fr")
    assert card.facilitator_id is None and not card.cancelled
    assert result.announcement == sent.posted
    assert result.upcoming.announcement == sent.posted  # recorded with the occurrence
    assert result.event_problem is None
    [(event, spec)] = chat.events.events.values()
    assert spec is not None
    assert (spec.name, spec.starts_at, spec.ends_at) == ("CAP", DEC3, DEC3 + timedelta(hours=1.5))
    assert spec.description == "Bilan"
    assert spec.announcement == sent.posted
    assert result.upcoming.meeting.event_id == event.event_id


async def test_an_announcement_refused_for_good_undoes_everything(
    service: MeetingService, core: Core, chat: RecordingChat
) -> None:
    draft = await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
    chat.lost_channels.add(ANNOUNCEMENTS)  # gone between the preview and Confirm
    with pytest.raises(AnnouncementRefused) as caught:
        await service.schedule(facilitator(), draft)
    assert caught.value.key == "meetings.errors.announce_failed"
    assert caught.value.params["channel"] == ChannelRef(channel_id=ANNOUNCEMENTS)
    assert await meeting_rows(core) == 0
    assert await pending_timers(core, REMINDER_KIND) == {}
    assert await pending_timers(core, END_KIND) == {}
    assert chat.events.events == {}


async def test_an_outage_keeps_the_meeting_and_announces_it_when_discord_answers(
    service: MeetingService, core: Core, chat: RecordingChat, outage: Outage
) -> None:
    """Discord only down at Confirm: nothing is undone, the outbox posts it later, once."""
    with outage.during():
        draft = await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
        result = await service.schedule(facilitator(), draft)
    assert result.announcement is None and result.announcements_channel_id == ANNOUNCEMENTS
    assert await meeting_rows(core) == 1
    assert len(await pending_timers(core, REMINDER_KIND)) == 2
    assert len(chat.events.events) == 1  # the event does not wait for the announcement

    await outage.over()
    [sent] = chat.sent
    assert sent.target == Channel(GUILD, ANNOUNCEMENTS)
    [item] = await service.upcoming(GUILD)
    assert item.announcement == sent.posted
    assert chat.edits == []  # posted as it still reads: nothing to re-draw


async def test_a_date_changed_while_its_announcement_waited_is_redrawn_once_posted(
    service: MeetingService, chat: RecordingChat, outage: Outage
) -> None:
    with outage.during():
        upcoming = await schedule(service)
        await service.edit(facilitator(), str(upcoming.meeting.id), title="Nouveau titre")
    await outage.over()
    [sent] = chat.sent
    assert isinstance(sent.card, MeetingAnnouncement) and sent.card.title == "Rencontre de CAP"
    [(posted, redrawn)] = chat.edits
    assert posted == sent.posted
    assert isinstance(redrawn, MeetingAnnouncement) and redrawn.title == "Nouveau titre"


async def test_without_the_event_permission_the_meeting_still_works(
    service: MeetingService, chat: RecordingChat
) -> None:
    chat.events.refuse = "forbidden"
    draft = await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30")
    result = await service.schedule(facilitator(), draft)
    assert result.event_problem == "meetings.event.forbidden"
    assert len(announcements(chat)) == 1
    assert [u.meeting.id for u in await service.upcoming(GUILD)] == [result.upcoming.meeting.id]


# -- RSVPs, edit, cancel: what is re-drawn and who is told --------------------------------------


async def test_edit_redraws_mirrors_and_tells_who_answered(
    service: MeetingService, chat: RecordingChat
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    await service.rsvp(member(BOB), upcoming.occurrence.id, "going")
    result = await service.edit(facilitator(), str(upcoming.meeting.id), when="2026-12-04 16:00")
    moved = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
    [(posted, card)] = chat.edits
    assert posted == upcoming.announcement
    assert isinstance(card, MeetingAnnouncement) and card.starts_at == moved
    [notice] = [s for s in chat.sent if isinstance(s.card, MeetingNotice)]
    assert notice.target == Channel(GUILD, ANNOUNCEMENTS)
    assert notice.mention == (BOB,)
    assert isinstance(notice.card, MeetingNotice)
    assert (notice.card.change, notice.card.starts_at, notice.card.mentions) == (
        "edited",
        moved,
        (BOB,),
    )
    assert (result.told, result.announcements_channel_id, result.event_problem) == (
        1,
        ANNOUNCEMENTS,
        None,
    )
    [spec] = [spec for _, spec in chat.events.events.values()]
    assert spec is not None and spec.starts_at == moved
    assert chat.events.calls.count("create") == 1 and "edit" in chat.events.calls


async def test_notices_mention_at_most_forty_members_each(
    service: MeetingService, chat: RecordingChat
) -> None:
    upcoming = await schedule(service)
    for user_id in range(100, 185):
        await service.rsvp(member(user_id), upcoming.occurrence.id, "maybe")
    result = await service.edit(facilitator(), str(upcoming.meeting.id), title="Nouveau")
    notices = [s for s in chat.sent if isinstance(s.card, MeetingNotice)]
    assert [len(n.mention) for n in notices] == [40, 40, 5]
    assert [n.card.change for n in notices if isinstance(n.card, MeetingNotice)] == [
        "edited",
        None,
        None,
    ]
    assert len({n.nonce for n in notices}) == 3
    assert result.told == 85


async def test_cancelling_a_date_announces_the_next_and_moves_the_event(
    service: MeetingService, chat: RecordingChat
) -> None:
    upcoming, result = await cancel_an_answered_date(service, repeat="weekly", answer="maybe")
    assert result.next is not None
    [(_, redrawn)] = chat.edits
    assert isinstance(redrawn, MeetingAnnouncement) and redrawn.cancelled
    following = announcements(chat)[-1]
    assert following.occurrence_id == result.next.occurrence.id
    [notice] = chat.cards(MeetingNotice)
    assert isinstance(notice, MeetingNotice)
    assert notice.change == "cancelled_occurrence"
    assert notice.next_starts_at == result.next.occurrence.starts_at
    [(event, spec)] = chat.events.events.values()
    assert spec is not None and spec.starts_at == result.next.occurrence.starts_at

    await cancel(service, upcoming, "series")
    assert chat.events.status(event.event_id) == "cancelled"
    assert await service.mirror.event_targets(GUILD) == []  # nothing left to mirror


# -- reminders through the scheduler -----------------------------------------------------------


async def test_reminders_follow_the_one_audience_rule_and_record_each_target(
    service: MeetingService, core: Core, chat: RecordingChat, clock: ControlledClock
) -> None:
    core.scheduler.register(*service.timer_kinds())
    upcoming = await schedule(service)
    for user_id in (ALICE, BOB, CAROL, DAVE, 15, 16):
        await service.rsvp(member(user_id), upcoming.occurrence.id, "going")
    now = clock.now()
    async with core.db.transaction() as conn:
        for user_id in (BOB, CAROL, 15, 16):
            await members_db.ensure(conn, GUILD, user_id, now)
        await members_db.mark_dm_closed(conn, GUILD, BOB, now)  # mentioned instead
        await members_db.set_dm_reminders(conn, GUILD, 15, False, now)  # not disturbed
        await members_db.set_away_until(conn, GUILD, 16, date(2026, 12, 31))  # away
        await members_db.mark_left(conn, GUILD, CAROL, now)  # gone from the server
    chat.closed_dms.add(DAVE)  # closed, but the bot does not know yet
    await clock.set(DEC3 - timedelta(days=1))
    await core.scheduler.run_due()
    reminders = [s for s in chat.sent if isinstance(s.card, MeetingReminder)]
    assert [s.target for s in reminders] == [
        DirectMessage(GUILD, ALICE),
        Channel(GUILD, ANNOUNCEMENTS),
    ]
    channel_post = reminders[-1]
    assert channel_post.mention == (BOB, DAVE)
    assert isinstance(channel_post.card, MeetingReminder)
    assert channel_post.card.fallback == (BOB, DAVE) and not channel_post.card.direct
    async with core.db.read() as conn:
        cursor = await conn.execute("SELECT target, outcome FROM timer_deliveries ORDER BY target")
        delivered = {row[0]: row[1] for row in await cursor.fetchall()}
    assert delivered == {
        f"channel:{ANNOUNCEMENTS}": "sent",
        f"dm:{ALICE}": "sent",
        f"dm:{DAVE}": "fallback",
    }
    plan = await service.timers.reminder(
        {"occurrence_id": upcoming.occurrence.id, "starts_at": "20261203T2030Z", "offset": 60}
    )
    assert plan is not None
    # The refused DM was recorded by the delivery policy: Dave is mentioned from now on.
    assert (plan.dm_user_ids, plan.closed_dm_user_ids) == ([ALICE], [BOB, DAVE])


async def test_a_reminder_missed_tells_the_moderators(
    service: MeetingService, core: Core, chat: RecordingChat, clock: ControlledClock
) -> None:
    core.scheduler.register(*service.timer_kinds())
    await schedule(service)
    await clock.set(DEC3 - timedelta(hours=20))  # the 24 h reminder is beyond its grace
    await core.scheduler.run_due()
    [missed] = [s for s in chat.sent if isinstance(s.card, MissedReminder)]
    assert missed.target == Channel(GUILD, MODERATION)
    assert isinstance(missed.card, MissedReminder) and missed.card.offset_minutes == 1440
    assert chat.cards(MeetingReminder) == []


# -- start-up reconciliation --------------------------------------------------------------------


async def test_reconcile_announces_what_a_crash_left_and_mirrors_it_once(
    service: MeetingService, core: Core, chat: RecordingChat
) -> None:
    draft = await service.draft_schedule(facilitator(), title="Saved only", when="Dec 3 3:30pm")
    saved = await service._save(facilitator(), draft)
    assert chat.sent == []
    await service.reconcile()
    [card] = announcements(chat)
    assert card.occurrence_id == saved.occurrence.id
    assert len(chat.events.events) == 1
    await service.reconcile()
    assert len(announcements(chat)) == 1
    assert len(chat.events.events) == 1
    assert chat.events.calls.count("create") == 1


async def test_reconcile_adopts_a_lost_event_and_respects_a_deleted_one(
    service: MeetingService, core: Core, chat: RecordingChat
) -> None:
    upcoming = await schedule(service, repeat="weekly")
    [event_id] = chat.events.events
    async with core.db.transaction() as conn:  # as if the bot died before recording it
        await conn.execute("UPDATE meetings SET event_id = NULL, event_occurrence_id = NULL")
    await service.reconcile()
    [item] = await service.upcoming(GUILD)
    assert item.meeting.event_id == event_id  # adopted, not created again
    assert chat.events.calls.count("create") == 1

    del chat.events.events[event_id]  # a person deleted it
    await service.reconcile()
    [item] = await service.upcoming(GUILD)
    assert item.meeting.event_id is None
    assert item.meeting.event_occurrence_id == upcoming.occurrence.id
    assert chat.events.events == {}  # not recreated for this date
    someone_else = ListedEvent(
        guild_id=GUILD,
        event_id=1,
        status="scheduled",
        name="Rencontre de CAP",
        starts_at=upcoming.occurrence.starts_at,
        by_bot=False,
    )
    chat.events.add(someone_else)
    await service.reconcile()
    assert chat.events.calls.count("create") == 1  # a person's event is never adopted


async def test_reconcile_skips_a_community_whose_events_cannot_be_listed(
    service: MeetingService, chat: RecordingChat
) -> None:
    draft = await service.draft_schedule(facilitator(), title="A", when="Dec 3 3:30pm")
    await service._save(facilitator(), draft)
    chat.events.refuse = "unreachable"
    await service.reconcile()
    assert len(announcements(chat)) == 1  # announced all the same
    assert chat.events.calls == ["list"]


async def test_reconcile_gives_the_loop_a_turn_between_communities(
    service: MeetingService, core: Core, chat: RecordingChat
) -> None:
    """Reads run on the event loop's thread, and a calendar out of reach answers at once:
    the start-up work over a year's thousand communities held the loop (no health answer,
    no gateway event) until it ended, unless it gives the loop a turn between them."""
    await schedule(service)
    other = Actor(guild_id=GUILD + 1, user_id=ALICE, manages_guild=True)
    await CommunityService(core).setup(
        GUILD + 1,
        ADMIN,
        CommunitySettings(
            timezone="America/Toronto", language="fr", announcements_channel_id=ANNOUNCEMENTS
        ),
    )
    draft = await service.draft_schedule(other, title="B", when="2026-12-03 15:30")
    await service.schedule(other, draft)
    chat.events.refuse = "unreachable"
    turns = 0
    seen: list[int] = []
    listing = chat.events.list_events

    async def spin() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    async def counted(guild_id: int) -> list[ListedEvent]:
        seen.append(turns)
        return await listing(guild_id)

    chat.events.list_events = counted  # type: ignore[method-assign]
    spinner = asyncio.create_task(spin())
    try:
        await service.reconcile()
    finally:
        spinner.cancel()
    assert len(seen) == 2
    assert seen[1] > seen[0]


async def test_a_refused_event_change_is_reported_not_raised(
    service: MeetingService, chat: RecordingChat
) -> None:
    upcoming = await schedule(service)
    chat.events.refuse = "refused"
    result = await service.edit(facilitator(), str(upcoming.meeting.id), title="Autre")
    assert result.event_problem == "meetings.event.refused"
    with pytest.raises(UserError):
        await service.edit(member(BOB), str(upcoming.meeting.id), title="Autre")
