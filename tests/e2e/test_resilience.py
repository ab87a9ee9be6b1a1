"""Discord misbehaving, with the real bot: rate limits, 5xx, drops, refusals."""

from __future__ import annotations

import asyncio

from bot.chat import Card, Channel, DirectMessage, Message, Posted, Target, Trusted
from bot.db import members as members_db
from tests.e2e.harness import Harness


class Plain(Card):
    """A bare text message, to exercise the Discord adapter of the chat port itself."""

    text: str

    def layout(self) -> Message:
        return Message(content=Trusted(text=self.text))


async def send(h: Harness, target: Target, text: str, nonce: str) -> Posted | None:
    return await h.bot.core.chat.send(target, Plain(language="en", text=text), nonce=nonce)


async def test_a_429_is_waited_out_and_the_message_arrives_once(harness: Harness) -> None:
    channel = harness.channel("announcements")
    harness.emu.faults.add(
        method="POST", path=f"/channels/{channel}/messages", status=429, retry_after=0.2
    )
    sent = await send(harness, Channel(harness.guild.id, channel), "hello", "rate-limited-1")
    assert sent is not None
    messages = harness.emu.messages_in(channel)
    assert [m.content for m in messages] == ["hello"]
    assert messages[0].allowed_mentions == {"parse": []}  # the client default: no pings
    statuses = [r.status for r in harness.emu.requests(method="POST", path_contains=f"/{channel}/")]
    assert statuses == [429, 200]


async def test_created_then_502_leaves_exactly_one_message(harness: Harness) -> None:
    """Discord creates the message, answers 502, discord.py retries with the nonce."""
    channel = harness.channel("announcements")
    harness.emu.faults.add(method="POST", path=f"/channels/{channel}/messages", status=502)
    await send(harness, Channel(harness.guild.id, channel), "once", "flaky-502-1")
    assert [m.content for m in harness.emu.messages_in(channel)] == ["once"]


async def test_the_bot_resumes_after_a_gateway_drop_and_still_answers(harness: Harness) -> None:
    await harness.emu.drop_gateway(resumable=True)
    await harness.emu.wait_for(lambda: harness.emu.resume_count == 1, timeout=10)
    result = await harness.slash("bob", "plc status")
    assert "/plc setup" in (result.content or "")


async def test_reconnects_do_not_start_the_scheduler_twice(harness: Harness) -> None:
    """A fresh IDENTIFY fires on_ready again; background work starts once."""
    scheduler = harness.bot.core.scheduler
    aps = scheduler.alarm.aps
    assert aps is not None
    jobs = sorted(job.id for job in aps.get_jobs())
    await harness.emu.drop_gateway(resumable=False)
    await harness.emu.wait_for(lambda: harness.emu.identify_count == 2, timeout=15)
    await harness.emu.wait_until_connected(timeout=10)
    assert scheduler.alarm.aps is aps
    assert sorted(job.id for job in aps.get_jobs()) == jobs
    result = await harness.slash("bob", "plc status")
    assert result.content


async def test_a_closed_dm_is_recorded_and_reported_as_unreachable(harness: Harness) -> None:
    """A DM refused (50007) marks the member; the caller falls back to the channel."""
    await harness.setup_community()
    bob = harness.user("bob")
    harness.emu.close_dms(bob)
    assert await send(harness, DirectMessage(harness.guild.id, bob), "hi", "dm-1") is None
    async with harness.bot.core.db.read() as conn:
        member = await members_db.get(conn, harness.guild.id, bob)
    assert member is not None and member.dm_closed_at is not None
    chloe = harness.user("chloe")
    assert await send(harness, DirectMessage(harness.guild.id, chloe), "hi", "dm-2")
    assert [m.content for m in harness.emu.dms_to(chloe)] == ["hi"]


async def test_a_deleted_channel_is_paused_and_admins_are_told_once(harness: Harness) -> None:
    """No hammering a channel Discord refuses; one notice to the admins."""
    await harness.setup_community(moderation=True)
    lost = harness.channel("check-ins")
    harness.emu.delete_channel(lost)
    for attempt in range(3):
        sent = await send(harness, Channel(harness.guild.id, lost), "week 1", f"lost-{attempt}")
        assert sent is None
    # The deletion reached the bot by the gateway too: whichever saw it first tells once.
    for _ in range(200):
        notices = harness.emu.messages_in(harness.channel("moderation"))
        if notices:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # time for a second notice, which must not come
    notices = harness.emu.messages_in(harness.channel("moderation"))
    assert len(notices) == 1
    assert "can no longer post" in notices[0].content
    attempts = harness.emu.requests(method="POST", path_contains=f"/channels/{lost}/messages")
    assert len(attempts) <= 1  # later sends are skipped, not sent to Discord
