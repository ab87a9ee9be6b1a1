"""The Discord scheduled event, edit and cancel, and start-up reconciliation, end to end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.actor import Actor
from bot.db.engine import open_database
from bot.emulator import Permission
from bot.emulator.state import ScheduledEvent
from bot.services.meetings import MeetingService
from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import (
    DEC3,
    announcements,
    confirm,
    current,
    labels,
    preview,
    rsvp,
    schedule,
    stamp,
    upcoming,
)


def events(harness: Harness) -> list[ScheduledEvent]:
    return list(harness.emu.state.scheduled_events.values())


async def facilitator(harness: Harness, command: str, **options: Any) -> str:
    """Run a ``/meeting`` command as alice, in English; returns the ephemeral answer."""
    result = await harness.slash("alice", command, locale="en-US", **options)
    await result.final()
    assert result.ephemeral
    return result.content or ""


async def reconciled(harness: Harness) -> None:
    """Wait for the start-up reconciliation (the features' start-up work after READY)."""
    await harness.bot.startup_done.wait()


async def test_event_follows_edit_rollover_and_cancellations(harness: Harness) -> None:
    await harness.setup_community(language="en")
    first = await schedule(
        harness, when="Dec 3 3:30pm", repeat="weekly", channel=harness.channel("meeting-room")
    )
    [event] = harness.emu.state.scheduled_events.values()
    assert (event.entity_type, event.channel_id) == (2, harness.channel("meeting-room"))
    await rsvp(harness, "bob", first, "going")

    suggestions = await harness.emu.autocomplete(
        harness.guild.id, harness.user("alice"), "meeting edit", focused="meeting", value="plc"
    )
    # The date in words, the member's (alice's Discord is in French), never ISO.
    assert suggestions.choices == [
        {"name": "PLC meeting — jeudi 3 décembre, 15 h 30", "value": "1"}
    ]

    # Edit: the announcement, the event and the member who answered follow.
    friday = DEC3 + timedelta(days=1, minutes=30)  # Dec 4, 16:00 Toronto
    said = await facilitator(harness, "meeting edit", meeting="1", when="Dec 4 4pm", duration=60)
    assert f"<t:{stamp(friday)}:F>" in said
    assert "1 member who had answered was told" in said
    assert f"<t:{stamp(friday)}:F>" in current(harness, first).all_text()
    assert labels(harness, first) == ["Going (1)", "Maybe (0)", "Can't (0)"]
    assert event.scheduled_start_time.startswith("2026-12-04T21:00:00")
    assert event.scheduled_end_time is not None
    assert event.scheduled_end_time.startswith("2026-12-04T22:00:00")
    [notice] = [m for m in announcements(harness) if m.content.startswith("✏️")]
    assert notice.mention_user_ids == [harness.user("bob")]
    # Both say what changed, the old value beside the new, and nothing that did not.
    dec3 = f"<t:{stamp(DEC3)}:F>"
    changed = f"• When: {dec3} → **<t:{stamp(friday)}:F>**\n• Duration: 1 h 30 → **1 h**"
    assert changed in notice.content and changed in said
    assert "Title" not in notice.content and "Place" not in notice.content

    # The occurrence ends: the next Friday is announced and the same event moves on.
    await harness.advance_to(friday + timedelta(minutes=61))
    second = announcements(harness)[-1]
    next_friday = friday + timedelta(days=7)
    assert second.id != first.id
    assert f"<t:{stamp(next_friday)}:F>" in second.all_text()
    assert labels(harness, second) == ["Going (0)", "Maybe (0)", "Can't (0)"]
    assert [e.id for e in events(harness)] == [event.id]
    assert event.scheduled_start_time.startswith("2026-12-11T21:00:00")

    # Cancel this date: its announcement says so, the one after is announced.
    await rsvp(harness, "chloe", second, "maybe")
    said = await facilitator(harness, "meeting cancel", meeting="1", scope="occurrence")
    assert "Cancelled **PLC meeting**" in said
    assert "1 member who had answered was told where meetings are announced." in said
    cancelled = current(harness, second)
    assert cancelled.embeds[0]["title"] == "❌ Cancelled — PLC meeting"
    assert cancelled.components == []
    third = announcements(harness)[-1]
    assert f"<t:{stamp(next_friday + timedelta(days=7))}:F>" in third.all_text()
    assert event.scheduled_start_time.startswith("2026-12-18T21:00:00")
    [told] = [m for m in announcements(harness) if m.content.startswith("❌")]
    assert told.mention_user_ids == [harness.user("chloe")]
    assert "Next date" in told.content

    # Cancel the series: the event is cancelled, nothing is upcoming.
    said = await facilitator(harness, "meeting cancel", meeting="1", scope="series")
    assert "Cancelled the whole series" in said
    assert "was told" not in said  # nobody had answered the third date
    assert current(harness, third).components == []
    assert event.status == 4
    assert await upcoming(harness) == []
    listing = await harness.slash("bob", "meeting list")
    await listing.final()
    assert "No meeting is scheduled" in (listing.content or "")


async def test_edit_and_cancel_refuse_unknown_or_empty_changes(harness: Harness) -> None:
    await harness.setup_community(language="en")
    await schedule(harness, when="Dec 3 3:30pm")
    assert "not an upcoming meeting" in await facilitator(
        harness, "meeting edit", meeting="42", title="x"
    )
    assert "Nothing to change" in await facilitator(harness, "meeting edit", meeting="1")
    assert "in the past" in await facilitator(
        harness, "meeting edit", meeting="1", when="2026-11-01 10:00"
    )
    said = await facilitator(harness, "meeting cancel", meeting="1")
    # A one-off names its date, as its card does ("This date is cancelled"), not a series.
    assert said.startswith("Cancelled **PLC meeting** on <t:"), said
    assert "not an upcoming meeting" in await facilitator(harness, "meeting cancel", meeting="1")


async def test_an_event_deleted_by_a_person_is_not_recreated_until_the_next_date(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    await schedule(harness, when="Dec 3 3:30pm", repeat="weekly", link="https://meet.example.org/a")
    [event] = harness.emu.state.scheduled_events.values()
    await harness.stop()
    del harness.emu.state.scheduled_events[event.id]  # someone deleted it while the bot was down
    await harness.start()
    await reconciled(harness)
    assert events(harness) == []
    [item] = await upcoming(harness)
    assert item.meeting.event_id is None
    assert item.meeting.event_occurrence_id == item.occurrence.id

    await harness.advance_to(DEC3 + timedelta(minutes=91))
    [event] = harness.emu.state.scheduled_events.values()
    assert event.scheduled_start_time.startswith("2026-12-10T20:30:00")


async def test_an_event_the_bot_lost_is_adopted_or_recreated(harness: Harness) -> None:
    await harness.setup_community(language="en")
    await schedule(harness, when="Dec 3 3:30pm", repeat="weekly")
    [event] = harness.emu.state.scheduled_events.values()

    async def forget_event() -> None:
        """As if the bot died between creating the event and recording it."""
        await harness.stop()
        db = await open_database(harness.location)
        async with db.transaction() as conn:
            await conn.execute("UPDATE meetings SET event_id = NULL, event_occurrence_id = NULL")
        await db.close()

    await forget_event()
    await harness.start()
    await reconciled(harness)
    assert [e.id for e in events(harness)] == [event.id]
    [item] = await upcoming(harness)
    assert item.meeting.event_id == event.id

    await forget_event()
    del harness.emu.state.scheduled_events[event.id]
    await harness.start()
    await reconciled(harness)
    [recreated] = harness.emu.state.scheduled_events.values()
    assert recreated.id != event.id
    assert recreated.scheduled_start_time.startswith("2026-12-03T20:30:00")


async def test_an_occurrence_saved_but_not_announced_is_announced_after_restart(
    harness: Harness,
) -> None:
    """The bot died between saving a meeting and posting its announcement."""
    await harness.setup_community(language="en")
    meetings = harness.bot.services.get(MeetingService)
    alice = Actor(guild_id=harness.guild.id, user_id=harness.user("alice"), manages_guild=True)
    draft = await meetings.draft_schedule(alice, title="Saved only", when="Dec 3 3:30pm")
    await meetings._save(alice, draft)  # saved, then the bot died before announcing it
    assert announcements(harness) == []
    await harness.restart()
    await reconciled(harness)
    [announcement] = announcements(harness)
    assert "Saved only" in announcement.all_text()
    await harness.restart()
    await reconciled(harness)
    assert len(announcements(harness)) == 1
    assert len(events(harness)) == 1


async def test_without_the_manage_events_permission_the_meeting_still_works(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    role = harness.emu.state.role(harness.guild.id, harness.guild.roles["bot"])
    role.permissions &= ~int(Permission.MANAGE_EVENTS | Permission.CREATE_EVENTS)
    done = await confirm(harness, await preview(harness, when="Dec 3 3:30pm"), locale="en-US")
    assert "Saved and announced" in (done.content or "")
    assert "lacks the Manage Events permission" in (done.content or "")
    assert len(announcements(harness)) == 1
    assert events(harness) == []
    assert len(await upcoming(harness)) == 1
