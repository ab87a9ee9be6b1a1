"""``/meeting`` end to end: scheduling (FR and EN), confirmation, RSVPs, list, calendar.

Helpers at the top are shared by ``test_meetings_reminders.py`` and
``test_meetings_events.py``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from bot.config import Settings
from bot.emulator import InteractionResult, Message, Permission
from bot.services.meetings import MeetingService, UpcomingMeeting
from tests.e2e.harness import Harness

# -- helpers -------------------------------------------------------------------------------


async def preview(
    harness: Harness, user: str = "alice", *, locale: str | None = None, **options: Any
) -> InteractionResult:
    """``/meeting schedule`` up to the Confirm / Cancel preview."""
    options.setdefault("title", "PLC meeting")
    result = await harness.emu.slash(
        harness.guild.id, harness.user(user), "meeting schedule", locale=locale, **options
    )
    await result.final()
    assert result.ephemeral
    return result


def decision(result: InteractionResult, which: str) -> str:
    assert result.message is not None
    return next(c for c in result.message.custom_ids() if f":{which}:" in c)


async def confirm(
    harness: Harness,
    result: InteractionResult,
    user: str = "alice",
    *,
    which: str = "confirm",
    locale: str | None = None,
) -> InteractionResult:
    """Click Confirm (or ``which="discard"``: Cancel) under a preview."""
    assert result.message is not None
    click = await harness.emu.click(
        harness.user(user), result.message, decision(result, which), locale=locale
    )
    return await click.final()


async def schedule(harness: Harness, user: str = "alice", **options: Any) -> Message:
    """Schedule and confirm; returns the announcement."""
    before = len(announcements(harness))
    await confirm(harness, await preview(harness, user, **options), user)
    posted = announcements(harness)
    assert len(posted) == before + 1, [m.all_text() for m in posted]
    return posted[-1]


def announcements(harness: Harness) -> list[Message]:
    return [
        m
        for m in harness.emu.messages_in(harness.channel("announcements"))
        if m.author_id == harness.emu.bot_user_id
    ]


def current(harness: Harness, message: Message) -> Message:
    """The message as it is now (after the bot's edits)."""
    return harness.emu.state.messages[message.id]


def labels(harness: Harness, message: Message) -> list[str]:
    return [c["label"] for c in current(harness, message).iter_components() if c.get("label")]


async def rsvp(
    harness: Harness, user: str, message: Message, answer: str, *, locale: str | None = None
) -> str:
    """Click an RSVP button; returns the ephemeral answer the member got."""
    custom_id = next(c for c in current(harness, message).custom_ids() if c.endswith(f":{answer}"))
    click = await harness.emu.click(harness.user(user), message, custom_id, locale=locale)
    followups = await click.wait_followups()
    assert followups[0].ephemeral
    return followups[0].content


async def upcoming(harness: Harness) -> list[UpcomingMeeting]:
    return await harness.bot.services.get(MeetingService).upcoming(harness.guild.id)


async def meeting_rows(harness: Harness) -> int:
    async with harness.bot.core.db.read() as conn:
        row = await (await conn.execute("SELECT COUNT(*) FROM meetings")).fetchone()
    assert row is not None
    return int(row[0])


async def until(condition: Callable[[], bool]) -> None:
    """Wait (briefly, in real time) for the bot to process a gateway event."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot did not see the change")


def can_send(harness: Harness, channel_id: int) -> bool:
    guild = harness.bot.get_guild(harness.guild.id)
    assert guild is not None
    channel = guild.get_channel(channel_id)
    assert channel is not None
    return channel.permissions_for(guild.me).send_messages


def stamp(when: datetime) -> int:
    return int(when.timestamp())


# Dec 3 2026 15:30 in Toronto, as the tests type it.
DEC3 = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)


# -- scheduling ------------------------------------------------------------------------


async def test_schedule_in_french_is_echoed_then_saved_on_confirm(harness: Harness) -> None:
    await harness.setup_community(language="fr")
    result = await preview(
        harness,
        when="3 déc. 15h30",
        repeat="weekly",
        channel=harness.channel("meeting-room"),
        agenda="1. Bilan [lien](https://evil.example)\n# Titre",
    )
    text = result.content or ""
    assert "2026-12-03 15:30 (America/Toronto)" in text
    assert f"<t:{stamp(DEC3)}:F>" in text and f"<t:{stamp(DEC3)}:R>" in text
    assert "Chaque semaine, le jeudi" in text  # alice's Discord language is French
    assert "expire dans 10 minutes" in text
    assert await meeting_rows(harness) == 0  # nothing saved before Confirm
    assert announcements(harness) == []

    done = await confirm(harness, result)
    assert "Enregistrée et annoncée" in (done.content or "")
    assert done.components == []
    [announcement] = announcements(harness)
    embed = announcement.embeds[0]
    assert embed["title"] == "📅 PLC meeting"
    assert f"<t:{stamp(DEC3)}:F>" in announcement.all_text()
    assert f"<#{harness.channel('meeting-room')}>" in announcement.all_text()
    assert "Chaque semaine, le jeudi" in announcement.all_text()
    # The agenda is shown as typed: no masked link, no heading (D2).
    assert "\\[lien\\]\\(https://evil.example\\)" in embed["description"]
    assert "\\# Titre" in embed["description"]
    assert labels(harness, announcement) == ["Présent·e (0)", "Peut-être (0)", "Absent·e (0)"]
    assert all(len(c) <= 100 for c in announcement.custom_ids())
    [event] = harness.emu.state.scheduled_events.values()
    assert (event.name, event.entity_type, event.channel_id) == (
        "PLC meeting",
        2,
        harness.channel("meeting-room"),
    )
    assert event.scheduled_start_time.startswith("2026-12-03T20:30:00")


async def test_schedule_in_english_with_a_link(harness: Harness) -> None:
    await harness.setup_community(language="en")
    result = await preview(
        harness,
        locale="en-US",
        when="Dec 3 3:30pm",
        duration=60,
        link="https://meet.example.org/plc",
    )
    text = result.content or ""
    assert "2026-12-03 15:30 (America/Toronto)" in text
    assert "Does not repeat" in text and "1 h" in text
    await confirm(harness, result)
    [announcement] = announcements(harness)
    assert "https://meet.example.org/plc" in announcement.all_text()
    assert labels(harness, announcement) == ["Going (0)", "Maybe (0)", "Can't (0)"]
    [event] = harness.emu.state.scheduled_events.values()
    assert (event.entity_type, event.location) == (3, "https://meet.example.org/plc")
    assert event.scheduled_end_time is not None
    assert event.scheduled_end_time.startswith("2026-12-03T21:30:00")


async def test_other_french_and_english_forms(harness: Harness) -> None:
    await harness.setup_community(language="fr")
    for when, expected in (
        ("jeudi 15h", "2026-11-26 15:00"),
        ("2026-12-03 15:30", "2026-12-03 15:30"),
        ("Thursday 3pm", "2026-11-26 15:00"),
    ):
        result = await preview(harness, when=when)
        assert expected in (result.content or ""), when


async def test_cancel_expiry_and_restart_save_nothing(harness: Harness) -> None:
    await harness.setup_community(language="en")
    result = await preview(harness, locale="en-US", when="2026-12-03 15:30")
    cancelled = await confirm(harness, result, which="discard", locale="en-US")
    assert cancelled.content == "Nothing was saved."

    late = await preview(harness, locale="en-US", when="2026-12-03 15:30")
    await harness.advance(timedelta(minutes=9))
    await harness.advance(timedelta(minutes=2))
    expired = await confirm(harness, late, locale="en-US")
    assert "has expired (after 10 minutes)" in (expired.content or "")

    before_restart = await preview(harness, locale="en-US", when="2026-12-03 15:30")
    await harness.restart()
    after_restart = await confirm(harness, before_restart)
    assert "a expiré" in (after_restart.content or "")  # alice's own language
    assert await meeting_rows(harness) == 0
    assert announcements(harness) == []


async def test_a_double_click_on_confirm_saves_once(harness: Harness) -> None:
    await harness.setup_community(language="en")
    result = await preview(harness, locale="en-US", when="2026-12-03 15:30")
    assert result.message is not None
    custom_id = decision(result, "confirm")
    clicks = await asyncio.gather(
        *(
            harness.emu.click(harness.user("alice"), result.message, custom_id, locale="en-US")
            for _ in range(2)
        )
    )
    texts = sorted([(await click.final()).content or "" for click in clicks])
    assert any(text.startswith("Saved and announced") for text in texts), texts
    assert len(announcements(harness)) == 1
    assert await meeting_rows(harness) == 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"when": "2026-11-01 10:00"}, "in the past"),
        ({"when": "Feb 30 10:00"}, "not a real date"),
        ({"when": "2026-13-03 10:00"}, "not a real date"),
        ({"when": "2026-12-03 24:61"}, "not a real date"),
        ({"when": "Dec 3"}, "has no time of day"),
        ({"when": "someday"}, "could not read"),
        ({"when": "2028-01-05 10:00"}, "more than a year ahead"),
        ({"when": "Dec 3 10:00", "title": "x" * 101}, "the limit is 100"),
        ({"when": "Dec 3 10:00", "title": "   "}, "title is empty"),
        ({"when": "Dec 3 10:00", "agenda": "x" * 1001}, "the limit is 1000"),
        ({"when": "Dec 3 10:00", "link": "ftp://files.example.org"}, "http:// or https://"),
    ],
)
async def test_bad_input_is_refused_in_the_users_language(
    harness: Harness, options: dict[str, Any], expected: str
) -> None:
    await harness.setup_community(language="fr")
    result = await preview(harness, locale="en-US", **options)
    assert expected in (result.content or "")
    assert result.components == []
    assert await meeting_rows(harness) == 0


async def test_bad_input_in_french(harness: Harness) -> None:
    await harness.setup_community(language="en")
    result = await preview(harness, when="30 février 10h")
    assert "n'est pas une date ou une heure réelle" in (result.content or "")
    assert "`quand`" in (result.content or "")


async def test_discord_itself_refuses_a_text_channel_or_a_zero_duration(harness: Harness) -> None:
    """The options declare voice/stage channels and 1..1440 minutes; Discord enforces them."""
    await harness.setup_community(language="en")
    with pytest.raises(ValueError, match="channel types"):
        await preview(harness, when="Dec 3 10:00", channel=harness.channel("general"))
    with pytest.raises(ValueError, match="min_value"):
        await preview(harness, when="Dec 3 10:00", duration=0)
    with pytest.raises(ValueError, match="max_value"):
        await preview(harness, when="Dec 3 10:00", duration=1441)
    stage = await preview(harness, when="Dec 3 10:00", channel=harness.channel("stage"))
    assert stage.components != []


async def test_members_cannot_schedule_edit_or_cancel(harness: Harness) -> None:
    await harness.setup_community(language="en")
    for command, options in (
        ("meeting schedule", {"title": "x", "when": "Dec 3 10:00"}),
        ("meeting edit", {"meeting": "1", "title": "x"}),
        ("meeting cancel", {"meeting": "1"}),
    ):
        result = await harness.slash("bob", command, **options)
        await result.final()
        assert "Only facilitators" in (result.content or ""), command
    assert await meeting_rows(harness) == 0


async def test_not_set_up(harness: Harness) -> None:
    result = await preview(harness, locale="en-US", when="Dec 3 10:00")
    assert "not set up yet" in (result.content or "")


async def test_without_an_announcements_channel(harness: Harness) -> None:
    setup = await harness.slash(
        "admin",
        "plc setup",
        timezone="America/Toronto",
        language="en",
        facilitator_role=harness.guild.roles["facilitator"],
    )
    await setup.final()
    result = await preview(harness, locale="en-US", when="Dec 3 10:00")
    assert "No announcements channel" in (result.content or "")


async def test_announcements_channel_deleted_or_forbidden(harness: Harness) -> None:
    await harness.setup_community(language="en")
    channel_id = harness.channel("announcements")
    harness.emu.state.set_overwrite(
        channel_id, harness.guild.roles["bot"], deny=Permission.SEND_MESSAGES
    )
    harness.emu.gateway.channel_event("UPDATE", harness.emu.state.channel(channel_id))
    await until(lambda: not can_send(harness, channel_id))
    forbidden = await preview(harness, locale="en-US", when="Dec 3 10:00")
    assert "missing `send_messages`" in (forbidden.content or "")
    harness.emu.delete_channel(harness.channel("announcements"))
    deleted = await preview(harness, locale="en-US", when="Dec 3 10:00")
    assert "no longer exists" in (deleted.content or "")
    assert await meeting_rows(harness) == 0


async def test_announcement_refused_at_confirm_rolls_everything_back(harness: Harness) -> None:
    """Discord refuses the post after the preview: the meeting is undone, the user told."""
    await harness.setup_community(language="en")
    result = await preview(harness, locale="en-US", when="Dec 3 10:00", repeat="weekly")
    harness.emu.faults.add(
        method="POST",
        path=f"/channels/{harness.channel('announcements')}/messages",
        status=403,
        code=50013,
    )
    done = await confirm(harness, result, locale="en-US")
    assert "I could not post the announcement" in (done.content or "")
    assert "nothing was saved" in (done.content or "")
    assert await meeting_rows(harness) == 0
    assert harness.emu.state.scheduled_events == {}
    async with harness.bot.core.db.read() as conn:
        cursor = await conn.execute(
            "SELECT COUNT(*) FROM timers WHERE status = 'pending' AND kind LIKE 'meeting_%'"
        )
        row = await cursor.fetchone()
    assert row is not None and row[0] == 0


# -- RSVPs ---------------------------------------------------------------------------------


async def test_rsvp_toggles_and_counts_survive_a_restart(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")

    said = await rsvp(harness, "bob", announcement, "going")
    assert said.startswith("You are marked **Going** for **PLC meeting**")
    assert labels(harness, announcement) == ["Going (1)", "Maybe (0)", "Can't (0)"]
    said = await rsvp(harness, "chloe", announcement, "going")
    assert "Présent·e" in said  # chloe reads French; the announcement stays English
    assert labels(harness, announcement) == ["Going (2)", "Maybe (0)", "Can't (0)"]
    said = await rsvp(harness, "bob", announcement, "going")  # same again: removed
    assert said == "Your answer for **PLC meeting** is removed."
    assert labels(harness, announcement) == ["Going (1)", "Maybe (0)", "Can't (0)"]
    await rsvp(harness, "bob", announcement, "maybe")
    assert labels(harness, announcement) == ["Going (1)", "Maybe (1)", "Can't (0)"]

    await harness.restart()
    await rsvp(harness, "chloe", announcement, "cant")  # changing moves the answer
    assert labels(harness, announcement) == ["Going (0)", "Maybe (1)", "Can't (1)"]
    await rsvp(harness, "david", announcement, "going")
    assert labels(harness, announcement) == ["Going (1)", "Maybe (1)", "Can't (1)"]
    [item] = await upcoming(harness)
    assert item.counts.model_dump() == {"going": 1, "maybe": 1, "cant": 1}


async def test_answers_close_when_the_meeting_is_over(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await harness.advance(DEC3 + timedelta(minutes=91) - harness.clock.now())
    custom_id = next(c for c in announcement.custom_ids() if c.endswith(":going"))
    click = await harness.emu.click(harness.user("bob"), announcement, custom_id)
    await click.final()
    assert "is over" in (click.content or "")
    assert click.ephemeral


# -- list, calendar, status, personal data ------------------------------------------------


async def test_list_calendar_and_status(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm", repeat="monthly")
    await schedule(harness, title="Codev", when="Dec 10 9:00am", link="https://meet.example.org/x")
    await rsvp(harness, "bob", announcement, "going")
    async with harness.bot.core.db.transaction() as conn:  # as the rotation (§5) will do
        await conn.execute(
            "UPDATE meeting_occurrences SET facilitator_id = ? WHERE meeting_id = 1",
            (harness.user("chloe"),),
        )

    listing = await harness.slash("bob", "meeting list")
    await listing.final()
    assert listing.ephemeral
    text = listing.message.all_text() if listing.message else ""
    assert text.index("PLC meeting") < text.index("Codev")
    assert "✅ 1 · ❔ 0 · ❌ 0" in text
    assert "Every month on the first Thursday" in text
    assert f"facilitator: <@{harness.user('chloe')}>" in text

    calendar = await harness.slash("bob", "meeting calendar")
    await calendar.final()
    assert calendar.ephemeral and calendar.message is not None
    [attachment] = calendar.message.attachments
    assert attachment.filename.endswith(".ics")
    parsed = Calendar.from_ical(attachment.data)
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {"PLC meeting", "Codev"}
    assert events["PLC meeting"]["RRULE"]["BYDAY"] == ["1TH"]
    assert events["PLC meeting"].decoded("dtstart").astimezone(UTC) == DEC3
    assert str(events["Codev"]["URL"]) == "https://meet.example.org/x"
    assert [str(z["TZID"]) for z in parsed.walk("VTIMEZONE")] == ["America/Toronto"]

    status = await harness.slash("bob", "plc status")
    await status.final()
    assert f"Next meeting: **PLC meeting**, <t:{stamp(DEC3)}:F>" in (
        status.message.all_text() if status.message else ""
    )


async def test_empty_list_and_calendar(harness: Harness) -> None:
    await harness.setup_community(language="en")
    listing = await harness.slash("bob", "meeting list")
    await listing.final()
    assert "No meeting is scheduled" in (listing.content or "")
    calendar = await harness.slash("bob", "meeting calendar")
    await calendar.final()
    assert "nothing to put in a calendar" in (calendar.content or "")


async def test_export_and_delete_reach_rsvps(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await rsvp(harness, "bob", announcement, "maybe")
    await rsvp(harness, "david", announcement, "going")

    export = await harness.slash("bob", "me export")
    await export.final()
    assert export.message is not None
    data = json.loads(export.message.attachments[0].data)
    assert [r["answer"] for r in data["meetings"]["rsvps"]] == ["maybe"]
    assert data["meetings"]["rsvps"][0]["meeting"] == "PLC meeting"

    ask = await harness.slash("bob", "me delete")
    await ask.final()
    assert ask.message is not None
    erase = next(
        c["custom_id"] for c in ask.message.iter_components() if c.get("label") == "Erase my data"
    )
    await (await harness.emu.click(harness.user("bob"), ask.message, erase)).final()
    [item] = await upcoming(harness)
    assert item.counts.model_dump() == {"going": 1, "maybe": 0, "cant": 0}


async def test_meeting_commands_are_translated(settings: Settings) -> None:
    """Every command, option and choice of ``/meeting`` has its French (SPEC §2)."""
    from bot.app import build_core, build_services
    from bot.clock import ControlledClock
    from bot.i18n.translator import CatalogTranslator
    from cogs.client import PlcBot
    from cogs.toolkit.chat import DiscordChat

    core = await build_core(settings, ControlledClock(DEC3), DiscordChat())
    bot = PlcBot(core, build_services(core))
    translator = CatalogTranslator(core.catalog)
    await bot.tree.set_translator(translator)
    await bot.load_extension("cogs.meetings")
    [command] = [
        await c.get_translated_payload(bot.tree, translator) for c in bot.tree.get_commands()
    ]
    await bot.close()
    await core.db.close()
    missing: list[str] = []

    def walk(node: dict[str, Any], path: str) -> None:
        here = f"{path} {node['name']}".strip()
        if "fr" not in (node.get("name_localizations") or {}):
            missing.append(f"name of {here}")
        if node.get("description") and "fr" not in (node.get("description_localizations") or {}):
            missing.append(f"description of {here}")
        for choice in node.get("choices") or []:
            if "fr" not in (choice.get("name_localizations") or {}):
                missing.append(f"choice {choice['name']} of {here}")
        for option in node.get("options") or []:
            walk(option, here)

    walk(command, "")
    assert missing == []
    assert command["name_localizations"]["fr"] == "rencontre"
