"""Direct messages in the member's own language: the language their Discord client spoke
when they acted (kept across a restart), or the one they chose with ``/me language``;
public posts stay in the community's."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta

import pytest

from bot.emulator import Message
from tests.e2e.harness import Harness, until
from tests.e2e.meeting_steps import DEC3, announcements, rsvp, schedule
from tests.e2e.test_write_statements import measured


def reminder_dms(harness: Harness, user: str) -> list[Message]:
    return [m for m in harness.emu.dms_to(harness.user(user)) if m.content.startswith("⏰")]


def reminder_posts(harness: Harness) -> list[Message]:
    return [m for m in announcements(harness) if m.content.startswith("⏰")]


async def test_a_french_client_gets_its_reminder_dm_in_french_after_a_restart(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await rsvp(harness, "chloe", announcement, "going", locale="fr")
    await rsvp(harness, "bob", announcement, "going", locale="en-US")

    await harness.restart()  # what the bot saw of Chloé's client must not be lost
    await harness.advance_to(DEC3 - timedelta(days=1))

    [french] = reminder_dms(harness, "chloe")
    assert french.content.startswith("⏰ Rappel :"), french.content
    assert "Vous pouvez changer votre réponse" in french.content
    [english] = reminder_dms(harness, "bob")
    assert english.content.startswith("⏰ Reminder:"), english.content
    [public] = reminder_posts(harness)  # the community's language, whoever answered
    assert public.content.startswith("⏰ Reminder: **PLC meeting** in 1 day — "), public.content


async def test_me_language_sets_what_dms_are_written_in(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await rsvp(harness, "bob", announcement, "going", locale="en-US")

    shown = await harness.slash("bob", "me language", locale="en-US")
    assert "follow your app's language: **English**" in (shown.content or "")
    chosen = await harness.slash("bob", "me language", language="fr", locale="en-US")
    assert "written in **French**, your choice" in (chosen.content or "")
    again = await harness.slash("bob", "me language", locale="en-US")
    assert "written in **French**, your choice" in (again.content or "")

    await harness.advance_to(DEC3 - timedelta(days=1))
    [dm] = reminder_dms(harness, "bob")  # his choice wins over his English client
    assert dm.content.startswith("⏰ Rappel :"), dm.content

    exported = await (await harness.slash("bob", "me export", locale="en-US")).final()
    assert exported.message is not None
    data = json.loads(exported.message.attachments[0].data)
    assert data["member"]["language"] == "fr"
    assert data["member"]["client_language"] == "en"

    back = await harness.slash("bob", "me language", language="auto", locale="fr")
    assert "suivent la langue de votre application : **français**" in (back.content or "")
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert reminder_dms(harness, "bob")[-1].content.startswith("⏰ Rappel :")  # his client now


async def test_erasure_forgets_the_members_language(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await harness.slash("bob", "me language", language="fr", locale="en-US")
    ask = await harness.slash("bob", "me delete", locale="en-US")
    assert ask.message is not None
    done = await harness.emu.click(
        harness.user("bob"), ask.message, ask.message.custom_ids()[0], locale="en-US"
    )
    await done.final()
    async with harness.bot.core.db.read() as conn:
        row = await (
            await conn.execute(
                "SELECT COUNT(*) FROM members WHERE user_id = ?", (harness.user("bob"),)
            )
        ).fetchone()
    assert row is not None and row[0] == 0

    await rsvp(harness, "bob", announcement, "going", locale="en-US")
    await harness.advance_to(DEC3 - timedelta(days=1))
    [dm] = reminder_dms(harness, "bob")
    assert dm.content.startswith("⏰ Reminder:"), dm.content


@pytest.mark.sqlite_only  # counts SQLite's statements, reads the file
async def test_an_interaction_keeps_a_known_members_client_language(harness: Harness) -> None:
    """A command of a member the bot keeps a row for writes the language their client
    speaks when it changed, once: not at every interaction."""
    await harness.setup_community(language="en")
    await harness.slash("david", "me timezone", name="Europe/London", locale="en-GB")
    await harness.restart()

    def kept() -> str | None:
        with closing(sqlite3.connect(harness.db_path)) as conn:
            row = conn.execute(
                "SELECT client_language FROM members WHERE user_id = ?", (harness.user("david"),)
            ).fetchone()
        return None if row is None else row[0]

    async def back() -> None:
        await (await harness.slash("david", "me back", locale="fr")).final()

    await back()
    await until(lambda: kept() == "fr", "David's client language kept")
    again = await measured(harness, back)
    assert again.writes == 0, again.statements  # compared from memory, not written again
