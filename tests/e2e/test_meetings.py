"""``/meeting`` end to end: scheduling (FR and EN), confirmation, refusals, RSVPs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.emulator import Permission
from tests.e2e.harness import Harness, until
from tests.e2e.meeting_steps import (
    DEC3,
    announcements,
    can_send,
    confirm,
    current,
    decision,
    labels,
    meeting_rows,
    preview,
    rsvp,
    schedule,
    stamp,
    upcoming,
)

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
    # The wall clock of the community's zone in words, with its weekday, not ISO.
    assert "jeudi 3 décembre 2026 15 h 30 (America/Toronto)" in text
    assert "2026-12-03" not in text
    # Said once, then how far ahead (its date again in the reader's zone read the same).
    assert f"15 h 30 (America/Toronto), <t:{stamp(DEC3)}:R>" in text
    assert f"<t:{stamp(DEC3)}:F>" not in text
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
    # The agenda is shown as typed: no masked link, no heading.
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
    assert "Thursday 3 December 2026 15:30 (America/Toronto)" in text
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
        ("jeudi 15h", "jeudi 26 novembre 2026 15 h ("),
        ("2026-12-03 15:30", "jeudi 3 décembre 2026 15 h 30 ("),
        ("Thursday 3pm", "jeudi 26 novembre 2026 15 h ("),
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
    assert "has expired (after 10 minutes) or was already used: this press saved nothing" in (
        expired.content or ""
    )

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


async def test_a_preview_sent_before_the_shared_confirm_dialog_says_it_expired(
    harness: Harness,
) -> None:
    """Confirm / Cancel of the former format (``plc:mtg:confirm|discard:<token>``) still answer."""
    await harness.setup_community(language="en")
    for which in ("confirm", "discard"):
        result = await preview(harness, locale="en-US", when="2026-12-03 15:30")
        assert result.message is not None
        old = current(harness, result.message)
        for component in old.iter_components():
            if str(component.get("custom_id", "")).startswith("plc:confirm:"):
                kind = "confirm" if component["custom_id"].endswith(":yes") else "discard"
                component["custom_id"] = f"plc:mtg:{kind}:0123456789abcdef"
        click = await harness.emu.click(
            harness.user("alice"), old, f"plc:mtg:{which}:0123456789abcdef", locale="en-US"
        )
        done = await click.final()
        assert "has expired (after 10 minutes)" in (done.content or "")
        assert done.components == []
    assert await meeting_rows(harness) == 0
    assert announcements(harness) == []


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
        ({"when": "Dec 3 10:00", "agenda": "x" * 1001}, "the limit is 1,000"),
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


async def test_cancelling_a_one_off_names_its_date_not_a_series(harness: Harness) -> None:
    """A meeting that does not repeat has no series to speak of: the reply and the notice
    to those who answered name its date, as its card does."""
    await harness.setup_community(language="fr")
    announcement = await schedule(harness, title="Bilan", when="3 déc. 15h30")
    await rsvp(harness, "chloe", announcement, "going", locale="fr")
    cancel = await harness.slash("alice", "meeting cancel", meeting="1", locale="fr")
    await cancel.final()
    said = cancel.content or ""
    assert said.startswith("La séance de **Bilan** du <t:"), said
    assert "série" not in said
    [told] = [m for m in announcements(harness) if m.content.startswith("❌")]
    assert told.content.startswith("❌ La rencontre **Bilan** du <t:"), told.content
    footer = current(harness, announcement).embeds[0]["footer"]["text"]
    assert footer == "Cette séance est annulée."


async def test_french_texts_name_the_meeting_and_the_person_who_facilitates(
    harness: Harness,
) -> None:
    """A title can be of any gender: the French texts say « La rencontre **…** est
    modifiée », not « **…** est modifiée »; an answer reads « Votre réponse : … »; the one
    who runs a session is a person, not « l'animation »."""
    await harness.setup_community(language="fr")
    announcement = await schedule(harness, title="Bilan", when="3 déc. 15h30", repeat="weekly")
    said = await rsvp(harness, "chloe", announcement, "maybe", locale="fr")
    assert said.startswith("Votre réponse : **Peut-être**, pour **Bilan** ("), said

    edit = await harness.slash("alice", "meeting edit", meeting="1", duration=60)
    await edit.final()
    assert (edit.content or "").startswith("La rencontre **Bilan** est modifiée : ")
    [edited] = [m for m in announcements(harness) if m.content.startswith("✏️")]
    assert edited.content.startswith("✏️ La rencontre **Bilan** a été modifiée : ")

    cancel = await harness.slash("alice", "meeting cancel", meeting="1", scope="series")
    await cancel.final()
    [told] = [m for m in announcements(harness) if m.content.startswith("❌")]
    assert told.content.startswith("❌ La rencontre **Bilan** est annulée (toute la série).")
    assert current(harness, announcement).embeds[0]["title"] == "❌ Rencontre annulée — Bilan"

    def nobody() -> list[str]:
        posted = harness.emu.messages_in(harness.channel("announcements"))
        return [m.content for m in posted if m.content.startswith("⚠️")]

    # A rotation in use but empty: the facilitators are told, a person named as one.
    await harness.slash("bob", "rotation join")
    await harness.slash("bob", "rotation leave")
    await schedule(harness, title="Suivi", when="4 déc. 15h30")
    await until(lambda: bool(nobody()), "the rotation's notice")
    assert "un animateur ou une animatrice peut aussi mener la séance" in nobody()[0]
    assert "l'animation" not in nobody()[0] and "l’animation" not in nobody()[0]


async def test_an_edit_tells_what_changed_old_beside_new(harness: Harness) -> None:
    """The members who answered read which values changed, and how; the facilitator's
    reply lists the same lines (in French, the reader's language)."""
    await harness.setup_community(language="en")
    announcement = await schedule(harness, title="PLC", when="Dec 3 3:30pm")
    await rsvp(harness, "bob", announcement, "going")
    link = "https://meet.example.org/plc"
    edit = await harness.slash(
        "alice", "meeting edit", meeting="1", title="Reading PLC", link=link, agenda="Chapter 3"
    )
    await edit.final()
    [notice] = [m for m in announcements(harness) if m.content.startswith("✏️")]
    assert notice.content.startswith("✏️ **Reading PLC** was changed")
    assert notice.content.splitlines()[0].endswith(f"place: {link}.")  # no space left after
    assert "• Title: PLC → **Reading PLC**" in notice.content
    assert f"• Place: to be announced → **{link}**" in notice.content
    assert "• Agenda: — → **Chapter 3**" in notice.content
    assert "• When" not in notice.content and "• Duration" not in notice.content
    reply = edit.content or ""
    assert "• Titre : PLC → **Reading PLC**" in reply
    assert "• Ordre du jour : — → **Chapter 3**" in reply
    # A second edit the same second is a second notice, not the first one again.
    again = await harness.slash("alice", "meeting edit", meeting="1", duration=30)
    await again.final()
    notices = [m for m in announcements(harness) if m.content.startswith("✏️")]
    assert len(notices) == 2 and "• Duration: 1 h 30 → **30 min**" in notices[1].content


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
    harness.fail_posts("announcements", 403, code=50013)
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


async def test_the_announcement_names_its_facilitator_without_pinging(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    async with harness.bot.core.db.transaction() as conn:  # as the rotation does
        await conn.execute(
            """INSERT INTO facilitator_assignments
                (occurrence_id, guild_id, user_id, status, offers, assigned_at)
            SELECT id, guild_id, ?, 'accepted', 1, created_at FROM meeting_occurrences""",
            (harness.user("chloe"),),
        )
    await rsvp(harness, "bob", announcement, "going")
    shown = current(harness, announcement)
    [field] = [f for f in shown.embeds[0]["fields"] if f["name"] == "Facilitator"]
    assert field["value"] == f"<@{harness.user('chloe')}>"
    assert shown.mention_user_ids == []
    assert labels(harness, announcement) == ["Going (1)", "Maybe (0)", "Can't (0)"]


async def test_answers_close_when_the_meeting_is_over(harness: Harness) -> None:
    """Once over, the announcement says so with its answers counted, and loses its
    buttons."""
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await rsvp(harness, "chloe", announcement, "going")
    await harness.advance_to(DEC3 + timedelta(minutes=91))
    over = current(harness, announcement)
    assert over.components == []
    footer = over.embeds[0]["footer"]["text"]
    assert footer == "This meeting is over. Going: 1 · Maybe: 0 · Can't: 0."


async def test_a_click_on_an_announcement_left_with_its_buttons_says_it_is_over(
    harness: Harness,
) -> None:
    """An announcement the bot could not show over (it lost the channel meanwhile) keeps
    its buttons; a click on them is answered in words."""
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    channel = harness.channel("announcements")
    harness.emu.state.set_overwrite(channel, harness.emu.bot_user_id, deny=Permission.VIEW_CHANNEL)
    await harness.advance_to(DEC3 + timedelta(minutes=91))
    custom_id = next(c for c in announcement.custom_ids() if c.endswith(":going"))
    click = await harness.emu.click(harness.user("bob"), announcement, custom_id)
    await click.final()
    assert "is over" in (click.content or "")
    assert click.ephemeral
