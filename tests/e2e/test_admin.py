"""``/plc setup``, ``/plc status`` and ``/me`` through the emulator, as users."""

from __future__ import annotations

import json
import re

from bot.db import communities as communities_db
from bot.emulator import Permission
from bot.services.community import CommunityService, CommunityStatus, MemberService
from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import schedule, upcoming
from tests.e2e.test_questions import ask, bot_posts, moderate, panel_click


def _fields(result_embeds: list[dict[str, object]]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in result_embeds[0]["fields"]}  # type: ignore[index]


async def test_setup_then_status_in_english(harness: Harness) -> None:
    await harness.setup_community(language="en")
    async with harness.bot.core.db.read() as conn:
        community = await communities_db.get(conn, harness.guild.id)
    assert community is not None
    assert community.timezone == "America/Toronto"
    assert community.announcements_channel_id == harness.channel("announcements")

    status = await harness.slash("bob", "plc status")
    assert status.ephemeral
    embed = status.embeds[0]
    assert embed["title"] == "Community status"
    fields = _fields(status.embeds)
    assert fields["Time zone"] == "`America/Toronto`"
    assert fields["Check-in channel"] == f"<#{harness.channel('check-ins')}>"
    assert "plc-bot" in embed["footer"]["text"] and "ms" in embed["footer"]["text"]
    assert status.latency < 3


async def test_replies_speak_the_users_discord_language(harness: Harness) -> None:
    await harness.setup_community(language="en")
    status = await harness.slash("bob", "plc status", locale="fr")
    assert status.embeds[0]["title"] == "État de la communauté"


async def test_rerunning_setup_edits_only_what_is_given(harness: Harness) -> None:
    await harness.setup_community(language="en")
    result = await harness.slash("admin", "plc setup", language="fr", timezone="Europe/Paris")
    assert result.embeds[0]["title"] == "Community settings updated"
    async with harness.bot.core.db.read() as conn:
        community = await communities_db.get(conn, harness.guild.id)
    assert community is not None
    assert (community.language, community.timezone) == ("fr", "Europe/Paris")
    assert community.questions_channel_id == harness.channel("questions")


async def test_unknown_time_zone_is_refused_with_suggestions(harness: Harness) -> None:
    result = await harness.slash("admin", "plc setup", timezone="EST")
    assert result.ephemeral
    assert "America/New_York" in (result.content or "")
    async with harness.bot.core.db.read() as conn:
        assert await communities_db.get(conn, harness.guild.id) is None


async def test_timezone_autocomplete_suggests_iana_names(harness: Harness) -> None:
    result = await harness.emu.autocomplete(
        harness.guild.id, harness.user("admin"), "plc setup", focused="timezone", value="toron"
    )
    assert "America/Toronto" in [c["value"] for c in result.choices]


async def test_setup_is_refused_to_non_admins_even_if_the_override_allows_it(
    harness: Harness,
) -> None:
    """The run-time role check holds whatever the command's permission override says."""
    for command in harness.emu.state.commands_for(None):
        if command.name == "plc":  # a server admin opened the command to everyone
            command.payload["default_member_permissions"] = None
    result = await harness.slash("bob", "plc setup", language="fr")
    assert result.ephemeral
    assert "Manage Server" in (result.content or "")


async def test_setup_checks_the_bot_can_post_in_each_channel(
    unstarted_harness: Harness,
) -> None:
    harness = unstarted_harness
    channel = harness.channel("general")
    harness.emu.state.set_overwrite(channel, harness.emu.bot_user_id, deny=Permission.SEND_MESSAGES)
    await harness.start()
    result = await harness.slash("admin", "plc setup", checkin_channel=channel)
    assert result.ephemeral
    assert "send_messages" in (result.content or "")
    async with harness.bot.core.db.read() as conn:
        assert await communities_db.get(conn, harness.guild.id) is None


async def test_feature_commands_before_setup_say_how_to_set_up(harness: Harness) -> None:
    result = await harness.slash("bob", "plc status")
    assert "/plc setup" in (result.content or "")
    result = await harness.slash("bob", "me timezone", name="Europe/Paris")
    assert "/plc setup" in (result.content or "")


async def test_me_timezone_without_a_name_asks_for_one_and_says_the_current_zone(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    result = await harness.slash("bob", "me timezone", name="  ", locale="en-US")
    assert (result.content or "") == (
        "`name`: give a time zone name, such as `America/Toronto` (type a city, e.g. "
        "Toronto, and pick it from the list). You have not chosen one, so the community's "
        "applies: `America/Toronto`."
    )
    await (await harness.slash("bob", "me timezone", name="Europe/Paris")).final()
    result = await harness.slash("bob", "me timezone", name="", locale="fr")
    assert (result.content or "") == (
        "`nom` : indiquez un nom de fuseau horaire, comme `America/Toronto` (tapez une ville, "
        "p. ex. Toronto, et choisissez-la dans la liste). Votre fuseau horaire actuel : "
        "`Europe/Paris`."
    )
    assert "∅" not in (result.content or "")
    member = await harness.bot.services.get(MemberService).get(
        harness.guild.id, harness.user("bob")
    )
    assert member is not None and member.timezone == "Europe/Paris"  # nothing changed


async def test_me_commands_and_export(harness: Harness) -> None:
    await harness.setup_community()
    result = await harness.slash("bob", "me timezone", name="Europe/Paris")
    assert "Europe/Paris" in (result.content or "")
    result = await harness.slash("bob", "me away", until="2026-12-18")
    assert "until **18 December 2026**" in (result.content or "")
    result = await harness.slash("bob", "me reminders", state="off")
    assert "off" in (result.content or "")

    export = await (await harness.slash("bob", "me export")).final()
    assert export.ephemeral
    data = json.loads(export.message.attachments[0].data)  # type: ignore[union-attr]
    assert data["member"]["timezone"] == "Europe/Paris"
    assert data["member"]["away_until"] == "2026-12-18"
    assert data["member"]["dm_reminders"] is False


async def test_me_delete_needs_the_confirm_button(harness: Harness) -> None:
    await harness.setup_community()
    await harness.slash("bob", "me timezone", name="Europe/Paris")
    ask = await harness.slash("bob", "me delete")
    assert ask.ephemeral and ask.message is not None
    confirm = ask.message.components[0]["components"][0]["custom_id"]
    # The erasure answers once it is done (its first answer only defers).
    await (await harness.emu.click(harness.user("bob"), ask.message, confirm)).final()
    export = await (await harness.slash("bob", "me export")).final()
    data = json.loads(export.message.attachments[0].data)  # type: ignore[union-attr]
    assert data["member"] is None


async def test_status_shows_database_size_scheduled_items_and_the_last_error(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    status = await harness.slash("bob", "plc status")
    health = _fields(status.embeds)["Health"]
    assert ("Database" in health and "KB" in health) or "MB" in health
    assert "0 scheduled items for this community" in health
    assert "No unexpected error recorded." in health

    # An unexpected failure gives the member a reference, and status keeps it.
    community = harness.bot.services.get(CommunityService)
    original = community.status

    async def broken(guild_id: int) -> CommunityStatus:
        raise RuntimeError("a bug")

    community.status = broken  # type: ignore[method-assign]
    failed = await harness.slash("bob", "plc status")
    community.status = original  # type: ignore[method-assign]
    ref = re.search(r"`([0-9a-f]{6})`", failed.content or "")
    assert ref is not None, failed.content
    status = await harness.slash("bob", "plc status")
    assert f"reference `{ref.group(1)}`" in _fields(status.embeds)["Health"]


async def test_a_deleted_channel_or_role_is_told_once_and_shown_in_status(
    harness: Harness,
) -> None:
    """Discord tells the bot a channel or role is gone; facilitators hear it once."""
    await harness.setup_community(language="en", moderation=True)
    harness.emu.delete_channel(harness.channel("questions"))
    harness.emu.delete_role(harness.guild.id, harness.guild.roles["facilitator"])
    moderation = harness.channel("moderation")

    def notices() -> list[str]:
        return [
            m.content
            for m in harness.emu.messages_in(moderation)
            if m.author_id == harness.emu.bot_user_id
        ]

    told = await harness.emu.wait_for(lambda: notices() if len(notices()) == 2 else None)
    assert any("can no longer post" in text for text in told)
    assert any("facilitator role" in text for text in told)
    harness.emu.delete_channel(harness.channel("general"))  # not one the community uses
    announcements = harness.channel("announcements")
    status = await harness.emu.slash(
        harness.guild.id, harness.user("admin"), "plc status", channel_id=announcements
    )
    health = _fields(status.embeds)["Health"]
    assert health.count("unreachable since") == 2
    assert len(notices()) == 2  # once each, nothing for #general


async def test_the_audit_log_lists_setup_meeting_and_moderation_paged(harness: Harness) -> None:
    """/plc audit (facilitators): a setup change, a meeting cancel, a moderation action."""
    await harness.setup_community(language="en")
    await harness.slash("admin", "plc setup", timezone="Europe/Paris")
    announcement = await schedule(harness, when="2026-12-01 16:00")
    [item] = await upcoming(harness)
    cancel = await harness.slash("alice", "meeting cancel", meeting=str(item.meeting.id))
    await cancel.final()
    assert announcement is not None
    await ask(harness, "bob", "Please remove")
    [post] = bot_posts(harness, "questions")
    panel = await moderate(harness, "alice", post)
    await panel_click(harness, "alice", panel, "mremove")

    started = await harness.slash("alice", "session start", protocol="plc")
    await started.final()
    ended = await harness.slash("alice", "session end")
    await ended.final()

    refused = await harness.slash("bob", "plc audit", locale="en-US")
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    log = await harness.slash("alice", "plc audit", locale="en-US")
    text = log.embeds[0]["description"]
    for action in (
        "community.edit",
        "meeting.cancel",
        "question.remove",
        "session.start",
        "session.end",
    ):
        assert f"`{action}`" in text
    assert text.index("question.remove") < text.index("meeting.cancel")  # newest first
    meetings = await harness.slash("alice", "plc audit", action="meeting", locale="en-US")
    assert "question.remove" not in meetings.embeds[0]["description"]
    assert meetings.embeds[0]["footer"]["text"].startswith("Page 1 of 1")
    assert meetings.message is not None and meetings.message.custom_ids() == []  # one page

    for n in range(12):  # enough for a second page
        await harness.slash("admin", "plc setup", timezone="Europe/Paris" if n % 2 else "UTC")
    first = await harness.slash("alice", "plc audit", locale="en-US")
    assert first.embeds[0]["footer"]["text"].startswith("Page 1 of 2")
    older = next(c for c in first.message.custom_ids() if c == "plc:audit:2")
    second = await harness.emu.click(harness.user("alice"), first.message, older, locale="en-US")
    await second.final()
    shown = harness.emu.state.messages[first.message.id]
    assert shown.embeds[0]["footer"]["text"].startswith("Page 2 of 2")
    assert "`community.setup`" in shown.embeds[0]["description"]  # the oldest, last


async def test_the_audit_log_says_what_changed_in_the_readers_words(harness: Harness) -> None:
    """No stored name (``duration_minutes``, ``close_after_hours``, ``series``): the log
    names what changed as the commands and settings do, in the reader's language."""
    await harness.setup_community(language="en")
    await schedule(harness, when="2026-12-01 16:00", repeat="weekly")
    [item] = await upcoming(harness)
    meeting = str(item.meeting.id)
    edited = await harness.slash("alice", "meeting edit", meeting=meeting, duration=60, title="T")
    await edited.final()
    cancel = await harness.slash("alice", "meeting cancel", meeting=meeting, scope="series")
    await cancel.final()
    await harness.slash("alice", "checkin schedule", day=0, time="09:00")

    said_in = {
        "en-US": (
            "repeats: every week",
            "changed: duration, title",
            "applies to: the whole series",
            "closes after (hours): 48",
            "check-in schedule: 1",
            "day: Monday",
        ),
        "fr": (
            "répétition : chaque semaine",
            "modifié : durée, titre",
            "portée : toute la série",
            "fermeture après (heures) : 48",
            "jour : lundi",
        ),
    }
    shown = {}
    for locale, phrases in said_in.items():
        reply = await harness.slash("alice", "plc audit", locale=locale)
        shown[locale] = reply.embeds[0]["description"]
        for said in phrases:
            assert said in shown[locale], said
    english, french = shown["en-US"], shown["fr"]
    for stored in ("duration_minutes", "close after hours", "scope", "weekly", "series:"):
        assert stored not in english and stored not in french, stored
