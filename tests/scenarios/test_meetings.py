"""A meeting on each platform: scheduled and confirmed, announced with RSVP buttons whose
counts update, reminded in the channel and to each member who answered (in their own
language), and exported as an ``.ics`` file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.scenarios.drivers import Driver, Post

DEC3 = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # 15:30 in Toronto


async def test_a_meeting_is_announced_answered_reminded_and_exported(chat: Driver) -> None:
    await chat.setup()
    preview = await chat.run(
        "alice", "meeting schedule", where="announcements", title="PLC meeting",
        when="Dec 3 3:30pm",
    )  # fmt: skip
    assert "Please check before I save and announce it" in preview.text
    assert chat.posts("announcements") == []  # nothing before the confirmation
    saved = await chat.press("alice", preview.post, "Confirm")
    assert "Saved and announced" in saved.text
    assert "could not be created" not in saved.text  # no calendar event to speak of

    [announcement] = chat.posts("announcements")
    assert "PLC meeting" in announcement.text
    assert announcement.labels() == ["Going (0)", "Maybe (0)", "Can't (0)"]
    for member in ("bob", "david"):
        going = await chat.press(member, announcement, "Going", answered=True)
        assert "You are marked **Going** for **PLC meeting**" in going.text
    maybe = await chat.press("chloe", announcement, "Maybe", answered=True)
    assert "Votre réponse : **Peut-être**, pour **PLC meeting**" in maybe.text
    assert announcement.labels() == ["Going (2)", "Maybe (1)", "Can't (0)"]  # in place

    calendar = await chat.run("bob", "meeting calendar")
    ics = calendar.files["plc-meetings.ics"].decode()
    assert ics.startswith("BEGIN:VCALENDAR") and "SUMMARY:PLC meeting" in ics
    assert "DTSTART;TZID=America/Toronto:20261203T153000" in ics

    await chat.advance(DEC3 - timedelta(days=1, minutes=1) - chat.app.core.clock.now())
    assert not [p for p in chat.posts("announcements") if p.text.startswith("⏰")]
    await chat.advance(timedelta(minutes=1))
    [reminder] = [p for p in chat.posts("announcements") if p.text.startswith("⏰")]
    # How soon as fixed text (a relative time would read "ago" later, and Teams has none).
    assert reminder.text.startswith("⏰ Reminder: **PLC meeting** in 1 day — "), reminder.text
    # Everyone who answered Going or Maybe, each in their own language (Chloé's French).
    said = {
        "bob": "⏰ Reminder: **PLC meeting** in 1 day — ",
        "chloe": "⏰ Rappel : **PLC meeting** dans 1 jour — ",
    }
    for member in ("bob", "chloe", "david"):
        [private] = reminders(chat, member)
        assert private.text.startswith(said.get(member, said["bob"])), private.text
    assert reminders(chat, "alice") == []  # she did not answer

    await chat.advance(timedelta(hours=23))
    hour = [p for p in chat.posts("announcements") if p.text.startswith("⏰")][-1]
    assert hour.text.startswith("⏰ Reminder: **PLC meeting** in 1 hour — "), hour.text
    assert hour.text.split(" — ")[1] == reminder.text.split(" — ")[1]  # the same date
    [_, french] = reminders(chat, "chloe")
    assert french.text.startswith("⏰ Rappel : **PLC meeting** dans 1 heure — "), french.text


def reminders(chat: Driver, member: str) -> list[Post]:
    """The reminders the member got by DM (Discord) or in the 1:1 chat (Teams), where
    their private answers are too."""
    return [p for p in chat.private(member) if p.text.startswith("⏰")]


async def test_a_cancelled_series_says_so_on_its_announcement(chat: Driver) -> None:
    await chat.setup()
    preview = await chat.run(
        "alice", "meeting schedule", where="announcements", title="Weekly PLC",
        when="Dec 3 3:30pm", repeat="weekly",
    )  # fmt: skip
    await chat.press("alice", preview.post, "Confirm")
    [announcement] = chat.posts("announcements")
    assert "Every week on Thursday" in announcement.text

    said = await chat.run("alice", "meeting cancel", meeting="Weekly PLC", scope="series")
    assert "Cancelled the whole series **Weekly PLC**" in said.text
    shown = announcement.text
    assert "❌ Cancelled — Weekly PLC" in shown
    assert "The whole series is cancelled: no more dates will be announced." in shown
    assert "This date is cancelled" not in shown
    assert "Every week" not in shown  # no "Repeats" line: nothing repeats any more
    assert announcement.labels() == []
