"""429 storms and 5xx bursts while reminders go out: rate limits are honoured, a send
that misses its moment says it is late, and a retried post is still one message.

One meeting, four members going: each reminder is a channel post and four DMs. The
emulator enforces Discord's limits (made small) and injects storms on top; the clock
is the harness's, moved to the reminder and through the scheduler's retries. Every
target gets its message exactly once (counted by nonce); a send pushed past its
moment by an outage says it is late; one beyond the grace is recorded as missed and
the facilitators are told, never dropped silently.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import aiohttp
import pytest

from tests.e2e.harness import Harness
from tests.reliability.world import (
    bot_posts,
    rsvp,
    schedule_meeting,
    sends,
    timer_outcomes,
)

GOING = ("bob", "chloe", "david", "admin")
LATE = "(sent late"
MESSAGES = "/channels/{channel_id}/messages"


async def one_meeting(h: Harness) -> tuple[datetime, int]:
    """A meeting in two days with four members going; its start and the last message id."""
    await h.setup_community(language="en", moderation=True)
    starts = h.clock.now() + timedelta(days=2)
    announcement = await schedule_meeting(h, title="Storm watch", starts=starts)
    for user in GOING:
        assert "Going" in await rsvp(h.emu, h.user(user), announcement)
    await h.advance(timedelta(0))  # what scheduling left due now (the rotation's notice)
    return starts, max(h.emu.state.messages)


def reminders(h: Harness, after_id: int) -> list[str]:
    """Every reminder text that reached Discord: the channel's and the DMs."""
    posts = [m.content for m in bot_posts(h.emu, h.channel("announcements")) if m.id > after_id]
    for user in GOING:
        posts += [m.content for m in h.emu.dms_to(h.user(user)) if m.id > after_id]
    return [text for text in posts if text.startswith("⏰")]


def assert_one_message_per_target(h: Harness, after_id: int) -> None:
    """The channel's reminder and each DM reached Discord once: none lost, none doubled."""
    counted = sends(h.emu, [h.channel("announcements")], after_id=after_id)
    assert counted.duplicates == {} and counted.distinct == 1 + len(GOING)


def assert_only_the_channel_post_late(h: Harness, after_id: int) -> None:
    """The channel's reminder went late and says so; the DMs, sent apart, went on time;
    each target got its message once."""
    channel = h.channel("announcements")
    [post] = [m for m in bot_posts(h.emu, channel) if m.id > after_id and m.content[:1] == "⏰"]
    assert LATE in post.content
    dms = [t for t in reminders(h, after_id) if t != post.content]
    assert len(dms) == len(GOING) and not any(LATE in text for text in dms)
    assert_one_message_per_target(h, after_id)


def reminder_timers_done(h: Harness) -> int:
    return [status for status, _ in timer_outcomes(h.db_path, "meeting_reminder")].count("done")


async def test_429_storms_global_and_per_route_are_honoured_and_lose_nothing(
    harness: Harness,
) -> None:
    h = harness
    starts, after_id = await one_meeting(h)
    h.emu.rate_limits.enable(
        global_limit=8,
        routes={f"POST {MESSAGES}": (1, 0.3), "POST /users/@me/channels": (2, 0.5)},
    )
    # Discord's limits, plus storms discord.py cannot foresee: global, then per route.
    h.emu.faults.add(path="/", status=429, global_=True, retry_after=0.2, times=3)
    h.emu.faults.add(method="POST", path=MESSAGES, status=429, retry_after=0.1, times=3)

    await h.advance_to(starts - timedelta(days=1))
    # A request refused five times in a row is left to the scheduler: a minute later.
    await h.advance(timedelta(minutes=1))

    texts = reminders(h, after_id)
    assert len(texts) == 1 + len(GOING)
    assert_one_message_per_target(h, after_id)
    refused = h.emu.requests(status=429)
    assert {bool(r.response["global"]) for r in refused} == {True, False}  # both kinds hit
    assert not any(LATE in text for text in texts)  # waited out in seconds: on time
    assert reminder_timers_done(h) == 1


async def test_a_429_storm_outlasting_discord_py_is_retried_within_the_grace_and_marked_late(
    harness: Harness,
) -> None:
    """Every try of the channel post answered 429 for half an hour: discord.py gives up
    after five each time; the scheduler keeps retrying (it is Discord being busy, not a
    bug to give up on after six attempts) and the post finally goes, saying it is late."""
    h = harness
    starts, after_id = await one_meeting(h)
    channel = h.channel("announcements")
    storm = 6 * 5  # six scheduler attempts, five discord.py tries each
    h.emu.faults.add(
        method="POST", path=f"/channels/{channel}/messages", status=429, retry_after=0.01,
        times=storm,
    )  # fmt: skip

    await h.advance_to(starts - timedelta(days=1))
    for _ in range(34):  # attempts at +0, +1, +2, +4, +8, +16 min fail; +32 min succeeds
        await h.advance(timedelta(minutes=1))

    assert [m.content[:1] for m in bot_posts(h.emu, channel) if m.id > after_id] == ["⏰"]
    assert_only_the_channel_post_late(h, after_id)
    assert len(h.emu.requests(method="POST", path_contains=f"/{channel}/", status=429)) == storm


async def test_5xx_bursts_leave_one_message_per_target_and_late_retries_say_so(
    harness: Harness,
) -> None:
    h = harness
    starts, after_id = await one_meeting(h)
    # Four attempts meet a 503 (not retried by discord.py: the scheduler retries with
    # backoff: +30 s, +1 min 30, +3 min 30, +7 min 30); then two 502s after Discord
    # created the message (discord.py retries with the same nonce).
    h.emu.faults.add(method="POST", path=MESSAGES, status=503, times=4)
    h.emu.faults.add(method="POST", path=MESSAGES, status=502, commit=True, times=2)

    due = starts - timedelta(days=1)
    await h.advance_to(due)
    assert reminders(h, after_id) == []
    for _ in range(8):
        await h.advance(timedelta(minutes=1))

    texts = reminders(h, after_id)
    assert len(texts) == 1 + len(GOING)
    assert all(LATE in text for text in texts)  # 7 min 30 late: every message says so
    assert_one_message_per_target(h, after_id)
    assert len(h.emu.requests(method="POST", status=502)) == 2
    assert reminder_timers_done(h) == 1


async def test_a_long_429_does_not_stall_the_scheduler_and_the_send_is_marked_late(
    harness: Harness,
) -> None:
    """Discord says to wait 10 minutes: the bot does not sleep through it holding the
    scheduler (discord.py would, by default); the post is retried by the bot's clock,
    goes once the bucket resets, and says it is late."""
    h = harness
    starts, after_id = await one_meeting(h)
    channel = h.channel("announcements")
    due = starts - timedelta(days=1)
    await h.advance_to(due - timedelta(minutes=1))
    h.emu.rate_limits.clock = h.clock  # Discord's buckets reset on the test's clock
    h.emu.rate_limits.enable(global_limit=None, routes={f"POST {MESSAGES}": (1, 600.0)})
    # Another tool on the bot's token posts first: the channel's bucket is spent for 10 min.
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{h.emu.http_url}/api/v10/channels/{channel}/messages",
            json={"content": "from the dashboard"},
            headers={"Authorization": f"Bot {h.emu.bot_token}"},
        ) as response,
    ):
        assert response.status == 200

    try:
        await asyncio.wait_for(h.advance_to(due), timeout=20)
    except TimeoutError:
        pytest.fail("the bot slept through a 10-minute rate limit holding the scheduler")
    assert len(h.emu.requests(method="POST", path_contains=f"/{channel}/", status=429)) == 1
    for _ in range(16):  # retries at +1, +2, +4, +8 min meet the spent bucket; +16 goes
        await h.advance(timedelta(minutes=1))

    assert_only_the_channel_post_late(h, after_id)


async def test_an_outage_beyond_the_grace_is_recorded_as_missed_and_facilitators_told(
    harness: Harness,
) -> None:
    h = harness
    starts, after_id = await one_meeting(h)
    for user in GOING:
        h.emu.close_dms(h.user(user))  # only the channel post is left to send
    outage = h.emu.faults.add(
        method="POST", path=f"/channels/{h.channel('announcements')}/messages", status=503,
        times=None,
    )  # fmt: skip

    await h.advance_to(starts - timedelta(days=1))
    for _ in range(7):  # 70 minutes of retries, past the reminder's 50-minute grace
        await h.advance(timedelta(minutes=10))

    assert reminders(h, after_id) == []
    outcomes = timer_outcomes(h.db_path, "meeting_reminder")
    [(status, note)] = [o for o in outcomes if o[0] != "pending"]
    assert status == "missed" and note
    told = [
        m
        for m in bot_posts(h.emu, h.channel("moderation"))
        if "could not be sent in time" in m.content
    ]
    assert len(told) == 1
    h.emu.faults.faults.remove(outage)
