"""The facilitators' digest end to end: what it says about help, the pulse and who
answered."""

from __future__ import annotations

from bot.emulator import Message
from tests.e2e.checkins_steps import (
    NUDGE_TO_CLOSE,
    OPEN,
    TO_NUDGE,
    answer,
    open_week,
    prompt,
)
from tests.e2e.harness import Harness


def fields(digest: Message) -> dict[str, str]:
    """The digest's fields, value by name."""
    return {f["name"]: f["value"] for f in digest.embeds[0].get("fields", [])}


async def close_week(h: Harness) -> Message:
    await h.advance(TO_NUDGE)
    await h.advance(NUDGE_TO_CLOSE)
    (digest,) = [m for m in h.emu.messages_in(h.channel("moderation")) if m.embeds]
    return digest


async def test_custom_questions_never_feed_the_help_requests(harness: Harness) -> None:
    """Only the built-in obstacles question asks for help: the last custom answer is not a
    help request."""
    h = harness
    await open_week(h, moderation=True, questions="What did you read? | What will you try?")
    await answer(h, "bob", tried="Chapter 3", obstacles="Partner reading")
    digest = await close_week(h)
    assert "Partner reading" not in digest.all_text()
    assert "Asked for help" not in fields(digest)
    assert "**1** of **1** member answered" in digest.all_text()


async def test_the_obstacles_answer_is_still_a_help_request(harness: Harness) -> None:
    h = harness
    await open_week(h, moderation=True)
    await answer(h, "bob", tried="Chapter 3", obstacles="A colleague to observe")
    digest = await close_week(h)
    assert fields(digest)["Asked for help"] == f"<@{h.user('bob')}>: A colleague to observe"


async def test_the_pulse_is_named_once_in_the_digest(harness: Harness) -> None:
    """The field is titled *Pulse*; its value does not say it again."""
    h = harness
    await open_week(h, moderation=True, pulse=True)
    posted = prompt(h)
    pulse_ids = [c for c in posted.custom_ids() if c.startswith("plc:checkin:pulse:")]
    for name, score in (("bob", 2), ("chloe", 3), ("david", 3)):
        await h.emu.click(h.user(name), posted, pulse_ids[score - 1])
    digest = await close_week(h)
    assert fields(digest)["Pulse"] == "Average 2.7/5 from 3 votes"
    assert "Pulse: average 2.7/5" in h.emu.state.messages[posted.id].all_text()


async def test_the_french_digest_names_the_pulse_once(harness: Harness) -> None:
    h = harness
    await h.setup_community(language="fr", moderation=True)
    await h.slash("alice", "checkin schedule", day=0, time="09:30", pulse=True)
    await h.advance(OPEN)
    digest = await close_week(h)
    assert fields(digest)["Baromètre"] == ("Moins de 3 votes, la moyenne n'est donc pas affichée")
