"""``/plc setup`` says what Discord hides from the facilitators; ``/plc audit``'s pages keep
turning after a restart; ``/me`` answers in layouts (through the emulator, as members)."""

from __future__ import annotations

from bot.db import communities as communities_db
from bot.emulator import Permission
from tests.e2e.harness import Harness

HIDDEN = "cannot see **Apps › Moderate**"


async def test_setup_says_when_the_facilitator_role_cannot_see_moderate(
    unstarted_harness: Harness,
) -> None:
    harness = unstarted_harness
    helpers = harness.emu.state.add_role(harness.guild.id, "Helpers").id  # no Manage Messages
    await harness.start()
    await harness.setup_community(language="en")

    told = await harness.slash("admin", "plc setup", facilitator_role=helpers)
    assert told.ephemeral and HIDDEN in (told.content or ""), told.content
    assert f"<@&{helpers}>" in (told.content or "")
    assert "`/questions moderate`" in (told.content or "")
    assert told.embeds[0]["title"] == "Community settings updated"  # saved all the same
    async with harness.bot.core.db.read() as conn:
        community = await communities_db.get(conn, harness.guild.id)
    assert community is not None and community.facilitator_role_id == helpers
    french = await harness.slash("admin", "plc setup", language="fr", locale="fr")
    assert "ne voient pas **Applications › Modérer**" in (french.content or ""), french.content

    # The sample's facilitator role has Manage Messages: nothing to say.
    fine = await harness.slash(
        "admin", "plc setup", facilitator_role=harness.guild.roles["facilitator"]
    )
    assert fine.embeds and "Moderate" not in (fine.content or "")


async def test_setup_says_when_every_member_can_read_the_moderation_channel(
    harness: Harness,
) -> None:
    """Questions wait for review in the moderation channel: one every member reads shows
    them before anyone approved them. Saved all the same, with a warning, in the admin's
    language; a channel hidden from @everyone (the sample's #moderation) gets none."""
    await harness.setup_community(language="en")
    general = harness.channel("general")
    told = await harness.slash("admin", "plc setup", moderation_channel=general)
    assert told.ephemeral and (told.content or "").startswith(
        f"⚠️ Every member can read <#{general}>, the moderation channel"
    ), told.content
    async with harness.bot.core.db.read() as conn:
        community = await communities_db.get(conn, harness.guild.id)
    assert community is not None and community.moderation_channel_id == general
    french = await harness.slash("admin", "plc setup", locale="fr")
    assert "Tous les membres peuvent lire" in (french.content or ""), french.content

    hidden = await harness.slash(
        "admin", "plc setup", moderation_channel=harness.channel("moderation")
    )
    assert hidden.embeds and not hidden.content


async def test_no_word_on_moderate_without_the_questions_feature(
    unstarted_harness: Harness,
) -> None:
    harness = unstarted_harness
    helpers = harness.emu.state.add_role(harness.guild.id, "Helpers").id
    harness.settings_overrides["features"] = {"enabled": ["meetings"]}
    await harness.start()
    told = await harness.slash("admin", "plc setup", facilitator_role=helpers)
    assert told.embeds and not told.content


async def test_audit_pages_turn_after_a_restart(harness: Harness) -> None:
    await harness.setup_community(language="en")
    for n in range(11):  # with the set-up, two pages of "community" entries
        await harness.slash(
            "admin", "plc setup", timezone="Europe/Paris" if n % 2 else "America/Montreal"
        )
    first = await harness.slash("alice", "plc audit", action="community", locale="en-US")
    assert first.message is not None
    assert first.message.custom_ids() == ["plc:audit:0:community", "plc:audit:2:community"]
    await harness.restart()
    older = await harness.emu.click(
        harness.user("alice"), first.message, "plc:audit:2:community", locale="en-US"
    )
    await older.final()
    shown = harness.emu.state.messages[first.message.id]
    assert shown.embeds[0]["title"] == "Audit log: community"
    assert shown.embeds[0]["footer"]["text"].startswith("Page 2 of 2")
    newer = await harness.emu.click(
        harness.user("alice"), first.message, "plc:audit:1:community", locale="en-US"
    )
    await newer.final()
    assert shown.embeds[0]["footer"]["text"].startswith("Page 1 of 2")


async def test_setup_refuses_a_channel_the_bot_cannot_open_threads_in(
    unstarted_harness: Harness,
) -> None:
    harness = unstarted_harness
    questions = harness.channel("questions")
    bot = harness.emu.bot_user_id
    harness.emu.state.set_overwrite(questions, bot, deny=Permission.CREATE_PUBLIC_THREADS)
    await harness.start()
    # Announcements need no threads: that channel is fine there.
    fine = await harness.slash("admin", "plc setup", announcements_channel=questions)
    assert fine.embeds, fine.content
    refused = await harness.slash("admin", "plc setup", questions_channel=questions)
    assert "`create_public_threads`" in (refused.content or ""), refused.content
    assert f"<#{questions}>" in (refused.content or "")


async def test_an_unknown_time_zone_is_not_called_malformed(harness: Harness) -> None:
    """``Mars/Olympus`` has the form Area/City: it is refused as unknown, with suggestions,
    and nothing is saved."""
    await harness.setup_community(language="en")
    refused = await harness.slash("admin", "plc setup", timezone="Mars/Olympus")
    assert "`Mars/Olympus` is not a known time zone" in (refused.content or ""), refused.content
    assert "America/Toronto" in (refused.content or "")
    french = await harness.slash("admin", "plc setup", timezone="EST", locale="fr")
    assert "« EST » n'est pas un fuseau horaire connu" in (french.content or ""), french.content
    async with harness.bot.core.db.read() as conn:
        community = await communities_db.get(conn, harness.guild.id)
    assert community is not None and community.timezone == "America/Toronto"
