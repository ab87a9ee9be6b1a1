"""``/meeting list`` and ``calendar``, the status line, personal data, the French commands."""

from __future__ import annotations

import json
from datetime import UTC

from icalendar import Calendar

from bot.config import Settings
from tests.e2e.facilitation import run
from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import (
    DEC3,
    confirm,
    preview,
    rsvp,
    schedule,
    stamp,
    upcoming,
)

# -- list, calendar, status, personal data ------------------------------------------------


async def test_list_calendar_and_status(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(
        harness, when="Dec 3 3:30pm", repeat="monthly", channel=harness.channel("stage")
    )
    await schedule(harness, title="Codev", when="Dec 10 9:00am", link="https://meet.example.org/x")
    await rsvp(harness, "bob", announcement, "going")
    async with harness.bot.core.db.transaction() as conn:  # as the rotation does
        await conn.execute(
            """INSERT INTO facilitator_assignments
                (occurrence_id, guild_id, user_id, status, offers, assigned_at)
            SELECT id, guild_id, ?, 'accepted', 1, created_at FROM meeting_occurrences
            WHERE meeting_id = 1""",
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
    stage = f"https://discord.com/channels/{harness.guild.id}/{harness.channel('stage')}"
    assert str(events["PLC meeting"]["LOCATION"]) == stage  # its stage channel on Discord
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
    """Every command, option and choice of ``/meeting`` has its French."""
    from bot.app import build_core
    from bot.clock import ControlledClock
    from bot.i18n import load_catalog
    from cogs.platform import DiscordPlatform
    from tests.i18n.command_tree import translated_tree, untranslated

    core = await build_core(settings, ControlledClock(DEC3), DiscordPlatform(load_catalog()))
    [command] = await translated_tree(core, ["meeting"])
    await core.db.close()
    assert untranslated(command) == []
    assert command["name_localizations"]["fr"] == "rencontre"


async def test_a_meeting_preselects_its_session_protocol(harness: Harness) -> None:
    """``/meeting schedule protocol:`` is stored; ``/session start meeting:`` runs it."""
    await harness.setup_community()
    unknown = await preview(harness, when="2026-12-01 16:00", protocol="fishbowl", locale="en-US")
    assert "not a known protocol" in (unknown.content or "") and "codev" in (unknown.content or "")
    checked = await preview(harness, when="2026-12-01 16:00", protocol="codev", locale="en-US")
    assert "protocol `codev`" in (checked.content or "")
    await confirm(harness, checked)
    [item] = await upcoming(harness)
    assert item.meeting.protocol_id == "codev"
    started = await run(
        harness,
        "alice",
        "session start",
        meeting=str(item.meeting.id),
        client=harness.user("bob"),
    )
    assert "Codéveloppement professionnel" in started  # the meeting's protocol, not the default
