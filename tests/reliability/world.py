"""What the reliability tests do as users and operators, through the emulator only.

Slash commands, clicks on buttons found by their *label* (not by ``custom_id``, which
features are free to change), members joining the guild, and reading what reached
Discord: messages grouped by their nonce. Nothing here reaches into a service or a
table, so the tests survive a refactor of the features.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.emulator import Emulator, InteractionResult, Message
from tests.e2e.harness import Harness

#: The community's zone in ``Harness.setup_community``: ``when`` is typed in it.
ZONE = ZoneInfo("America/Toronto")
ENGLISH = "en-US"


def local_text(instant: datetime) -> str:
    """How a member types ``instant`` in ``/meeting schedule when:`` (community time)."""
    return instant.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def button(message: Message, label: str) -> str:
    """The ``custom_id`` of the button whose label starts with ``label``."""
    for component in message.iter_components():
        if str(component.get("label", "")).startswith(label) and "custom_id" in component:
            return str(component["custom_id"])
    labels = [c.get("label") for c in message.iter_components()]
    raise LookupError(f"no button {label!r} on message {message.id}; labels: {labels}")


def add_members(emu: Emulator, guild_id: int, prefix: str, count: int) -> list[int]:
    """``count`` people join the guild (GUILD_MEMBER_ADD), English-speaking."""
    ids = []
    for n in range(count):
        user = emu.state.add_user(f"{prefix}{n:02d}", global_name=f"{prefix.title()} {n}")
        emu.add_member(guild_id, user.id)
        ids.append(user.id)
    return ids


def bot_posts(emu: Emulator, channel_id: int) -> list[Message]:
    """What the bot posted there, the rotation's one-time "nobody volunteered" notice aside."""
    return [
        m
        for m in emu.messages_in(channel_id)
        if m.author_id == emu.bot_user_id and not m.content.startswith("ℹ️")
    ]


@dataclass(frozen=True)
class Organizer:
    """Who schedules a meeting, in which guild, and where its announcement goes."""

    guild_id: int
    user_id: int
    announcements_id: int

    @classmethod
    def alice(cls, h: Harness) -> Organizer:
        """alice, in the sample guild (what the tests use unless told otherwise)."""
        return cls(h.guild.id, h.user("alice"), h.channel("announcements"))


async def meeting_preview(
    h: Harness, *, by: Organizer | None = None, **options: object
) -> InteractionResult:
    """``/meeting schedule`` as alice (or ``by``), up to the preview with its Confirm button."""
    by = by or Organizer.alice(h)
    preview = await h.emu.slash(
        by.guild_id, by.user_id, "meeting schedule", locale=ENGLISH, **options
    )
    await preview.final()
    assert preview.message is not None, "no preview"
    return preview


async def confirm_preview(
    h: Harness, preview: InteractionResult, *, by: Organizer | None = None
) -> InteractionResult:
    assert preview.message is not None
    user_id = (by or Organizer.alice(h)).user_id
    return await h.emu.click(
        user_id, preview.message, button(preview.message, "Confirm"), locale=ENGLISH
    )


async def schedule_meeting(
    h: Harness,
    *,
    title: str,
    starts: datetime,
    reminders: str | None = None,
    by: Organizer | None = None,
) -> Message:
    """``/meeting schedule`` as alice (or ``by``), Confirm under the preview; the
    announcement."""
    by = by or Organizer.alice(h)
    options: dict[str, object] = {"title": title, "when": local_text(starts)}
    if reminders is not None:
        options["reminders"] = reminders
    channel = by.announcements_id
    before = {m.id for m in bot_posts(h.emu, channel)}
    click = await confirm_preview(h, await meeting_preview(h, by=by, **options), by=by)
    await click.final()
    [announcement] = [m for m in bot_posts(h.emu, channel) if m.id not in before]
    return announcement


async def rsvp(emu: Emulator, user_id: int, announcement: Message, answer: str = "Going") -> str:
    """Click an RSVP button; the ephemeral answer the member got."""
    current = emu.state.messages[announcement.id]
    click = await emu.click(user_id, current, button(current, answer), locale=ENGLISH)
    [reply] = await click.wait_followups(1, timeout=10)
    return reply.content


async def told_after_click(
    emu: Emulator, user_id: int, message: Message, label: str, *, locale: str = ENGLISH
) -> str:
    """Click the button labelled ``label``; everything the member was told (the answer or
    its follow-ups), whether the click was deferred or not."""
    current = emu.state.messages[message.id]
    click = await emu.click(user_id, current, button(current, label), locale=locale)
    await click.final(timeout=10)
    texts = [click.message.all_text()] if click.message is not None else []
    return "\n".join(texts + [m.all_text() for m in click.followups])


async def final_text(result: InteractionResult) -> str:
    await result.final(timeout=10)
    assert result.message is not None
    return result.message.all_text()


def going_count(listing: str, title: str) -> int:
    """The ✅ count of ``title`` in the text of ``/meeting list``."""
    section = listing.split(f"**{title}**", 1)
    assert len(section) == 2, f"{title!r} is not listed:\n{listing}"
    match = re.search(r"✅ (\d+)", section[1])
    assert match is not None, listing
    return int(match.group(1))


# -- what reached Discord ------------------------------------------------------------------


@dataclass(frozen=True)
class Sends:
    """The bot's messages with a nonce, from a set of channels, grouped by nonce."""

    by_nonce: Counter[str]
    without_nonce: int

    @property
    def duplicates(self) -> dict[str, int]:
        return {nonce: n for nonce, n in self.by_nonce.items() if n > 1}

    @property
    def distinct(self) -> int:
        return len(self.by_nonce)


def sends(emu: Emulator, channel_ids: Iterable[int], *, after_id: int = 0) -> Sends:
    """Bot messages in ``channel_ids`` (and every DM channel), newer than ``after_id``;
    answers to interactions are not counted."""
    channels = set(channel_ids) | set(emu.state.dm_channel_by_user.values())
    counted: Counter[str] = Counter()
    without = 0
    for message in emu.state.messages.values():
        if (
            message.channel_id in channels
            and message.author_id == emu.bot_user_id
            and message.id > after_id
            and not message.deleted
            and not message.ephemeral
            and message.webhook_id is None  # interaction answers: not sends
        ):
            if message.nonce is None:
                without += 1
            else:
                counted[message.nonce] += 1
    return Sends(counted, without)


def dm_count(emu: Emulator, user_id: int, *, after_id: int = 0) -> int:
    return sum(1 for m in emu.dms_to(user_id) if m.id > after_id)


# -- what the operator checks in the file --------------------------------------------------


def integrity(db_path: Path) -> str:
    """``PRAGMA integrity_check`` as an operator runs it on the stopped bot's file."""
    conn = sqlite3.connect(db_path)
    try:
        row = conn.execute("PRAGMA integrity_check").fetchone()
    finally:
        conn.close()
    return str(row[0])


def timer_outcomes(db_path: Path, kind: str) -> list[tuple[str, str | None]]:
    """``(status, note)`` of every timer of ``kind``: the scheduler's durable record.

    ``timers`` belongs to the core scheduler (``bot/scheduler.py``), not to a feature:
    it is where a reminder that could not go in its grace is recorded as missed, with the
    reason.
    """
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT status, note FROM timers WHERE kind = ?", (kind,)).fetchall()
    finally:
        conn.close()
    return [(str(status), note) for status, note in rows]
