"""The facilitators' digest end to end: what it says about help, the pulse and who
answered."""

from __future__ import annotations

import pytest

from bot.emulator import Message
from tests.e2e.checkins_steps import (
    NUDGE_TO_CLOSE,
    OPEN,
    TO_NUDGE,
    answer,
    open_week,
    prompt,
    scheduled,
    vote_pulse,
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
    await vote_pulse(h, posted, bob=2, chloe=3, david=3)
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


async def test_a_member_who_answered_is_not_counted_away(harness: Harness) -> None:
    """Bob answers, then marks himself away before the close: he answered that week, so
    the digest counts him as answering, not as away (the same person twice)."""
    h = harness
    await open_week(h, "bob", moderation=True)
    await answer(h, "bob", tried="Exit tickets")
    await h.slash("bob", "me away", until="2026-12-20")
    digest = await close_week(h)
    text = digest.all_text()
    assert "**1** of **1** member answered (100%)." in text, text
    assert "Away this week" not in text


@pytest.mark.parametrize(
    ("language", "said", "percent"),
    [
        ("en", "Nobody answered, and nobody was expected to", "0%"),
        ("fr", "Personne n'a répondu, et personne n'était attendu", "0 %"),
    ],
)
async def test_a_week_nobody_was_expected_to_answer_gives_no_percentage(
    harness: Harness, language: str, said: str, percent: str
) -> None:
    h = harness
    await open_week(h, moderation=True, language=language)
    text = (await close_week(h)).all_text()
    assert said in text, text
    assert percent not in text and "**0**" not in text


async def test_a_member_away_at_the_opening_who_came_back_and_answered_is_not_away(
    harness: Harness,
) -> None:
    h = harness
    await scheduled(h, moderation=True)
    await h.slash("bob", "me away", until="2026-12-20")
    await h.advance(OPEN)  # the week opens while Bob is away
    await h.slash("bob", "me back")
    await answer(h, "bob", tried="Back in class")
    text = (await close_week(h)).all_text()
    assert "**1** of **1** member answered (100%)." in text, text
    assert "Away this week" not in text
