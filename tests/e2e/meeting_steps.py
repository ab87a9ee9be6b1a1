"""Steps of the ``/meeting`` end-to-end tests: schedule, confirm, answer, read back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.emulator import InteractionResult, Message
from bot.services.meetings import MeetingService, UpcomingMeeting
from tests.e2e.harness import Harness


async def preview(
    harness: Harness, user: str = "alice", *, locale: str | None = None, **options: Any
) -> InteractionResult:
    """``/meeting schedule`` up to the Confirm / Cancel preview."""
    options.setdefault("title", "PLC meeting")
    result = await harness.slash(user, "meeting schedule", locale=locale, **options)
    await result.final()
    assert result.ephemeral
    return result


def decision(result: InteractionResult, which: str) -> str:
    """The custom_id of Confirm (``which="confirm"``) or Cancel (``"discard"``)."""
    assert result.message is not None
    answer = {"confirm": ":yes", "discard": ":no"}[which]
    return next(c for c in result.message.custom_ids() if c.endswith(answer))


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


#: How the rotation's notices to facilitators begin ("has no facilitator", "nobody can
#: facilitate", "every volunteer declined").
ROTATION_NOTICES = ("ℹ️", "⚠️")


def announcements(harness: Harness) -> list[Message]:
    """The bot's meeting posts there (the rotation's notices to facilitators aside: a
    timer posts them when it runs, which may be before or after a test looks)."""
    return [
        m
        for m in harness.emu.messages_in(harness.channel("announcements"))
        if m.author_id == harness.emu.bot_user_id and not m.content.startswith(ROTATION_NOTICES)
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
