"""A date every volunteer declined, taken end to end on Discord: the notice's "I'll
facilitate it" (refused to a member outside the rotation, then clicked by a facilitator:
stored, the announcement re-drawn, the notice edited for everyone; two clicks at once give
the date once), and ``/rotation assign`` naming a member, who is told by DM."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.emulator import Message
from tests.e2e.facilitation import answer, bot_messages, button_of, click, find, run
from tests.e2e.harness import Harness
from tests.e2e.test_rotation import DATES, announce, facilitator_of, offers

TAKE = "plc:rot:take:"


async def take(harness: Harness, user: str, notice: Message, **options: str) -> str:
    """ "I'll facilitate it" clicked as ``user``: the notice as the click left it, and what
    the clicker alone was told (a follow-up, once it came)."""
    result = await harness.emu.click(harness.user(user), notice, button_of(notice, TAKE), **options)
    [told] = await result.wait_followups()
    assert told.ephemeral  # said to the clicker alone
    return await answer(result)


async def everyone_declined(harness: Harness) -> tuple[Message, Message]:
    """Bob and Chloé joined the rotation and both declined the first date: the
    announcement, and the notice the facilitators got in the moderation channel."""
    await harness.setup_community(language="en", moderation=True)
    for user in ("bob", "chloe"):
        await run(harness, user, "rotation join")
    announcement = await announce(harness, DATES[0])
    for user in ("bob", "chloe"):
        [offer] = offers(harness, user)
        await click(harness, user, offer, "plc:rot:decline:")
        await harness.advance(timedelta(0))  # the next offer, or the notice: timers due now
    moderation = bot_messages(harness, harness.channel("moderation"))
    [notice] = find(moderation, "Every available volunteer declined")
    return announcement, notice


async def test_a_facilitator_takes_a_date_every_volunteer_declined(harness: Harness) -> None:
    announcement, notice = await everyone_declined(harness)
    assert facilitator_of(harness, announcement) is None
    [button] = [b for row in notice.components for b in row["components"]]
    assert button["label"] == "I'll facilitate it" and button["custom_id"].startswith(TAKE)

    refused = await take(harness, "david", notice)  # not a facilitator, not a volunteer
    assert "Only facilitators and the rotation's volunteers can take this date" in refused
    assert harness.emu.state.messages[notice.id].custom_ids() == [button["custom_id"]]

    said = await take(harness, "alice", notice)  # Alice reads French
    assert "Merci ! Vous animerez **PLC meeting** (<t:" in said
    edited = harness.emu.state.messages[notice.id]
    assert edited.custom_ids() == []  # taken: the button is gone, for everyone
    alice = f"<@{harness.user('alice')}>"
    assert edited.all_text().startswith(f"✅ Settled: {alice} facilitates **PLC meeting** (<t:")
    assert facilitator_of(harness, announcement) == harness.user("alice")  # re-drawn
    shown = await run(harness, "david", "rotation show")
    assert "**PLC meeting** — <t:" in shown and f"{alice} (accepted)" in shown
    log = await run(harness, "alice", "plc audit", locale="en-US")
    assert f"date taken from a notice (`rotation.take`) — facilitator: {alice}, meeting: 1" in log


async def test_two_clicks_at_once_give_the_date_once(harness: Harness) -> None:
    """Bob changed his mind as Alice clicked: one of them has it, the other is told who."""
    announcement, notice = await everyone_declined(harness)
    custom_id = button_of(notice, TAKE)
    results = await asyncio.gather(
        harness.emu.click(harness.user("bob"), notice, custom_id, locale="en-US"),
        harness.emu.click(harness.user("alice"), notice, custom_id, locale="en-US"),
    )
    for result in results:
        await result.wait_followups()
    bob_said, alice_said = [await answer(result) for result in results]
    holder = facilitator_of(harness, announcement)
    assert holder in (harness.user("bob"), harness.user("alice"))
    winner, loser = (
        (bob_said, alice_said) if holder == harness.user("bob") else (alice_said, bob_said)
    )
    assert "Thank you! You facilitate **PLC meeting**" in winner
    assert "**PLC meeting** (<t:" in loser and f"already has a facilitator: <@{holder}>" in loser
    assert harness.emu.state.messages[notice.id].custom_ids() == []


async def test_assign_names_a_member_who_is_told_by_dm(harness: Harness) -> None:
    announcement, notice = await everyone_declined(harness)
    said = await run(
        harness,
        "alice",
        "rotation assign",
        meeting="PLC meeting",
        member=harness.user("david"),
        locale="en-US",
    )
    david = f"<@{harness.user('david')}>"
    assert f"Done: {david} facilitates **PLC meeting** (<t:" in said
    assert "I am telling them by DM." in said
    assert facilitator_of(harness, announcement) == harness.user("david")
    await harness.advance(timedelta(0))  # the DM is a timer due now
    [told] = [m for m in harness.emu.dms_to(harness.user("david")) if "named you" in m.all_text()]
    assert f"<@{harness.user('alice')}> named you to facilitate **PLC meeting**" in told.all_text()
    late = await take(harness, "bob", notice)  # the notice's button, now stale
    assert f"already has a facilitator: {david}" in late
    refused = await run(
        harness, "bob", "rotation assign", meeting="PLC meeting", member=harness.user("bob")
    )
    assert "Only facilitators" in refused


async def test_an_offer_withdrawn_loses_its_buttons_and_says_who_took_the_date(
    harness: Harness,
) -> None:
    """Bob's offer kept Accept / Can't this time after a facilitator gave the date to
    David (a click then: "This offer is not (or no longer) yours")."""
    await harness.setup_community(language="en")
    await run(harness, "bob", "rotation join")
    await announce(harness, DATES[0])
    [offer] = offers(harness, "bob")
    assert "plc:rot:accept:" in " ".join(offer.custom_ids())
    await run(
        harness, "alice", "rotation assign", meeting="PLC meeting", member=harness.user("david")
    )
    await harness.advance(timedelta(0))  # the member told is a timer due now
    shown = harness.emu.state.messages[offer.id]
    assert shown.custom_ids() == []
    assert "🙋 Will you facilitate **PLC meeting**" in shown.all_text()
    david = f"<@{harness.user('david')}>"
    assert f"🔒 This offer is closed: {david} facilitates this date." in shown.all_text()
    assert "Please answer by" not in shown.all_text()
